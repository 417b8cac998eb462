package org.kclone.device.fs.ext;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.kclone.device.fs.ByteSource;
import org.kclone.device.fs.FsFormatException;

/**
 * The block group descriptors of an ext file system: where each group's block bitmap, inode
 * bitmap and inode table are (with flex_bg they may lie in another group) and its flags. Read
 * from the descriptor table after the superblock, or with meta_bg from each meta group's own
 * descriptor block; 32-byte descriptors, or {@code desc_size} with 64bit (high halves used).
 */
final class ExtGroupTable {

    /** bg_flags: the block bitmap was never written (only with gdt_csum / metadata_csum). */
    static final int BLOCK_UNINIT = 0x2;

    /** Most blocks read at once. */
    private static final int BATCH_BLOCKS = 256;

    final long[] blockBitmap;
    final long[] inodeBitmap;
    final long[] inodeTable;
    final int[] flags;
    /** The blocks the descriptors were read from, one per descriptor block. */
    final long[] descriptorBlocks;

    private ExtGroupTable(int groups, int descBlocks) {
        blockBitmap = new long[groups];
        inodeBitmap = new long[groups];
        inodeTable = new long[groups];
        flags = new int[groups];
        descriptorBlocks = new long[descBlocks];
    }

    int groups() {
        return flags.length;
    }

    /** Whether group {@code g}'s bitmap was never initialised: the reader computes its metadata instead. */
    boolean blockUninit(ExtSuperblock sb, int g) {
        return sb.groupFlagsValid() && (flags[g] & BLOCK_UNINIT) != 0;
    }

    static ExtGroupTable read(ByteSource src, ExtSuperblock sb) throws IOException {
        if (sb.groupCount > Integer.MAX_VALUE / 2) {
            throw new FsFormatException("ext: " + sb.groupCount + " block groups is more than this reader handles");
        }
        int groups = (int) sb.groupCount;
        int descBlocks = (int) sb.descriptorBlocks();
        ExtGroupTable t = new ExtGroupTable(groups, descBlocks);
        for (int nr = 0; nr < descBlocks; nr++) {
            long at = sb.descriptorLocation(nr);
            if (at < 1 || at >= sb.blocksCount) {
                throw new FsFormatException("ext: descriptor block " + nr + " at block " + at + " is outside the file system");
            }
            t.descriptorBlocks[nr] = at;
        }
        long inodeTableBlocks = sb.inodeTableBlocks();
        int nr = 0;
        while (nr < descBlocks) {
            int run = 1;
            while (nr + run < descBlocks && run < BATCH_BLOCKS
                    && t.descriptorBlocks[nr + run] == t.descriptorBlocks[nr] + run) {
                run++;
            }
            ByteBuffer b = src.read(t.descriptorBlocks[nr] * sb.blockSize, run * sb.blockSize);
            for (int i = 0; i < run; i++) {
                long firstGroup = (long) (nr + i) * sb.descPerBlock;
                for (int k = 0; k < sb.descPerBlock && firstGroup + k < groups; k++) {
                    int g = (int) (firstGroup + k);
                    t.parse(b, i * sb.blockSize + k * sb.descSize, g, sb, inodeTableBlocks);
                }
            }
            nr += run;
        }
        return t;
    }

    private void parse(ByteBuffer b, int at, int g, ExtSuperblock sb, long inodeTableBlocks) throws FsFormatException {
        boolean wide = sb.descSize >= 64;
        blockBitmap[g] = u32(b, at) | (wide ? u32(b, at + 0x20) << 32 : 0);
        inodeBitmap[g] = u32(b, at + 0x4) | (wide ? u32(b, at + 0x24) << 32 : 0);
        inodeTable[g] = u32(b, at + 0x8) | (wide ? u32(b, at + 0x28) << 32 : 0);
        flags[g] = Short.toUnsignedInt(b.getShort(at + 0x12));
        check(sb, g, "block bitmap", blockBitmap[g], 1);
        check(sb, g, "inode bitmap", inodeBitmap[g], 1);
        check(sb, g, "inode table", inodeTable[g], inodeTableBlocks);
    }

    private static void check(ExtSuperblock sb, int g, String what, long block, long blocks) throws FsFormatException {
        if (block < sb.firstDataBlock || block == 0 || block > sb.blocksCount - blocks) {
            throw new FsFormatException("ext: group " + g + "'s " + what + " at block " + block + " ("
                    + blocks + " block" + (blocks == 1 ? "" : "s") + ") is outside the file system's "
                    + sb.blocksCount + " blocks");
        }
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }
}
