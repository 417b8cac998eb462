package org.kclone.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.kclone.device.Sizes;

/**
 * Progress on standard error, polled (never pushed per chunk): on a terminal a line saying what
 * is happening and a bar per destination with speed and ETA, redrawn twice a second; otherwise
 * one plain line every five seconds. A change of phase (copying to verifying) is drawn at once
 * and restarts the speed clock, so verification never looks like copying.
 */
final class ProgressPrinter implements AutoCloseable {

    /** One destination as a poll sees it: bytes done in this phase, or a note when it takes no part. */
    record Row(long done, String note) {
        static Row active(long done) {
            return new Row(done, null);
        }

        static Row out(String note) {
            return new Row(0, note);
        }
    }

    /**
     * What one poll sees: the phase's verb ("copied", "zeroed", "verifying", "verified"), one row per
     * destination, and the bytes each had before this run (a resumed job's earlier runs: in the rows'
     * bytes, never in the speed).
     */
    record Snapshot(String verb, List<Row> rows, long before) {
        Snapshot(String verb, List<Row> rows) {
            this(verb, rows, 0);
        }
    }

    private final PrintWriter err;
    private final boolean terminal;
    private final List<String> names;
    private final long total;
    private final Supplier<Snapshot> progress;
    private final Thread thread;
    private volatile boolean running = true;
    private long phaseStartNanos = System.nanoTime();
    private String lastVerb;
    private int linesDrawn;

    ProgressPrinter(PrintWriter err, boolean terminal, List<String> names, long total, Supplier<Snapshot> progress) {
        this.err = err;
        this.terminal = terminal;
        this.names = names;
        this.total = total;
        this.progress = progress;
        this.thread = new Thread(this::loop, "kclone-progress");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        long period = terminal ? 500 : 5000;
        while (running) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            if (running) {
                draw(false);
            }
        }
    }

    /** The run entered a new phase: draw it now rather than at the next tick. */
    void phaseChanged() {
        if (running) {
            draw(true);
        }
    }

    private synchronized void draw(boolean onlyIfNewPhase) {
        Snapshot s = progress.get();
        boolean newPhase = !s.verb().equals(lastVerb);
        if (onlyIfNewPhase && !newPhase) {
            return;
        }
        if (newPhase) {
            if (lastVerb != null && readingBack(lastVerb) != readingBack(s.verb())) {
                phaseStartNanos = System.nanoTime(); // verification's speed is its own
            }
            lastVerb = s.verb();
        }
        double seconds = Math.max(1e-3, (System.nanoTime() - phaseStartNanos) / 1e9);
        long min = Long.MAX_VALUE;
        int active = 0;
        for (Row r : s.rows()) {
            if (r.note() == null) {
                min = Math.min(min, Math.min(r.done(), total)); // a partial last sector counts as its bytes
                active++;
            }
        }
        min = active == 0 ? 0 : min;
        String line = String.format(Locale.ROOT, "kclone: %s %s of %s (%d%%) %s %d destination(s), %s/s", s.verb(),
                Sizes.human(min), Sizes.human(total), percent(min), readingBack(s.verb()) ? "on" : "to", active,
                Sizes.human((long) (Math.max(0, min - s.before()) / seconds)));
        if (terminal) {
            StringBuilder b = new StringBuilder();
            if (linesDrawn > 0) {
                b.append("\033[").append(linesDrawn).append('A');
            }
            b.append("\r\033[K").append(line).append('\n');
            for (int i = 0; i < s.rows().size(); i++) {
                b.append("\r\033[K").append(bar(names.get(i), s.rows().get(i), s.before(), seconds)).append('\n');
            }
            linesDrawn = s.rows().size() + 1;
            err.print(b);
        } else {
            err.println(line);
        }
        err.flush();
    }

    private static boolean readingBack(String verb) {
        return verb.startsWith("verif");
    }

    private long percent(long done) {
        return total == 0 ? 100 : done * 100 / total;
    }

    private String bar(String name, Row row, long before, double seconds) {
        if (row.note() != null) {
            return String.format(Locale.ROOT, "  %-24s %s", shorten(name), row.note());
        }
        int width = 30;
        long done = Math.min(row.done(), total);
        int filled = total == 0 ? width : (int) (done * width / total);
        double rate = Math.max(0, done - before) / seconds;
        String eta = rate <= 0 ? "--:--" : formatEta((long) ((total - done) / rate));
        return String.format(Locale.ROOT, "  %-24s [%s%s] %3d%% %10s/s ETA %s", shorten(name), "#".repeat(filled),
                ".".repeat(width - filled), percent(done), Sizes.human((long) rate), eta);
    }

    private static String shorten(String s) {
        return s.length() <= 24 ? s : "…" + s.substring(s.length() - 23);
    }

    private static String formatEta(long s) {
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        if (terminal) {
            draw(false);
        }
    }
}
