package org.kclone.device.gpt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A GPT header (UEFI spec, "GPT Header"): parsed from its sector with every check a reader makes,
 * changed field by field, and written back with its CRC32 recomputed. Every number is little-endian;
 * LBAs are logical sectors of the disk (512 or 4096 bytes). Bytes past the 92 defined ones, up to
 * HeaderSize, are kept as they were (they are covered by the CRC).
 */
public final class GptHeader {

    /** "EFI PART". */
    static final byte[] SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
    /** The defined part of a header: smaller HeaderSize values are invalid. */
    static final int MIN_SIZE = 92;

    private static final int REVISION = 8;
    private static final int HEADER_SIZE = 12;
    private static final int HEADER_CRC = 16;
    private static final int MY_LBA = 24;
    private static final int ALTERNATE_LBA = 32;
    private static final int FIRST_USABLE = 40;
    private static final int LAST_USABLE = 48;
    private static final int DISK_GUID = 56;
    private static final int ENTRIES_LBA = 72;
    private static final int ENTRY_COUNT = 80;
    private static final int ENTRY_SIZE = 84;
    private static final int ENTRIES_CRC = 88;

    /** HeaderSize bytes, the CRC field as stored. */
    private final byte[] raw;

    private GptHeader(byte[] raw) {
        this.raw = raw;
    }

    /** Whether {@code sector} starts with the "EFI PART" signature (valid or not). */
    public static boolean hasSignature(byte[] sector) {
        return sector.length >= SIGNATURE.length && Arrays.equals(sector, 0, SIGNATURE.length, SIGNATURE, 0,
                SIGNATURE.length);
    }

    /**
     * Parses a header from its sector.
     *
     * @throws GptException naming what is wrong: no signature, a HeaderSize out of range, a CRC that
     *     does not match, entries that cannot be (size not a multiple of 8 or under 128)
     */
    public static GptHeader parse(byte[] sector) throws GptException {
        if (!hasSignature(sector)) {
            throw new GptException("no \"EFI PART\" signature");
        }
        ByteBuffer b = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
        long size = Integer.toUnsignedLong(b.getInt(HEADER_SIZE));
        if (size < MIN_SIZE || size > sector.length) {
            throw new GptException("header size " + size + " is outside " + MIN_SIZE + ".." + sector.length);
        }
        GptHeader h = new GptHeader(Arrays.copyOf(sector, (int) size));
        long stored = h.headerCrc();
        long computed = h.computeCrc();
        if (stored != computed) {
            throw new GptException(String.format("header CRC32 is %08x, its bytes give %08x", stored, computed));
        }
        if (h.entrySize() < 128 || h.entrySize() % 8 != 0) {
            throw new GptException("partition entry size " + h.entrySize() + " is not a multiple of 8 of at least 128");
        }
        if (h.entryCount() == 0 || h.entriesBytes() > 16L << 20) {
            throw new GptException(h.entryCount() + " partition entries of " + h.entrySize() + " bytes");
        }
        if (h.firstUsableLba() > h.lastUsableLba() + 1) {
            throw new GptException("first usable LBA " + h.firstUsableLba() + " is past the last, "
                    + h.lastUsableLba());
        }
        return h;
    }

    private ByteBuffer le() {
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    }

    private long computeCrc() {
        byte[] copy = raw.clone();
        Arrays.fill(copy, HEADER_CRC, HEADER_CRC + 4, (byte) 0);
        return crc32(copy, 0, copy.length);
    }

    /** CRC32 as GPT (and zlib) computes it. */
    public static long crc32(byte[] bytes, int from, int length) {
        CRC32 c = new CRC32();
        c.update(bytes, from, length);
        return c.getValue();
    }

    public int revision() {
        return le().getInt(REVISION);
    }

    public int headerSize() {
        return raw.length;
    }

    public long headerCrc() {
        return Integer.toUnsignedLong(le().getInt(HEADER_CRC));
    }

    public long myLba() {
        return le().getLong(MY_LBA);
    }

    public long alternateLba() {
        return le().getLong(ALTERNATE_LBA);
    }

    public long firstUsableLba() {
        return le().getLong(FIRST_USABLE);
    }

    public long lastUsableLba() {
        return le().getLong(LAST_USABLE);
    }

    public byte[] diskGuid() {
        return Arrays.copyOfRange(raw, DISK_GUID, DISK_GUID + 16);
    }

    public long entriesLba() {
        return le().getLong(ENTRIES_LBA);
    }

    public long entryCount() {
        return Integer.toUnsignedLong(le().getInt(ENTRY_COUNT));
    }

    public long entrySize() {
        return Integer.toUnsignedLong(le().getInt(ENTRY_SIZE));
    }

    public long entriesCrc() {
        return Integer.toUnsignedLong(le().getInt(ENTRIES_CRC));
    }

    /** Bytes of the partition entry array. */
    public long entriesBytes() {
        return entryCount() * entrySize();
    }

    /** Logical sectors the partition entry array takes. */
    public long entriesSectors(int sectorSize) {
        return (entriesBytes() + sectorSize - 1) / sectorSize;
    }

    private GptHeader withLong(int at, long v) {
        GptHeader h = new GptHeader(raw.clone());
        h.le().putLong(at, v);
        return h;
    }

    public GptHeader withMyLba(long lba) {
        return withLong(MY_LBA, lba);
    }

    public GptHeader withAlternateLba(long lba) {
        return withLong(ALTERNATE_LBA, lba);
    }

    public GptHeader withLastUsableLba(long lba) {
        return withLong(LAST_USABLE, lba);
    }

    public GptHeader withEntriesLba(long lba) {
        return withLong(ENTRIES_LBA, lba);
    }

    public GptHeader withEntriesCrc(long crc) {
        GptHeader h = new GptHeader(raw.clone());
        h.le().putInt(ENTRIES_CRC, (int) crc);
        return h;
    }

    /** The header's sector: HeaderSize bytes with the CRC recomputed, zeros to {@code sectorSize}. */
    public byte[] toSector(int sectorSize) {
        byte[] out = new byte[sectorSize];
        System.arraycopy(raw, 0, out, 0, raw.length);
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(HEADER_CRC, 0);
        b.putInt(HEADER_CRC, (int) crc32(out, 0, raw.length));
        return out;
    }

    /** A new header with the given fields (tests; revision 1.0, HeaderSize 92), its CRC computed. */
    public static GptHeader of(long myLba, long alternateLba, long firstUsable, long lastUsable, byte[] diskGuid,
            long entriesLba, int entryCount, int entrySize, long entriesCrc) {
        byte[] raw = new byte[MIN_SIZE];
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SIGNATURE);
        b.putInt(REVISION, 0x00010000);
        b.putInt(HEADER_SIZE, MIN_SIZE);
        b.putLong(MY_LBA, myLba);
        b.putLong(ALTERNATE_LBA, alternateLba);
        b.putLong(FIRST_USABLE, firstUsable);
        b.putLong(LAST_USABLE, lastUsable);
        System.arraycopy(diskGuid, 0, raw, DISK_GUID, 16);
        b.putLong(ENTRIES_LBA, entriesLba);
        b.putInt(ENTRY_COUNT, entryCount);
        b.putInt(ENTRY_SIZE, entrySize);
        b.putInt(ENTRIES_CRC, (int) entriesCrc);
        GptHeader h = new GptHeader(raw);
        b.putInt(HEADER_CRC, (int) h.computeCrc());
        return h;
    }

    /**
     * Whether {@code other} describes the same table as this one seen from the other end: the same
     * disk GUID, usable range, entry count and size and entries CRC; the LBAs of each pointing at the other.
     */
    public boolean mirrors(GptHeader other) {
        return Arrays.equals(diskGuid(), other.diskGuid()) && myLba() == other.alternateLba()
                && alternateLba() == other.myLba() && firstUsableLba() == other.firstUsableLba()
                && lastUsableLba() == other.lastUsableLba() && entryCount() == other.entryCount()
                && entrySize() == other.entrySize() && entriesCrc() == other.entriesCrc();
    }
}
