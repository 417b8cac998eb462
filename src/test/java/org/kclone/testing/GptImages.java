package org.kclone.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.kclone.device.gpt.GptHeader;

/**
 * GPT disks built in memory, laid out as sgdisk lays them: a protective MBR, the primary header at
 * LBA 1 with 128 entries of 128 bytes from LBA 2, the backup entries and header at the disk's end.
 * The bytes between are a pattern, so a test can see that they are left alone.
 */
public final class GptImages {

    public static final int ENTRIES = 128;
    public static final int ENTRY_SIZE = 128;

    private GptImages() {
    }

    /** Logical sectors the entry array takes. */
    public static long entrySectors(int sectorSize) {
        return (ENTRIES * ENTRY_SIZE + sectorSize - 1) / sectorSize;
    }

    /**
     * A disk of {@code sectors} logical sectors of {@code sectorSize} bytes with the given
     * partitions, each {@code {firstLba, lastLba}} (inclusive), in entry order.
     */
    public static byte[] disk(int sectorSize, long sectors, long[]... partitions) {
        int s = sectorSize;
        byte[] d = new byte[Math.toIntExact(sectors * s)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (i * 31 + (i >> 9));
        }
        long es = entrySectors(s);
        long last = sectors - 1;
        long firstUsable = 2 + es;
        long lastUsable = last - es - 1;
        byte[] entries = new byte[ENTRIES * ENTRY_SIZE];
        ByteBuffer e = ByteBuffer.wrap(entries).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < partitions.length; i++) {
            int at = i * ENTRY_SIZE;
            for (int k = 0; k < 16; k++) {
                entries[at + k] = (byte) (0x10 + k); // type GUID
                entries[at + 16 + k] = (byte) (0x40 + i * 16 + k); // unique GUID
            }
            e.putLong(at + 32, partitions[i][0]);
            e.putLong(at + 40, partitions[i][1]);
            byte[] name = ("part" + (i + 1)).getBytes(StandardCharsets.UTF_16LE);
            System.arraycopy(name, 0, entries, at + 56, name.length);
        }
        long crc = GptHeader.crc32(entries, 0, entries.length);
        byte[] guid = new byte[16];
        for (int k = 0; k < 16; k++) {
            guid[k] = (byte) (0xA0 + k);
        }
        GptHeader primary = GptHeader.of(1, last, firstUsable, lastUsable, guid, 2, ENTRIES, ENTRY_SIZE, crc);
        GptHeader backup = GptHeader.of(last, 1, firstUsable, lastUsable, guid, last - es, ENTRIES, ENTRY_SIZE, crc);
        java.util.Arrays.fill(d, 0, (int) (firstUsable * s), (byte) 0);
        java.util.Arrays.fill(d, (int) ((lastUsable + 1) * s), d.length, (byte) 0);
        protectiveMbr(d, sectors);
        System.arraycopy(primary.toSector(s), 0, d, s, s);
        System.arraycopy(entries, 0, d, 2 * s, entries.length);
        System.arraycopy(entries, 0, d, (int) ((last - es) * s), entries.length);
        System.arraycopy(backup.toSector(s), 0, d, (int) (last * s), s);
        return d;
    }

    /** Writes a protective MBR for a disk of {@code sectors} into {@code d}'s first 512 bytes. */
    public static void protectiveMbr(byte[] d, long sectors) {
        java.util.Arrays.fill(d, 0, 512, (byte) 0);
        mbrEntry(d, 0, 0xEE, 1, Math.min(sectors - 1, 0xFFFFFFFFL));
        d[510] = 0x55;
        d[511] = (byte) 0xAA;
    }

    /** Sets MBR entry {@code i} (CHS fields left as placeholders). */
    public static void mbrEntry(byte[] d, int i, int type, long start, long size) {
        int at = 446 + i * 16;
        d[at + 1] = 0;
        d[at + 2] = 2;
        d[at + 3] = 0;
        d[at + 4] = (byte) type;
        d[at + 5] = (byte) 0xFF;
        d[at + 6] = (byte) 0xFF;
        d[at + 7] = (byte) 0xFF;
        ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putInt(at + 8, (int) start).putInt(at + 12, (int) size);
    }

    /** A copy of {@code disk} at the start of a larger disk of {@code bytes} (the rest zeros). */
    public static byte[] grownTo(byte[] disk, long bytes) {
        return java.util.Arrays.copyOf(disk, Math.toIntExact(bytes));
    }
}
