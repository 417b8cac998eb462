package org.kclone.ui.duplicator;

import java.util.Locale;
import org.kclone.device.CloneRun;
import org.kclone.device.Report;
import org.kclone.device.Sizes;

/** Reads a running drive's job into its row (state, bar, message, and at the end its report). */
final class DriveProgress {

    /** Where a drive's job is after an update. */
    enum Outcome {
        RUNNING, DONE, FAILED, CANCELLED
    }

    private DriveProgress() {
    }

    /** Moves {@code r} on from its job; at the end the row holds the report (with its audit part when known). */
    static Outcome update(DriveRow r) {
        DriveJob j = r.job;
        long total = Math.max(1, j.totalBytes());
        if (j.isDone()) {
            r.counted = true;
            r.safeToRemove.set(true);
            String removed = r.present.get() ? "" : " (removed)";
            Report report;
            Report.Destination d;
            try {
                report = j.report();
                d = report.destinations().get(0);
            } catch (RuntimeException e) {
                r.state.set("failed");
                r.message.set("failed: " + e.getMessage() + "; safe to remove" + removed);
                return Outcome.FAILED;
            }
            r.report.set(r.audit != null ? r.audit.attach(report) : report);
            if (report.cancelled() && !"ok".equals(d.status())) {
                r.state.set("cancelled");
                r.message.set("cancelled: " + Sizes.human(j.written()) + " of " + Sizes.human(total)
                        + " written, partly overwritten; safe to remove" + removed);
                return Outcome.CANCELLED;
            }
            if ("ok".equals(d.status())) {
                r.state.set("done");
                r.progress.set(1);
                r.message.set("written and verified: safe to remove" + removed);
                return Outcome.DONE;
            }
            r.state.set("mismatch".equals(d.status()) ? "mismatch" : "failed");
            String why = "mismatch".equals(d.status()) ? "verification found " + d.mismatches().size()
                    + " differing range" + (d.mismatches().size() == 1 ? "" : "s") : d.error();
            r.message.set(r.state.get() + ": " + why + "; not a good copy, safe to remove" + removed);
            return Outcome.FAILED;
        }
        String error = j.error();
        if (error != null) {
            r.state.set("failed");
            r.message.set("failed: " + error + "; finishing, do not remove yet");
            return Outcome.RUNNING;
        }
        double seconds = Math.max(1e-3, (System.nanoTime() - r.startNanos) / 1e9);
        if (j.probing()) {
            r.state.set("checking");
            r.message.set("checking for fake capacity (a few seconds); do not remove");
        } else if (j.phase() == CloneRun.Phase.VERIFYING) {
            r.state.set("verifying");
            r.progress.set(0.5 + 0.5 * j.verifiedBytes() / total); // the bar never goes back: writing is its first half
            r.message.set("verifying: " + Sizes.human(j.verifiedBytes()) + " of " + Sizes.human(total)
                    + " read back; do not remove yet");
        } else {
            long w = j.written();
            r.state.set("writing");
            r.progress.set(0.5 * w / total);
            r.message.set(String.format(Locale.ROOT, "writing: %s of %s, %s/s; do not remove", Sizes.human(w),
                    Sizes.human(total), Sizes.human((long) (w / seconds))));
        }
        return Outcome.RUNNING;
    }
}
