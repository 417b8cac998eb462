package org.kclone.ui;

import java.util.List;
import org.kclone.device.CloneRun;
import org.kclone.device.Report;
import org.kclone.engine.SectorRange;

/**
 * What {@link JobViewModel} reads from a run: {@link CloneRun}'s counters, read on the FX thread by
 * the window's one timer. A seam: tests hand in a run whose phase and counters they set.
 */
interface JobRun {
    CloneRun.Phase phase();

    long totalBytes();

    /** Whether destinations are being probed for fake capacity (before the copy starts). */
    default boolean probing() {
        return false;
    }

    long[] written();

    /**
     * Bytes each destination had from earlier runs of a resumed job (counted in {@link #written()},
     * not in this run's speed); 0 for a job that starts from the beginning.
     */
    default long copiedBefore() {
        return 0;
    }

    long verifiedBytes();

    String error(int i);

    List<SectorRange> unreadableSoFar();

    boolean isDone();

    /** The report, once {@link #isDone()}. */
    Report report();

    void cancel();

    /**
     * What the run waits for before it starts (the administrator's password, asked by polkit for the
     * privileged helper), shown as the status; null once it runs.
     */
    default String waitingFor() {
        return null;
    }

    /**
     * Once done: why there is no {@link #report()} (refused before anything was written, not
     * authorized, the helper ended without one), with what to do; null when there is a report.
     */
    default String problem() {
        return null;
    }

    static JobRun of(CloneRun r) {
        return new JobRun() {
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

            public long[] written() {
                return r.written();
            }

            @Override
            public long copiedBefore() {
                return r.copiedBefore();
            }

            public long verifiedBytes() {
                return r.verifiedBytes();
            }

            public String error(int i) {
                return r.error(i);
            }

            public List<SectorRange> unreadableSoFar() {
                return r.unreadableSoFar();
            }

            public boolean isDone() {
                return r.isDone();
            }

            public Report report() {
                return r.completion().join();
            }

            public void cancel() {
                r.cancel();
            }
        };
    }
}
