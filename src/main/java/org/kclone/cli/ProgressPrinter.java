package org.kclone.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.kclone.device.Sizes;

/**
 * Progress on standard error, polled (never pushed per chunk): on a terminal a bar per
 * destination with speed and ETA, redrawn twice a second; otherwise one plain line every five
 * seconds.
 */
final class ProgressPrinter implements AutoCloseable {

    private final PrintWriter err;
    private final boolean terminal;
    private final List<String> names;
    private final long total;
    private final Supplier<long[]> written;
    private final String verb;
    private final Thread thread;
    private final long startNanos = System.nanoTime();
    private volatile boolean running = true;
    private int linesDrawn;

    ProgressPrinter(PrintWriter err, boolean terminal, String verb, List<String> names, long total,
            Supplier<long[]> written) {
        this.err = err;
        this.terminal = terminal;
        this.verb = verb;
        this.names = names;
        this.total = total;
        this.written = written;
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
                draw();
            }
        }
    }

    private synchronized void draw() {
        long[] w = written.get();
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        if (terminal) {
            StringBuilder b = new StringBuilder();
            if (linesDrawn > 0) {
                b.append("\033[").append(linesDrawn).append('A');
            }
            for (int i = 0; i < w.length; i++) {
                b.append("\r\033[K").append(bar(names.get(i), w[i], seconds)).append('\n');
            }
            linesDrawn = w.length;
            err.print(b);
        } else {
            long min = Long.MAX_VALUE;
            for (long x : w) {
                min = Math.min(min, x);
            }
            err.printf(Locale.ROOT, "kclone: %s %s of %s (%d%%) to %d destination(s), %s/s%n", verb,
                    Sizes.human(min), Sizes.human(total), total == 0 ? 100 : min * 100 / total, w.length,
                    Sizes.human((long) (min / seconds)));
        }
        err.flush();
    }

    private String bar(String name, long done, double seconds) {
        int width = 30;
        int filled = total == 0 ? width : (int) (done * width / total);
        double rate = done / seconds;
        String eta = rate <= 0 ? "--:--" : formatEta((long) ((total - done) / rate));
        return String.format(Locale.ROOT, "%-24s [%s%s] %3d%% %10s/s ETA %s", shorten(name), "#".repeat(filled),
                ".".repeat(width - filled), total == 0 ? 100 : done * 100 / total, Sizes.human((long) rate), eta);
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
            draw();
        }
    }
}
