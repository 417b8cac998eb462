package org.kclone.device.fs.ext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kclone.device.fs.Extent;

/**
 * Collects byte ranges given in ascending order of their start into the disjoint, merged,
 * ascending list {@link org.kclone.device.fs.FsUsage} wants: a range touching or overlapping the
 * previous one extends it. Kept in two long arrays, not one object per range, while collecting.
 */
final class ExtentListBuilder {

    private long[] starts = new long[64];
    private long[] ends = new long[64];
    private int count;

    /**
     * Adds {@code [offset, offset + length)}; an empty range is ignored.
     *
     * @throws IllegalArgumentException when {@code offset} is below the start of the range added before
     */
    ExtentListBuilder add(long offset, long length) {
        if (length <= 0) {
            return this;
        }
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        long end = offset + length;
        if (count > 0) {
            int last = count - 1;
            if (offset < starts[last]) {
                throw new IllegalArgumentException("ranges must come in ascending order: " + offset + " after " + starts[last]);
            }
            if (offset <= ends[last]) {
                ends[last] = Math.max(ends[last], end);
                return this;
            }
        }
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
        }
        starts[count] = offset;
        ends[count] = end;
        count++;
        return this;
    }

    /** Ranges so far (after merging). */
    int size() {
        return count;
    }

    List<Extent> build() {
        List<Extent> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new Extent(starts[i], ends[i] - starts[i]));
        }
        return out;
    }

    /** The union of two ascending lists, merged. */
    static List<Extent> union(List<Extent> a, List<Extent> b) {
        ExtentListBuilder out = new ExtentListBuilder();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            Extent next;
            if (j >= b.size() || (i < a.size() && a.get(i).offset() <= b.get(j).offset())) {
                next = a.get(i++);
            } else {
                next = b.get(j++);
            }
            out.add(next.offset(), next.length());
        }
        return out.build();
    }
}
