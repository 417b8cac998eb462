package org.kclone.device.used;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.kclone.device.fs.ByteSource;
import org.kclone.device.gpt.GptEntries;
import org.kclone.device.gpt.GptException;
import org.kclone.device.gpt.GptHeader;

/**
 * The partitions of a whole-disk region, from its GPT (the primary header at LBA 1, checked by its
 * CRCs) or else its MBR (four primary entries, and the logical partitions of an extended one
 * through its chain of EBRs). Only where each partition lies is read; the table sectors themselves
 * are copied whole by whoever asks.
 */
public final class PartitionTable {

    /** One partition: {@code number} as the kernel numbers it (1..4 primary, 5.. logical), in bytes of the region. */
    public record Partition(int number, long offset, long length) {
        public long end() {
            return offset + length;
        }
    }

    /** What was found: "gpt", "mbr" or "none", and the partitions. */
    public record Found(String scheme, List<Partition> partitions) {
        static final Found NONE = new Found("none", List.of());
    }

    private static final int MBR_SIGNATURE_AT = 510;
    private static final int MBR_ENTRIES_AT = 446;
    private static final int MAX_LOGICAL = 128;

    private PartitionTable() {
    }

    /**
     * Reads the table of {@code src}, a disk whose logical sectors are {@code sectorSize} bytes.
     * Partitions past the region's end are clipped to it.
     */
    public static Found read(ByteSource src, int sectorSize) throws IOException {
        if (src.length() < 2L * sectorSize) {
            return Found.NONE;
        }
        ByteBuffer mbr = src.read(0, 512);
        if ((mbr.getShort(MBR_SIGNATURE_AT) & 0xffff) != 0xaa55) {
            return Found.NONE;
        }
        Found gpt = gpt(src, sectorSize, mbr);
        return gpt != null ? gpt : mbr(src, sectorSize, mbr);
    }

    private static Found gpt(ByteSource src, int sectorSize, ByteBuffer mbr) throws IOException {
        boolean protective = false;
        for (int i = 0; i < 4; i++) {
            protective |= (mbr.get(MBR_ENTRIES_AT + 16 * i + 4) & 0xff) == 0xee;
        }
        if (!protective) {
            return null;
        }
        byte[] sector = new byte[sectorSize];
        src.read(sectorSize, sectorSize).get(sector);
        GptHeader h;
        try {
            h = GptHeader.parse(sector);
        } catch (GptException e) {
            return null; // a damaged GPT: the MBR's view (one 0xEE entry: the disk is copied whole)
        }
        long entriesAt = h.entriesLba() * sectorSize;
        if (entriesAt + h.entriesBytes() > src.length()) {
            return null;
        }
        byte[] raw = new byte[(int) h.entriesBytes()];
        src.read(entriesAt, raw.length).get(raw);
        GptEntries entries = new GptEntries(raw, (int) h.entrySize());
        if (entries.crc() != h.entriesCrc()) {
            return null;
        }
        List<Partition> out = new ArrayList<>();
        for (int i = 0; i < entries.count(); i++) {
            if (entries.used(i) && entries.lastLba(i) >= entries.firstLba(i)) {
                add(out, i + 1, entries.firstLba(i) * sectorSize,
                        (entries.lastLba(i) - entries.firstLba(i) + 1) * sectorSize, src.length());
            }
        }
        return new Found("gpt", out);
    }

    private static Found mbr(ByteSource src, int sectorSize, ByteBuffer mbr) throws IOException {
        List<Partition> out = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int at = MBR_ENTRIES_AT + 16 * i;
            int status = mbr.get(at) & 0xff;
            int type = mbr.get(at + 4) & 0xff;
            long first = Integer.toUnsignedLong(mbr.getInt(at + 8));
            long count = Integer.toUnsignedLong(mbr.getInt(at + 12));
            if (status != 0 && status != 0x80) {
                return Found.NONE; // not a partition table (a boot sector's code, say)
            }
            if (type == 0 || count == 0) {
                continue;
            }
            if (isExtended(type)) {
                logical(src, sectorSize, first, out);
            } else {
                add(out, i + 1, first * sectorSize, count * sectorSize, src.length());
            }
        }
        return new Found("mbr", out);
    }

    /** Follows the EBR chain of the extended partition at {@code base}: each EBR's first entry is a logical partition. */
    private static void logical(ByteSource src, int sectorSize, long base, List<Partition> out) throws IOException {
        long ebr = base;
        for (int n = 0; n < MAX_LOGICAL; n++) {
            if ((ebr + 1) * sectorSize > src.length()) {
                return;
            }
            ByteBuffer b = src.read(ebr * sectorSize, 512).order(ByteOrder.LITTLE_ENDIAN);
            if ((b.getShort(MBR_SIGNATURE_AT) & 0xffff) != 0xaa55) {
                return;
            }
            long first = Integer.toUnsignedLong(b.getInt(MBR_ENTRIES_AT + 8));
            long count = Integer.toUnsignedLong(b.getInt(MBR_ENTRIES_AT + 12));
            if ((b.get(MBR_ENTRIES_AT + 4) & 0xff) != 0 && count > 0) {
                add(out, 5 + n, (ebr + first) * sectorSize, count * sectorSize, src.length());
            }
            int nextType = b.get(MBR_ENTRIES_AT + 16 + 4) & 0xff;
            long next = Integer.toUnsignedLong(b.getInt(MBR_ENTRIES_AT + 16 + 8));
            if (!isExtended(nextType) || next == 0) {
                return;
            }
            ebr = base + next;
        }
    }

    private static boolean isExtended(int type) {
        return type == 0x05 || type == 0x0f || type == 0x85;
    }

    private static void add(List<Partition> out, int number, long offset, long length, long limit) {
        if (offset >= limit || length <= 0) {
            return;
        }
        out.add(new Partition(number, offset, Math.min(length, limit - offset)));
    }
}
