package org.kclone.device.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * exFAT, from Microsoft's exFAT file system specification: everything before the cluster heap
 * (the main and backup boot regions, 12 sectors each, and the FATs) is used; in the heap, a
 * cluster is used where its bit in the allocation bitmap is set. The bitmap is found through the
 * root directory's Allocation Bitmap entry (type 0x81); TexFAT volumes with two FATs have two
 * bitmaps, and a cluster set in either counts. The up-case table and the root directory are in
 * the bitmap; the bitmap's and root directory's own clusters are added besides. A volume marked
 * dirty (VolumeFlags bit 1) is refused: its bitmap may lag behind its files.
 */
public final class ExfatReader implements FsReader {

    private static final int BITMAP_ENTRY = 0x81;
    /** VolumeFlags bit 1: set while the volume has changes not written out (cleared on a clean unmount). */
    private static final int VOLUME_DIRTY = 0x2;
    private static final int CHUNK = 1 << 20;

    @Override
    public String type() {
        return "exfat";
    }

    @Override
    public boolean recognises(ByteSource src) throws IOException {
        return BootSectors.named(src, "EXFAT   ");
    }

    @Override
    public FsUsage read(ByteSource src) throws IOException {
        if (!recognises(src)) {
            throw new FsFormatException("exFAT: no \"EXFAT   \" boot sector with the 0x55AA signature");
        }
        ByteBuffer boot = src.read(0, 512);
        Volume v = Volume.parse(boot);
        if ((boot.getShort(106) & VOLUME_DIRTY) != 0) {
            // not cleanly unmounted: a file's clusters may be in its directory entry but not yet in the
            // bitmap (fsck.exfat would keep them, marking them used); the bitmap cannot say what is free
            throw new FsFormatException("exFAT: the volume is marked dirty (VolumeFlags: not cleanly unmounted):"
                    + " its allocation bitmap may miss clusters in use; check it (fsck.exfat, or eject it in"
                    + " Windows) first to copy only the used clusters");
        }
        if (v.size() > src.length()) {
            throw new FsFormatException("exFAT: the volume length " + v.size() + " bytes is more than the region's "
                    + src.length());
        }
        ExtentCollector used = new ExtentCollector();
        used.add(0, v.heapOffset);
        BitmapRuns heap = new BitmapRuns(used, v.heapOffset, v.clusterBytes, v.clusters);
        Fat fat = new Fat(src, v);
        int bitmaps = 0;
        long dirCluster = v.rootCluster;
        long seen = 0;
        scan:
        while (true) {
            if (!v.isCluster(dirCluster)) {
                throw new FsFormatException("exFAT: the root directory's chain reaches cluster " + dirCluster
                        + ", not one of 2.." + (v.clusters + 1));
            }
            if (++seen > v.clusters) {
                throw new FsFormatException("exFAT: the root directory's cluster chain loops");
            }
            heap.used(dirCluster - 2, 1);
            ByteBuffer dir = src.read(v.offsetOf(dirCluster), (int) v.clusterBytes);
            for (int at = 0; at < v.clusterBytes; at += 32) {
                int entryType = dir.get(at) & 0xff;
                if (entryType == 0) {
                    break scan;
                }
                if (entryType == BITMAP_ENTRY) {
                    long first = dir.getInt(at + 20) & 0xffffffffL;
                    long length = dir.getLong(at + 24);
                    readBitmap(src, v, fat, heap, first, length);
                    bitmaps++;
                }
            }
            long next = fat.next(dirCluster);
            if (next == 0xFFFFFFFFL) {
                break;
            }
            dirCluster = next;
        }
        if (bitmaps == 0 || bitmaps > v.fats) {
            throw new FsFormatException("exFAT: the root directory has " + bitmaps + " allocation bitmap entries for "
                    + v.fats + " FAT(s)");
        }
        return new FsUsage(type(), v.size(), used.extents(v.size()));
    }

    /** Reads one allocation bitmap into {@code heap}, following its cluster chain. */
    private static void readBitmap(ByteSource src, Volume v, Fat fat, BitmapRuns heap, long first, long length)
            throws IOException {
        if (length < (v.clusters + 7) / 8) {
            throw new FsFormatException("exFAT: the allocation bitmap is " + length + " bytes, too short for "
                    + v.clusters + " clusters");
        }
        long needed = (length + v.clusterBytes - 1) / v.clusterBytes;
        long cluster = first;
        long bitsDone = 0;
        for (long k = 0; k < needed; k++) {
            if (!v.isCluster(cluster)) {
                throw new FsFormatException("exFAT: the allocation bitmap's cluster " + cluster + " is not one of 2.."
                        + (v.clusters + 1));
            }
            heap.used(cluster - 2, 1);
            long base = v.offsetOf(cluster);
            long inCluster = Math.min(v.clusterBytes, length - k * v.clusterBytes);
            for (long at = 0; at < inCluster; at += CHUNK) {
                int n = (int) Math.min(CHUNK, inCluster - at);
                heap.scan(src.read(base + at, n), bitsDone);
                bitsDone += n * 8L;
            }
            if (k + 1 < needed) {
                long next = fat.next(cluster);
                // The Linux driver reads the bitmap as one contiguous run; a FAT without its chain means that
                cluster = next == 0 ? cluster + 1 : next;
            }
        }
    }

    /** The active FAT's entries, read one at a time (only the root directory's and bitmaps' chains are walked). */
    private record Fat(ByteSource src, Volume v) {
        long next(long cluster) throws IOException {
            return src.read(v.fatOffset + cluster * 4, 4).getInt(0) & 0xffffffffL;
        }
    }

    /** The boot sector's fields, checked against the specification's ranges. */
    record Volume(long sectors, int bytesPerSector, long fatOffset, long heapOffset, long clusters, long clusterBytes,
            long rootCluster, int fats) {

        long size() {
            return sectors * bytesPerSector;
        }

        boolean isCluster(long n) {
            return n >= 2 && n < clusters + 2;
        }

        long offsetOf(long cluster) {
            return heapOffset + (cluster - 2) * clusterBytes;
        }

        static Volume parse(ByteBuffer s) throws FsFormatException {
            int bpsShift = s.get(108) & 0xff;
            int spcShift = s.get(109) & 0xff;
            if (bpsShift < 9 || bpsShift > 12) {
                throw new FsFormatException("exFAT: BytesPerSectorShift " + bpsShift + " is not 9..12");
            }
            if (spcShift > 25 - bpsShift) {
                throw new FsFormatException("exFAT: SectorsPerClusterShift " + spcShift + " makes clusters over 32 MiB");
            }
            int bps = 1 << bpsShift;
            long sectors = s.getLong(72);
            long fatOffset = s.getInt(80) & 0xffffffffL;
            long fatLength = s.getInt(84) & 0xffffffffL;
            long heapOffset = s.getInt(88) & 0xffffffffL;
            long clusters = s.getInt(92) & 0xffffffffL;
            long root = s.getInt(96) & 0xffffffffL;
            int flags = s.getShort(106) & 0xffff;
            int fats = s.get(110) & 0xff;
            if (fats != 1 && fats != 2) {
                throw new FsFormatException("exFAT: NumberOfFats " + fats + " is not 1 or 2");
            }
            if (sectors <= 0 || sectors > Long.MAX_VALUE >> bpsShift) {
                throw new FsFormatException("exFAT: VolumeLength " + sectors + " sectors");
            }
            if (fatOffset < 24 || fatLength * bps < (clusters + 2) * 4) {
                throw new FsFormatException("exFAT: the FAT (offset " + fatOffset + ", " + fatLength
                        + " sectors) does not fit after the boot regions or cannot hold " + clusters + " clusters");
            }
            if (heapOffset < fatOffset + fats * fatLength) {
                throw new FsFormatException("exFAT: ClusterHeapOffset " + heapOffset + " is inside the FATs");
            }
            long clusterBytes = (long) bps << spcShift;
            if (clusters == 0 || heapOffset * bps + clusters * clusterBytes > sectors * bps) {
                throw new FsFormatException("exFAT: " + clusters + " clusters from sector " + heapOffset
                        + " do not fit in the volume's " + sectors + " sectors");
            }
            int active = (flags & 1) != 0 && fats == 2 ? 1 : 0;
            return new Volume(sectors, bps, (fatOffset + active * fatLength) * bps, heapOffset * bps, clusters,
                    clusterBytes, root, fats);
        }
    }
}
