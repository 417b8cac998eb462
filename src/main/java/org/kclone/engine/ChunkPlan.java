package org.kclone.engine;

import java.util.List;

/**
 * Hands out a job's chunks in ascending order: pieces of at most {@code chunkBytes} of each
 * extent, never crossing from one extent into the gap after it (a small extent is a small chunk).
 * Offsets are bytes relative to the region's start. Used by the job's one issuing thread only.
 */
final class ChunkPlan {

    private final List<SectorRange> ranges;
    private final long chunkBytes;
    private int range;
    private long at;

    ChunkPlan(Extents extents, int chunkBytes) {
        this.ranges = extents.ranges();
        this.chunkBytes = chunkBytes;
        this.at = ranges.isEmpty() ? 0 : ranges.get(0).start() * IoRegion.SECTOR_SIZE;
    }

    /** Chunks a whole job makes, for {@code extents} and {@code chunkBytes}. */
    static long count(Extents extents, int chunkBytes) {
        long n = 0;
        for (SectorRange r : extents.ranges()) {
            long bytes = r.count() * IoRegion.SECTOR_SIZE;
            n += (bytes + chunkBytes - 1) / chunkBytes;
        }
        return n;
    }

    boolean hasNext() {
        return range < ranges.size();
    }

    /** The next chunk's offset; {@link #length()} its length; then {@link #advance()}. */
    long offset() {
        return at;
    }

    int length() {
        long end = ranges.get(range).end() * IoRegion.SECTOR_SIZE;
        return (int) Math.min(chunkBytes, end - at);
    }

    void advance() {
        at += length();
        if (at >= ranges.get(range).end() * IoRegion.SECTOR_SIZE) {
            range++;
            if (range < ranges.size()) {
                at = ranges.get(range).start() * IoRegion.SECTOR_SIZE;
            }
        }
    }
}
