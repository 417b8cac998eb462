package org.kclone.device.gpt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The MBR in the first 512 bytes of a GPT disk, kept consistent when the disk grows. A protective
 * MBR (one 0xEE entry from LBA 1, nothing else) gets the size field {@code min(sectors - 1,
 * 0xFFFFFFFF)}, as {@code sgdisk -e} writes it. In a hybrid MBR (a 0xEE entry beside real
 * partitions) the other entries are never touched, and the 0xEE entry is extended to the new end
 * only when it reached the old one (gdisk's own hybrids cover only the start of the disk, and stay).
 */
public final class ProtectiveMbr {

    /** What the first sector holds. */
    public enum Kind {
        /** No MBR signature, or no 0xEE entry: left alone. */
        NONE,
        /** A 0xEE entry and nothing else. */
        PROTECTIVE,
        /** A 0xEE entry beside other partitions. */
        HYBRID
    }

    static final int TABLE = 446;
    static final int ENTRY = 16;
    static final int TYPE_GPT = 0xEE;
    private static final long MAX32 = 0xFFFFFFFFL;

    private ProtectiveMbr() {
    }

    private static ByteBuffer le(byte[] mbr) {
        return ByteBuffer.wrap(mbr).order(ByteOrder.LITTLE_ENDIAN);
    }

    static int type(byte[] mbr, int i) {
        return mbr[TABLE + i * ENTRY + 4] & 0xFF;
    }

    static long startLba(byte[] mbr, int i) {
        return Integer.toUnsignedLong(le(mbr).getInt(TABLE + i * ENTRY + 8));
    }

    static long size(byte[] mbr, int i) {
        return Integer.toUnsignedLong(le(mbr).getInt(TABLE + i * ENTRY + 12));
    }

    /** The kind of MBR in {@code mbr} (at least 512 bytes: the disk's first sector). */
    public static Kind kind(byte[] mbr) {
        if ((mbr[510] & 0xFF) != 0x55 || (mbr[511] & 0xFF) != 0xAA) {
            return Kind.NONE;
        }
        boolean gpt = false;
        boolean other = false;
        for (int i = 0; i < 4; i++) {
            int t = type(mbr, i);
            gpt |= t == TYPE_GPT;
            other |= t != 0 && t != TYPE_GPT;
        }
        return !gpt ? Kind.NONE : other ? Kind.HYBRID : Kind.PROTECTIVE;
    }

    /**
     * The first sector for a disk grown from {@code oldSectors} to {@code newSectors} logical
     * sectors: a copy of {@code mbr} (equal to it when nothing needed changing).
     */
    public static byte[] grown(byte[] mbr, long oldSectors, long newSectors) {
        byte[] out = mbr.clone();
        Kind kind = kind(mbr);
        if (kind == Kind.NONE) {
            return out;
        }
        for (int i = 0; i < 4; i++) {
            if (type(mbr, i) != TYPE_GPT) {
                continue;
            }
            long start = startLba(mbr, i);
            long size = size(mbr, i);
            boolean extend = kind == Kind.PROTECTIVE
                    ? start == 1
                    : start > 0 && (start + size >= oldSectors || size == MAX32);
            if (extend && start < newSectors) {
                long newSize = Math.min(newSectors - start, MAX32);
                le(out).putInt(TABLE + i * ENTRY + 12, (int) newSize);
                putChs(out, TABLE + i * ENTRY + 5, start + newSize - 1);
            }
        }
        return out;
    }

    /**
     * Writes the CHS address of {@code lba} in gdisk's geometry (255 heads, 63 sectors a track);
     * past what CHS can address, 0xFE 0xFF 0xFF as gdisk writes it (an existing 0xFF 0xFF 0xFF stays).
     */
    static void putChs(byte[] mbr, int at, long lba) {
        long cylinder = lba / (255 * 63);
        if (cylinder > 1023) {
            if ((mbr[at] & 0xFF) == 0xFF && (mbr[at + 1] & 0xFF) == 0xFF && (mbr[at + 2] & 0xFF) == 0xFF) {
                return;
            }
            mbr[at] = (byte) 0xFE;
            mbr[at + 1] = (byte) 0xFF;
            mbr[at + 2] = (byte) 0xFF;
            return;
        }
        long rest = lba % (255 * 63);
        int head = (int) (rest / 63);
        int sector = (int) (rest % 63) + 1;
        mbr[at] = (byte) head;
        mbr[at + 1] = (byte) (sector | ((cylinder >> 2) & 0xC0));
        mbr[at + 2] = (byte) (cylinder & 0xFF);
    }

    /**
     * What is wrong with a protective MBR's 0xEE entry for a disk of {@code sectors}, or null (a
     * hybrid MBR's 0xEE entry need only stay on the disk; NONE: nothing to check).
     */
    public static String problem(byte[] mbr, long sectors) {
        Kind kind = kind(mbr);
        for (int i = 0; i < 4 && kind != Kind.NONE; i++) {
            if (type(mbr, i) != TYPE_GPT) {
                continue;
            }
            long start = startLba(mbr, i);
            long size = size(mbr, i);
            if (kind == Kind.PROTECTIVE && start == 1 && size != Math.min(sectors - 1, MAX32)) {
                return "the protective MBR's 0xEE entry has size " + size + ", the disk needs "
                        + Math.min(sectors - 1, MAX32);
            }
            if (size != MAX32 && start + size > sectors) {
                return "the MBR's 0xEE entry (" + start + "+" + size + ") runs past the disk's " + sectors + " sectors";
            }
        }
        return null;
    }
}
