package org.kclone.ui.duplicator;

import java.util.concurrent.CompletionException;
import org.kclone.device.CloneRun;
import org.kclone.device.Report;

/**
 * One drive's copy as its row reads it: cheap calls, read by the window's 30 Hz poll. A seam:
 * ViewModel tests hand in jobs whose counters they set; the window's are {@link #of(CloneRun)}.
 */
public interface DriveJob {
    CloneRun.Phase phase();

    /** Whether the drive is being checked for fake capacity (before the copy). */
    default boolean probing() {
        return false;
    }

    /** Bytes to write (the source region's length). */
    long totalBytes();

    long written();

    long verifiedBytes();

    /** The destination's error so far, or null. */
    String error();

    /** True once flushed, verified and closed: the report is in. */
    boolean isDone();

    /** The report, once {@link #isDone()}; throws when the run failed inside. */
    Report report();

    /** Stops: writes in flight finish and the drive is flushed and closed; then {@link #isDone()}. */
    void cancel();

    static DriveJob of(CloneRun r) {
        return new DriveJob() {
            public CloneRun.Phase phase() {
                return r.phase();
            }

            public long totalBytes() {
                return r.totalBytes();
            }

            @Override
            public boolean probing() {
                return r.probing();
            }

            public long written() {
                return r.written()[0];
            }

            public long verifiedBytes() {
                return r.verifiedBytes();
            }

            public String error() {
                return r.error(0);
            }

            public boolean isDone() {
                return r.isDone();
            }

            public void cancel() {
                r.cancel();
            }

            public Report report() {
                try {
                    return r.completion().join();
                } catch (CompletionException e) {
                    throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
                }
            }
        };
    }
}
