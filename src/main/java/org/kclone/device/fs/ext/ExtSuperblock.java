package org.kclone.device.fs.ext;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.kclone.device.fs.FsFormatException;

/**
 * The fields of an ext2/3/4 superblock (1024 bytes at byte 1024 of the file system) that place
 * its block groups, and the layout rules derived from them (which groups hold superblock and
 * descriptor backups, where descriptor blocks are), as the kernel's fs/ext4 and the ext4 disk
 * layout document define them.
 */
final class ExtSuperblock {

    static final int OFFSET = 1024;
    static final int SIZE = 1024;
    static final int MAGIC = 0xEF53;

    final long inodesCount;
    final long blocksCount;
    final long freeBlocksCount;
    final long firstDataBlock;
    final int blockSize;
    /** Blocks per allocation unit: 1, or more with bigalloc (the bitmaps count clusters). */
    final int clusterRatio;
    final long blocksPerGroup;
    final long clustersPerGroup;
    final long inodesPerGroup;
    final int state;
    final int inodeSize;
    final int compat;
    final int incompat;
    final int roCompat;
    final int reservedGdtBlocks;
    final int descSize;
    final long firstMetaBg;
    final long backupBg0;
    final long backupBg1;
    final long groupCount;
    final int descPerBlock;

    /** Whether {@code sb} (the superblock's 1024 bytes) carries the ext magic number. */
    static boolean hasMagic(ByteBuffer sb) {
        return sb.remaining() >= SIZE && Short.toUnsignedInt(sb.order(ByteOrder.LITTLE_ENDIAN).getShort(sb.position() + 0x38)) == MAGIC;
    }

    /** Parses and checks the superblock's 1024 bytes (position 0). */
    ExtSuperblock(ByteBuffer sb) throws FsFormatException {
        sb = sb.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (!hasMagic(sb)) {
            throw new FsFormatException("ext: no superblock magic 0xEF53 at byte 1024");
        }
        inodesCount = u32(sb, 0x00);
        firstDataBlock = u32(sb, 0x14);
        long logBlock = u32(sb, 0x18);
        long logCluster = u32(sb, 0x1C);
        blocksPerGroup = u32(sb, 0x20);
        clustersPerGroup = u32(sb, 0x24);
        inodesPerGroup = u32(sb, 0x28);
        state = Short.toUnsignedInt(sb.getShort(0x3A));
        long rev = u32(sb, 0x4C);
        compat = sb.getInt(0x5C);
        incompat = sb.getInt(0x60);
        roCompat = sb.getInt(0x64);
        ExtFeatures.check(incompat, roCompat);
        if ((roCompat & ExtFeatures.RO_COMPAT_METADATA_CSUM) != 0) {
            int stored = sb.getInt(0x3FC);
            int computed = checksum(sb);
            if (stored != computed) {
                throw new FsFormatException("ext: the superblock's checksum 0x" + Integer.toHexString(stored)
                        + " does not match its contents (0x" + Integer.toHexString(computed) + ")");
            }
        }
        if (logBlock > 6) {
            throw new FsFormatException("ext: block size 2^(10+" + logBlock + ") is not 1 KiB to 64 KiB");
        }
        blockSize = 1024 << logBlock;
        inodeSize = rev == 0 ? 128 : Short.toUnsignedInt(sb.getShort(0x58));
        boolean is64 = (incompat & ExtFeatures.INCOMPAT_64BIT) != 0;
        blocksCount = u32(sb, 0x04) | (is64 ? u32(sb, 0x150) << 32 : 0);
        freeBlocksCount = u32(sb, 0x0C) | (is64 ? u32(sb, 0x158) << 32 : 0);
        if ((roCompat & ExtFeatures.RO_COMPAT_BIGALLOC) != 0) {
            if (logCluster < logBlock || logCluster > logBlock + 16) {
                throw new FsFormatException("ext: cluster size 2^(10+" + logCluster + ") with block size " + blockSize);
            }
            clusterRatio = 1 << (int) (logCluster - logBlock);
        } else {
            clusterRatio = 1;
        }
        reservedGdtBlocks = Short.toUnsignedInt(sb.getShort(0xCE));
        descSize = is64 ? Short.toUnsignedInt(sb.getShort(0xFE)) : 32;
        firstMetaBg = u32(sb, 0x104);
        backupBg0 = u32(sb, 0x24C);
        backupBg1 = u32(sb, 0x250);

        long bitsPerBitmap = 8L * blockSize;
        if (blocksPerGroup == 0 || clustersPerGroup == 0 || clustersPerGroup > bitsPerBitmap
                || blocksPerGroup != clustersPerGroup * clusterRatio) {
            throw new FsFormatException("ext: " + blocksPerGroup + " blocks / " + clustersPerGroup
                    + " clusters per group do not fit a bitmap of " + bitsPerBitmap + " bits");
        }
        if (inodesPerGroup == 0 || inodesPerGroup > bitsPerBitmap) {
            throw new FsFormatException("ext: " + inodesPerGroup + " inodes per group is not 1 to " + bitsPerBitmap);
        }
        if (inodeSize < 128 || inodeSize > blockSize || Integer.bitCount(inodeSize) != 1) {
            throw new FsFormatException("ext: inode size " + inodeSize + " is not a power of two from 128 to the block size");
        }
        if (descSize < 32 || descSize > blockSize || Integer.bitCount(descSize) != 1 || (is64 && descSize < 64)) {
            throw new FsFormatException("ext: group descriptor size " + descSize + " is not a power of two from "
                    + (is64 ? 64 : 32) + " to the block size");
        }
        if (firstDataBlock > 1) {
            throw new FsFormatException("ext: first data block " + firstDataBlock + " is not 0 or 1");
        }
        if (blocksCount <= firstDataBlock || blocksCount > Long.MAX_VALUE / blockSize) {
            throw new FsFormatException("ext: block count " + blocksCount + " is out of range");
        }
        groupCount = (blocksCount - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup;
        if (groupCount * inodesPerGroup != inodesCount) {
            throw new FsFormatException("ext: " + groupCount + " groups of " + inodesPerGroup + " inodes is not the inode count "
                    + inodesCount);
        }
        if (freeBlocksCount > blocksCount) {
            throw new FsFormatException("ext: free block count " + freeBlocksCount + " exceeds the block count " + blocksCount);
        }
        descPerBlock = blockSize / descSize;
        long groupZeroMeta = 1 + (has(ExtFeatures.INCOMPAT_META_BG) ? Math.min(firstMetaBg, descriptorBlocks())
                : descriptorBlocks()) + reservedGdtBlocks;
        if (groupZeroMeta > blocksPerGroup) {
            throw new FsFormatException("ext: the superblock and " + (groupZeroMeta - 1) + " descriptor blocks of "
                    + groupCount + " groups do not fit in a group of " + blocksPerGroup + " blocks");
        }
    }

    /** metadata_csum's superblock checksum: CRC32C of the bytes before it, without the final inversion. */
    static int checksum(ByteBuffer sb) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(sb.duplicate().position(0).limit(0x3FC));
        return ~(int) crc.getValue();
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }

    /** The file system's size in bytes. */
    long size() {
        return blocksCount * blockSize;
    }

    /** "ext2", "ext3" or "ext4", as blkid tells them apart. */
    String type() {
        return ExtFeatures.type(compat, incompat, roCompat);
    }

    boolean has(int incompatFlag) {
        return (incompat & incompatFlag) != 0;
    }

    /** Whether the descriptors' flags (BLOCK_UNINIT ...) count: only with gdt_csum or metadata_csum. */
    boolean groupFlagsValid() {
        return (roCompat & (ExtFeatures.RO_COMPAT_GDT_CSUM | ExtFeatures.RO_COMPAT_METADATA_CSUM)) != 0;
    }

    long groupFirstBlock(long group) {
        return firstDataBlock + group * blocksPerGroup;
    }

    /** Blocks of {@code group} inside the file system (the last group may be short). */
    long groupBlocks(long group) {
        return Math.min(blocksPerGroup, blocksCount - groupFirstBlock(group));
    }

    /** Whether {@code group} holds a superblock copy (ext4_bg_has_super). */
    boolean hasSuper(long group) {
        if (group == 0) {
            return true;
        }
        if ((compat & ExtFeatures.COMPAT_SPARSE_SUPER2) != 0) {
            return group == backupBg0 || group == backupBg1;
        }
        if (group <= 1 || (roCompat & ExtFeatures.RO_COMPAT_SPARSE_SUPER) == 0) {
            return true;
        }
        if ((group & 1) == 0) {
            return false;
        }
        return isPower(group, 3) || isPower(group, 5) || isPower(group, 7);
    }

    private static boolean isPower(long n, int base) {
        long p = base;
        while (p < n) {
            p *= base;
        }
        return p == n;
    }

    /** Descriptor blocks of the whole table (one per descPerBlock groups). */
    long descriptorBlocks() {
        return (groupCount + descPerBlock - 1) / descPerBlock;
    }

    /** Where descriptor block {@code nr} lives (the kernel's descriptor_loc). */
    long descriptorLocation(long nr) {
        if (!has(ExtFeatures.INCOMPAT_META_BG) || nr < firstMetaBg) {
            return firstDataBlock + 1 + nr;
        }
        long group = nr * descPerBlock;
        long hasSuper = hasSuper(group) ? 1 : 0;
        if (blockSize == 1024 && nr == 0 && firstDataBlock == 0) {
            hasSuper++;
        }
        return groupFirstBlock(group) + hasSuper;
    }

    /**
     * Blocks from the start of {@code group} holding its superblock copy, descriptor blocks and
     * reserved descriptor blocks (ext4_num_base_meta_clusters, in blocks).
     */
    long baseMetaBlocks(long group) {
        long n = hasSuper(group) ? 1 : 0;
        boolean metaBg = has(ExtFeatures.INCOMPAT_META_BG);
        if (!metaBg || group / descPerBlock < firstMetaBg) {
            if (n != 0) {
                n += metaBg ? firstMetaBg : descriptorBlocks();
                n += reservedGdtBlocks;
            }
        } else {
            long first = group / descPerBlock * descPerBlock;
            if (group == first || group == first + 1 || group == first + descPerBlock - 1) {
                n += 1;
            }
        }
        return Math.min(n, groupBlocks(group));
    }

    /** Blocks of one group's inode table. */
    long inodeTableBlocks() {
        return (inodesPerGroup * inodeSize + blockSize - 1) / blockSize;
    }
}
