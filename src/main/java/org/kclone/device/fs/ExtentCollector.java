package org.kclone.device.fs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Gathers the byte ranges a reader finds in use, in any order, and gives them back ascending,
 * disjoint and merged (adjacent or overlapping ranges become one), as {@link FsUsage} wants them.
 * Ranges that arrive ascending (the usual case: a bitmap scanned from its start) are merged as
 * they come, so a bitmap of millions of clusters costs one extent per run, not one per cluster.
 */
final class ExtentCollector {

    private final List<long[]> ranges = new ArrayList<>();
    private boolean sorted = true;

    /** Adds {@code length} bytes from {@code offset}; a zero length adds nothing. */
    void add(long offset, long length) {
        if (length == 0) {
            return;
        }
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad range: offset " + offset + " length " + length);
        }
        long end = offset + length;
        if (!ranges.isEmpty()) {
            long[] last = ranges.get(ranges.size() - 1);
            if (offset >= last[0] && offset <= last[1]) {
                last[1] = Math.max(last[1], end);
                return;
            }
            if (offset < last[0]) {
                sorted = false;
            }
        }
        ranges.add(new long[] {offset, end});
    }

    /** The ranges, clipped to {@code [0, limit)}, ascending, disjoint and merged. */
    List<Extent> extents(long limit) {
        List<long[]> in = ranges;
        if (!sorted) {
            in = new ArrayList<>(ranges);
            in.sort(Comparator.comparingLong(r -> r[0]));
        }
        List<Extent> out = new ArrayList<>();
        long start = -1;
        long end = -1;
        for (long[] r : in) {
            long s = Math.min(r[0], limit);
            long e = Math.min(r[1], limit);
            if (e <= s) {
                continue;
            }
            if (start >= 0 && s <= end) {
                end = Math.max(end, e);
            } else {
                if (start >= 0) {
                    out.add(new Extent(start, end - start));
                }
                start = s;
                end = e;
            }
        }
        if (start >= 0) {
            out.add(new Extent(start, end - start));
        }
        return out;
    }
}
