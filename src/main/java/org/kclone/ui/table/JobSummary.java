package org.kclone.ui.table;

import java.util.List;
import java.util.Locale;

/**
 * The end of a job in one line: how many destinations are ok, failed, mismatched (and cancelled
 * or unverified, when any), how long it took and the average speed.
 */
public record JobSummary(int ok, int failed, int mismatch, int cancelled, int unverified, long seconds,
        long bytes, long before, boolean jobCancelled) {

    /**
     * Counts the rows' end states; {@code bytes} the bytes written per destination, {@code seconds} the
     * job's time, {@code before} the bytes a resumed job's earlier runs had copied (in {@code bytes},
     * not in the speed).
     */
    public static JobSummary of(List<DestinationRow> rows, long seconds, long bytes, long before,
            boolean jobCancelled) {
        int ok = 0;
        int failed = 0;
        int mismatch = 0;
        int cancelled = 0;
        int unverified = 0;
        for (DestinationRow r : rows) {
            switch (r.kind().get()) {
                case DONE -> ok++;
                case MISMATCH -> mismatch++;
                case CANCELLED -> cancelled++;
                case UNVERIFIED -> unverified++;
                default -> failed++;
            }
        }
        return new JobSummary(ok, failed, mismatch, cancelled, unverified, seconds, bytes, before, jobCancelled);
    }

    /** Whether every destination is ok. */
    public boolean allOk() {
        return failed == 0 && mismatch == 0 && cancelled == 0 && unverified == 0 && !jobCancelled;
    }

    /** Bytes per second per destination over this run (0 for a job of no time). */
    public long averageSpeed() {
        long moved = Math.max(0, bytes - before);
        return seconds > 0 ? moved / seconds : moved;
    }

    /** "Done in 2:13: 14 ok, 1 failed, 1 mismatch; 64 MiB at 512 KiB/s average". */
    public String text() {
        StringBuilder b = new StringBuilder(jobCancelled ? "Cancelled after " : "Done in ");
        b.append(Eta.format(seconds)).append(": ").append(ok).append(" ok, ").append(failed).append(" failed, ")
                .append(mismatch).append(" mismatch");
        if (cancelled > 0) {
            b.append(", ").append(cancelled).append(" cancelled");
        }
        if (unverified > 0) {
            b.append(", ").append(unverified).append(" unverified");
        }
        b.append("; ").append(Eta.bytes(bytes));
        if (before > 0) {
            b.append(" (").append(Eta.bytes(before)).append(" of them copied before the interruption)");
        }
        b.append(" at ").append(Eta.bytes(averageSpeed())).append("/s average");
        return b.toString();
    }

    /** The desktop notification's title. */
    public String title() {
        return jobCancelled ? "kclone: job cancelled" : allOk() ? "kclone: every copy is done"
                : String.format(Locale.ROOT, "kclone: %d of %d copies not ok", failed + mismatch + cancelled
                        + unverified, ok + failed + mismatch + cancelled + unverified);
    }
}
