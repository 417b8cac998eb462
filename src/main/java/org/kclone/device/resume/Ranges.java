package org.kclone.device.resume;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of byte ranges, kept merged and ascending (start to end, end exclusive). Not thread-safe:
 * its owner locks.
 */
public final class Ranges {

    /** A run of bytes: {@code [start, start + length)}. */
    public record Range(long start, long length) {
        public long end() {
            return start + length;
        }
    }

    private final TreeMap<Long, Long> ends = new TreeMap<>();
    private long bytes;

    /** Adds {@code [start, start + length)}, merging with what touches it. */
    public void add(long start, long length) {
        if (length <= 0) {
            return;
        }
        long s = start;
        long e = start + length;
        Map.Entry<Long, Long> before = ends.floorEntry(s);
        if (before != null && before.getValue() >= s) {
            s = before.getKey();
            e = Math.max(e, before.getValue());
            bytes -= before.getValue() - before.getKey();
            ends.remove(before.getKey());
        }
        Map.Entry<Long, Long> next = ends.ceilingEntry(s);
        while (next != null && next.getKey() <= e) {
            e = Math.max(e, next.getValue());
            bytes -= next.getValue() - next.getKey();
            ends.remove(next.getKey());
            next = ends.ceilingEntry(s);
        }
        ends.put(s, e);
        bytes += e - s;
    }

    /** Adds every range of {@code other}. */
    public void addAll(Ranges other) {
        for (Range r : other.list()) {
            add(r.start(), r.length());
        }
    }

    /** Where the run that starts at 0 ends: every byte below it is in the set (0 when 0 is not). */
    public long prefix() {
        Long end = ends.get(0L);
        return end == null ? 0 : end;
    }

    /** Bytes in the set. */
    public long bytes() {
        return bytes;
    }

    public boolean isEmpty() {
        return ends.isEmpty();
    }

    /** The ranges, ascending. */
    public List<Range> list() {
        List<Range> out = new ArrayList<>(ends.size());
        ends.forEach((s, e) -> out.add(new Range(s, e - s)));
        return out;
    }

    /** Takes everything out: the ranges as they were, the set left empty. */
    public Ranges drain() {
        Ranges out = new Ranges();
        out.ends.putAll(ends);
        out.bytes = bytes;
        ends.clear();
        bytes = 0;
        return out;
    }

    /** A copy. */
    public Ranges copy() {
        Ranges out = new Ranges();
        out.ends.putAll(ends);
        out.bytes = bytes;
        return out;
    }

    @Override
    public String toString() {
        return list().toString();
    }
}
