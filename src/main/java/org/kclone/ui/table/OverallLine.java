package org.kclone.ui.table;

/**
 * The line above the table while a job runs: the phase, how many rows are through it and how many
 * failed, the time so far, the total throughput (every destination's bytes together) and the time
 * left (with the verification pass).
 */
public final class OverallLine {

    private OverallLine() {
    }

    /**
     * "verifying: 3 of 16 verified, 1 failed; 0:42 elapsed; 96 MiB/s total; ETA 1:10".
     *
     * @param through rows through the current phase (all written, or all read back)
     * @param active rows not failed
     * @param rate bytes per second, every destination together
     * @param etaSeconds {@link Eta#UNKNOWN} when not known
     */
    public static String text(boolean verifying, boolean probing, int rows, int through, int failed,
            long elapsedSeconds, double rate, long etaSeconds) {
        StringBuilder b = new StringBuilder(verifying ? "verifying: " : probing ? "checking: " : "copying: ");
        b.append(through).append(" of ").append(rows).append(verifying ? " verified" : " written");
        if (failed > 0) {
            b.append(", ").append(failed).append(" failed");
        }
        b.append("; ").append(Eta.format(elapsedSeconds)).append(" elapsed");
        if (rate > 0) {
            b.append("; ").append(Eta.bytes((long) rate)).append("/s total");
        }
        b.append("; ETA ").append(Eta.format(etaSeconds));
        return b.toString();
    }
}
