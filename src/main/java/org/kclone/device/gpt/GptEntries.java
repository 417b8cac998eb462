package org.kclone.device.gpt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A GPT partition entry array in memory: each entry holds a type GUID (all zeros: unused), a
 * unique GUID, the first and last LBA (inclusive), attributes and a name.
 */
public final class GptEntries {

    private static final int FIRST_LBA = 32;
    private static final int LAST_LBA = 40;

    private final byte[] bytes;
    private final int entrySize;

    /** The array as read: {@code count * entrySize} bytes. */
    public GptEntries(byte[] bytes, int entrySize) {
        this.bytes = bytes.clone();
        this.entrySize = entrySize;
    }

    public int count() {
        return bytes.length / entrySize;
    }

    public boolean used(int i) {
        for (int k = 0; k < 16; k++) {
            if (bytes[i * entrySize + k] != 0) {
                return true;
            }
        }
        return false;
    }

    private ByteBuffer le() {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    public long firstLba(int i) {
        return le().getLong(i * entrySize + FIRST_LBA);
    }

    public long lastLba(int i) {
        return le().getLong(i * entrySize + LAST_LBA);
    }

    /** The used entry that ends last on the disk (not the highest number), or -1 when none is used. */
    public int lastPartition() {
        int best = -1;
        for (int i = 0; i < count(); i++) {
            if (used(i) && (best < 0 || Long.compareUnsigned(lastLba(i), lastLba(best)) > 0)) {
                best = i;
            }
        }
        return best;
    }

    /** A copy with entry {@code i} ending at {@code lba}. */
    public GptEntries withLastLba(int i, long lba) {
        GptEntries out = new GptEntries(bytes, entrySize);
        out.le().putLong(i * entrySize + LAST_LBA, lba);
        return out;
    }

    /** The first used entry lying outside {@code first..last}, as a message, or null. */
    public String outside(long first, long last) {
        for (int i = 0; i < count(); i++) {
            if (used(i) && (firstLba(i) < first || lastLba(i) > last || firstLba(i) > lastLba(i))) {
                return "partition " + (i + 1) + " (" + firstLba(i) + ".." + lastLba(i) + ") lies outside the usable "
                        + first + ".." + last;
            }
        }
        return null;
    }

    public long crc() {
        return GptHeader.crc32(bytes, 0, bytes.length);
    }

    /** The array padded with zeros to whole sectors of {@code sectorSize}. */
    public byte[] toSectors(int sectorSize) {
        int n = (bytes.length + sectorSize - 1) / sectorSize * sectorSize;
        byte[] out = new byte[n];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        return out;
    }

    public byte[] bytes() {
        return bytes.clone();
    }
}
