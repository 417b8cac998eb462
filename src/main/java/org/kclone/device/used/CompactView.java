package org.kclone.device.used;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.ChunkObserver;
import org.kclone.engine.Extents;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;

/**
 * The copied extents of a region laid end to end ("compact" offsets): what the source hasher digests
 * and what verification reads back, so that both cover exactly the bytes copied, in order. The
 * engine's chunks never cross a gap, so each chunk is one piece of compact space.
 */
public final class CompactView {

    private final List<SectorRange> ranges;
    /** compact sector where range i starts. */
    private final long[] before;
    private final long sectors;
    /** Bytes the last sector lacks (an image file of odd size) when the extents reach the region's end. */
    private final int tail;

    public CompactView(Extents extents) {
        this(extents, 0, 0);
    }

    /**
     * @param regionSectors the region's sectors
     * @param regionBytes its exact bytes (fewer than {@code regionSectors * 512} when its last sector is partial)
     */
    public CompactView(Extents extents, long regionSectors, long regionBytes) {
        this.ranges = extents.ranges();
        this.before = new long[ranges.size()];
        long n = 0;
        for (int i = 0; i < ranges.size(); i++) {
            before[i] = n;
            n += ranges.get(i).count();
        }
        this.sectors = n;
        this.tail = extents.end() == regionSectors && regionSectors > 0 ? (int) (regionSectors * 512 - regionBytes) : 0;
    }

    /** The exact bytes of the extents end to end (the last sector may be partial). */
    public long bytes() {
        return sectors * 512 - tail;
    }

    public long sectors() {
        return sectors;
    }

    /** The range holding region byte {@code offset} (must be inside one). */
    private int rangeAtRegion(long offset) {
        long sector = offset / 512;
        int lo = 0;
        int hi = ranges.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (ranges.get(mid).start() <= sector) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private int rangeAtCompact(long sector) {
        int i = Arrays.binarySearch(before, sector);
        return i >= 0 ? i : -i - 2;
    }

    /** Compact byte of region byte {@code offset}. */
    public long toCompact(long offset) {
        int i = rangeAtRegion(offset);
        return before[i] * 512 + offset - ranges.get(i).start() * 512;
    }

    /** Region byte of compact byte {@code offset}. */
    public long toRegion(long offset) {
        int i = rangeAtCompact(offset / 512);
        return ranges.get(i).start() * 512 + offset - before[i] * 512;
    }

    /** Compact sector ranges as the region's sector ranges (split where they span a gap). */
    public List<SectorRange> toRegion(List<SectorRange> compact) {
        List<SectorRange> out = new ArrayList<>();
        for (SectorRange c : compact) {
            long s = c.start();
            while (s < c.end()) {
                int i = rangeAtCompact(s);
                long inRange = before[i] + ranges.get(i).count() - s;
                long n = Math.min(inRange, c.end() - s);
                out.add(new SectorRange(ranges.get(i).start() + s - before[i], n));
                s += n;
            }
        }
        return SectorRange.coalesce(out);
    }

    /** Region sector ranges (unreadable sectors, absolute on the source at {@code base}) in compact sectors, absolute at 0. */
    public List<SectorRange> toCompact(List<SectorRange> absolute, long base) {
        List<SectorRange> out = new ArrayList<>();
        for (SectorRange r : absolute) {
            for (int i = 0; i < ranges.size(); i++) {
                SectorRange e = ranges.get(i);
                long a = Math.max(r.start() - base, e.start());
                long b = Math.min(r.end() - base, e.end());
                if (b > a) {
                    out.add(new SectorRange(before[i] + a - e.start(), b - a));
                }
            }
        }
        return SectorRange.coalesce(out);
    }

    /** Passes the engine's chunks on to {@code inner} with compact offsets. */
    public ChunkObserver observer(ChunkObserver inner) {
        return (offset, data, done) -> inner.chunkRead(toCompact(offset), data, done);
    }

    /** {@code region}'s extents end to end, as a read-only region starting at sector 0. */
    public IoRegion region(IoRegion region) {
        return new IoRegion(new Device(region), 0, sectors);
    }

    /** Reads of compact space, each split at the gaps into reads of the region's device. */
    private final class Device implements BlockDevice {
        private final IoRegion region;

        Device(IoRegion region) {
            this.region = region;
        }

        @Override
        public String name() {
            return region.device().name();
        }

        @Override
        public long size() {
            return sectors * 512; // whole sectors: the region's device answers for a partial last one
        }

        @Override
        public int logicalSectorSize() {
            return region.device().logicalSectorSize();
        }

        @Override
        public void read(ByteBuffer dst, long position) throws IOException {
            long at = position;
            while (dst.hasRemaining()) {
                if (at >= sectors * 512) {
                    throw new EOFException(name() + ": end of the copied extents at compact byte " + at);
                }
                int i = rangeAtCompact(at / 512);
                long left = (before[i] + ranges.get(i).count()) * 512 - at;
                int n = (int) Math.min(left, dst.remaining());
                ByteBuffer part = dst.duplicate().limit(dst.position() + n).slice();
                region.device().read(part, region.byteOffset() + ranges.get(i).start() * 512 + at - before[i] * 512);
                dst.position(dst.position() + n);
                at += n;
            }
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            throw new IOException("the copied extents of " + name() + " are read only here");
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
