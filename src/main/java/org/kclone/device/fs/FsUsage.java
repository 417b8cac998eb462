package org.kclone.device.fs;

import java.util.List;

/**
 * What a file system reader found in a region: the file system's type (as blkid names it: "ext4",
 * "vfat", "exfat", "ntfs", "swap"), the bytes it spans, and the byte ranges holding anything it
 * uses (boot areas, superblocks, metadata and allocated data), ascending, disjoint and merged.
 * Whatever is not in {@code used} the file system does not need: it may be left out of a copy.
 */
public record FsUsage(String type, long size, List<Extent> used) {

    public FsUsage {
        used = List.copyOf(used);
        long end = 0;
        for (Extent e : used) {
            if (e.offset() < end) {
                throw new IllegalArgumentException("extents must be ascending and disjoint: " + e);
            }
            end = e.end();
        }
        if (end > size) {
            throw new IllegalArgumentException("extent past the file system's end (" + size + "): " + end);
        }
    }

    /** Bytes in {@link #used}. */
    public long usedBytes() {
        long n = 0;
        for (Extent e : used) {
            n += e.length();
        }
        return n;
    }
}
