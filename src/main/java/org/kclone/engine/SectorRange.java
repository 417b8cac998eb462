package org.kclone.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A run of 512-byte sectors: {@code [start, start + count)}. */
public record SectorRange(long start, long count) {

    public SectorRange {
        if (start < 0 || count <= 0) {
            throw new IllegalArgumentException("bad sector range: start " + start + " count " + count);
        }
    }

    public long end() {
        return start + count;
    }

    /** Sorts the ranges and joins those that touch or overlap. */
    public static List<SectorRange> coalesce(List<SectorRange> ranges) {
        List<SectorRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(SectorRange::start));
        List<SectorRange> out = new ArrayList<>();
        for (SectorRange r : sorted) {
            if (!out.isEmpty() && out.get(out.size() - 1).end() >= r.start()) {
                SectorRange last = out.remove(out.size() - 1);
                out.add(new SectorRange(last.start(), Math.max(last.end(), r.end()) - last.start()));
            } else {
                out.add(r);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return start + "+" + count;
    }
}
