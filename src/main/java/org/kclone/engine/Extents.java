package org.kclone.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The parts of a region a copy job copies: sector ranges relative to the region's start,
 * ascending, disjoint and not touching (touching ranges are joined). Every destination gets the
 * same relative ranges; what lies between them is not read and not written.
 *
 * <p>{@link #bridged(long)} joins ranges whose gap is small enough that reading through it is
 * cheaper than another I/O ({@link #READ_THROUGH_BYTES}, measured: README "Used blocks only").
 */
public final class Extents {

    /**
     * Gaps up to this many bytes are read through (copied) rather than skipped: 64 KiB. Measured
     * on loop devices here (README "Used blocks only", {@code ExtentGapBenchmark}): a skipped gap
     * costs a chunk of its own (a read and a write per destination, a few hundred microseconds),
     * which for gaps of 16 KiB made a copy 2 to 3 times slower than reading through; at 64 KiB the
     * two were even; from 256 KiB on skipping was 3 to 8 times faster.
     */
    public static final long READ_THROUGH_BYTES = 64 * 1024;

    private final List<SectorRange> ranges;
    private final long sectors;

    private Extents(List<SectorRange> ranges) {
        this.ranges = Collections.unmodifiableList(ranges);
        long n = 0;
        for (SectorRange r : ranges) {
            n += r.count();
        }
        this.sectors = n;
    }

    /** The whole of a region of {@code count} sectors (empty when 0). */
    public static Extents whole(long count) {
        return count == 0 ? new Extents(List.of()) : new Extents(List.of(new SectorRange(0, count)));
    }

    /**
     * Ranges as given; they must be ascending and disjoint (touching ones are joined).
     *
     * @throws IllegalArgumentException when they overlap or are out of order
     */
    public static Extents of(List<SectorRange> ranges) {
        List<SectorRange> out = new ArrayList<>();
        long end = -1;
        for (SectorRange r : ranges) {
            if (r.start() < end) {
                throw new IllegalArgumentException("extents must be ascending and disjoint: " + r + " starts before "
                        + end);
            }
            if (r.start() == end) {
                SectorRange last = out.remove(out.size() - 1);
                r = new SectorRange(last.start(), r.end() - last.start());
            }
            out.add(r);
            end = r.end();
        }
        return new Extents(out);
    }

    /** These ranges with every gap of at most {@code maxGapSectors} sectors copied too. */
    public Extents bridged(long maxGapSectors) {
        List<SectorRange> out = new ArrayList<>();
        for (SectorRange r : ranges) {
            if (!out.isEmpty() && r.start() - out.get(out.size() - 1).end() <= maxGapSectors) {
                SectorRange last = out.remove(out.size() - 1);
                r = new SectorRange(last.start(), r.end() - last.start());
            }
            out.add(r);
        }
        return new Extents(out);
    }

    public List<SectorRange> ranges() {
        return ranges;
    }

    /** Sectors in all ranges. */
    public long sectors() {
        return sectors;
    }

    /** Bytes in all ranges. */
    public long bytes() {
        return sectors * IoRegion.SECTOR_SIZE;
    }

    /** One past the last sector of the last range (0 when empty). */
    public long end() {
        return ranges.isEmpty() ? 0 : ranges.get(ranges.size() - 1).end();
    }

    /** Whether this is one range from sector 0 to {@code count}: the whole region. */
    public boolean isWhole(long count) {
        return ranges.size() == 1 && ranges.get(0).start() == 0 && ranges.get(0).count() == count;
    }

    /** The gaps between the ranges inside a region of {@code count} sectors: what is not copied. */
    public List<SectorRange> complement(long count) {
        List<SectorRange> out = new ArrayList<>();
        long at = 0;
        for (SectorRange r : ranges) {
            if (r.start() > at) {
                out.add(new SectorRange(at, r.start() - at));
            }
            at = r.end();
        }
        if (count > at) {
            out.add(new SectorRange(at, count - at));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Extents e && e.ranges.equals(ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }

    @Override
    public String toString() {
        return ranges.size() <= 8 ? "Extents" + ranges : "Extents[" + ranges.size() + " ranges, " + sectors + " sectors]";
    }
}
