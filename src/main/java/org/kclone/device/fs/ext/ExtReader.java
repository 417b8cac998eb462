package org.kclone.device.fs.ext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.kclone.device.fs.ByteSource;
import org.kclone.device.fs.Extent;
import org.kclone.device.fs.FsFormatException;
import org.kclone.device.fs.FsReader;
import org.kclone.device.fs.FsUsage;

/**
 * The used blocks of an ext2, ext3 or ext4 file system, from its block bitmaps (no mounting).
 *
 * <p>Used: the first 2048 bytes (boot area and superblock, also below the first data block with
 * 1 KiB blocks), every block whose bit is set in its group's bitmap (read from where the group's
 * descriptor says, so flex_bg's packed bitmaps are found), and, computed from the layout, every
 * group's superblock copy, descriptor blocks, reserved descriptor blocks, bitmaps and inode
 * table wherever they lie. The computed part is what a group whose bitmap was never initialised
 * (BLOCK_UNINIT) uses; in the other groups the bitmap marks it too. With bigalloc a bit stands
 * for a cluster. The bits past the file system's last block are ignored.
 */
public final class ExtReader implements FsReader {

    /** Most bitmap blocks read at once (flex_bg keeps a flex group's bitmaps side by side). */
    private static final int BATCH_BLOCKS = 256;

    /** The family's newest name; {@link FsUsage#type()} says which of ext2, ext3 and ext4 a region holds. */
    @Override
    public String type() {
        return "ext4";
    }

    @Override
    public boolean recognises(ByteSource src) throws IOException {
        if (src.length() < ExtSuperblock.OFFSET + ExtSuperblock.SIZE) {
            return false;
        }
        return ExtSuperblock.hasMagic(src.read(ExtSuperblock.OFFSET, ExtSuperblock.SIZE));
    }

    @Override
    public FsUsage read(ByteSource src) throws IOException {
        if (src.length() < ExtSuperblock.OFFSET + ExtSuperblock.SIZE) {
            throw new FsFormatException("ext: the region (" + src.length() + " bytes) ends before the superblock");
        }
        ExtSuperblock sb = new ExtSuperblock(src.read(ExtSuperblock.OFFSET, ExtSuperblock.SIZE));
        if ((sb.state & 0x1) == 0 || (sb.state & 0x2) != 0) {
            throw new FsFormatException("ext: the file system is " + ((sb.state & 0x2) != 0 ? "marked with errors" : "not clean")
                    + " (state 0x" + Integer.toHexString(sb.state) + "): its bitmaps may be wrong; e2fsck it first");
        }
        if (sb.size() > src.length()) {
            throw new FsFormatException("ext: the file system (" + sb.blocksCount + " blocks of " + sb.blockSize + " = "
                    + sb.size() + " bytes) is larger than its region (" + src.length() + " bytes)");
        }
        ExtGroupTable groups = ExtGroupTable.read(src, sb);
        List<Extent> layout = layout(sb, groups);
        List<Extent> bitmaps = bitmaps(src, sb, groups);
        return new FsUsage(sb.type(), sb.size(), ExtentListBuilder.union(layout, bitmaps));
    }

    /** The metadata every group has by the layout rules and its descriptor, in bytes, ascending and merged. */
    static List<Extent> layout(ExtSuperblock sb, ExtGroupTable t) {
        int groups = t.groups();
        long itable = sb.inodeTableBlocks();
        // [start block, block count] pairs, sorted by start below
        long[][] runs = new long[groups * 4 + t.descriptorBlocks.length][];
        int n = 0;
        for (int g = 0; g < groups; g++) {
            runs[n++] = new long[] {sb.groupFirstBlock(g), sb.baseMetaBlocks(g)};
            runs[n++] = new long[] {t.blockBitmap[g], 1};
            runs[n++] = new long[] {t.inodeBitmap[g], 1};
            runs[n++] = new long[] {t.inodeTable[g], itable};
        }
        for (long d : t.descriptorBlocks) {
            runs[n++] = new long[] {d, 1};
        }
        Arrays.sort(runs, 0, n, (a, b) -> Long.compare(a[0], b[0]));
        long cluster = (long) sb.blockSize * sb.clusterRatio;
        long size = sb.size();
        ExtentListBuilder out = new ExtentListBuilder();
        out.add(0, Math.min(size, ExtSuperblock.OFFSET + ExtSuperblock.SIZE));
        for (int i = 0; i < n; i++) {
            if (runs[i][1] == 0) {
                continue;
            }
            // whole clusters: bigalloc allocates no less
            long start = runs[i][0] * sb.blockSize / cluster * cluster;
            long end = Math.min(size, ceil((runs[i][0] + runs[i][1]) * sb.blockSize, cluster));
            out.add(start, end - start);
        }
        return out.build();
    }

    /** The blocks set in the bitmaps of the groups that have one, in bytes, ascending and merged. */
    static List<Extent> bitmaps(ByteSource src, ExtSuperblock sb, ExtGroupTable t) throws IOException {
        ExtentListBuilder out = new ExtentListBuilder();
        int groups = t.groups();
        int bs = sb.blockSize;
        long clusterBytes = (long) bs * sb.clusterRatio;
        long size = sb.size();
        int g = 0;
        while (g < groups) {
            if (t.blockUninit(sb, g)) {
                g++;
                continue;
            }
            int run = 1;
            while (g + run < groups && run < BATCH_BLOCKS && !t.blockUninit(sb, g + run)
                    && t.blockBitmap[g + run] == t.blockBitmap[g] + run) {
                run++;
            }
            ByteBuffer b = src.read(t.blockBitmap[g] * bs, run * bs);
            for (int i = 0; i < run; i++) {
                long groupStart = sb.groupFirstBlock(g + i) * bs;
                int clusters = (int) ((sb.groupBlocks(g + i) + sb.clusterRatio - 1) / sb.clusterRatio);
                BitmapRuns.forEach(b.slice(i * bs, bs), clusters, (from, to) -> {
                    long start = groupStart + from * clusterBytes;
                    out.add(start, Math.min(size, groupStart + to * clusterBytes) - start);
                });
            }
            g += run;
        }
        return out.build();
    }

    private static long ceil(long n, long unit) {
        return (n + unit - 1) / unit * unit;
    }
}
