package org.kclone.ui.log;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Log lines on their way to the window's Details pane: appended from any thread (the engine's,
 * SLF4J's, the window's), taken by the window's 30 Hz poll in one batch. Bounded: when nobody
 * drains it, the oldest lines go and the next drain says how many. Needs no toolkit.
 */
public final class LogBuffer {

    /** The most lines kept between two drains. */
    public static final int DEFAULT_CAPACITY = 2000;

    private final int capacity;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long dropped;

    public LogBuffer() {
        this(DEFAULT_CAPACITY);
    }

    public LogBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " is below 1");
        }
        this.capacity = capacity;
    }

    /** Adds a line (its line breaks make more lines); the oldest goes when full. */
    public void append(String line) {
        String[] parts = (line == null ? "" : line).split("\\R", -1);
        synchronized (lines) {
            for (String p : parts) {
                if (lines.size() == capacity) {
                    lines.removeFirst();
                    dropped++;
                }
                lines.addLast(p);
            }
        }
    }

    /**
     * Every line appended since the last drain, oldest first; when lines were dropped meanwhile, the
     * first says how many. Empty when there is nothing new.
     */
    public List<String> drain() {
        synchronized (lines) {
            List<String> out = new ArrayList<>(lines.size() + 1);
            if (dropped > 0) {
                out.add("(" + dropped + (dropped == 1 ? " earlier line" : " earlier lines") + " not shown)");
                dropped = 0;
            }
            out.addAll(lines);
            lines.clear();
            return out;
        }
    }
}
