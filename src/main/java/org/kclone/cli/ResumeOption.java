package org.kclone.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RefusedException;
import org.kclone.device.Sizes;
import org.kclone.device.resume.JobMap;

/** {@code --map FILE} and {@code --map-every SIZE} of {@code kclone copy}: the map read, checked, its meaning said. */
final class ResumeOption {

    private ResumeOption() {
    }

    /**
     * Reads and checks the map against the plan (before the confirmation: a map of another job is
     * refused before anyone is asked) and says on {@code err} what the run will do: start, resume
     * (from where), or nothing at all (a finished job: {@link JobMap#finished()}).
     */
    static JobMap prepare(Path file, String every, Path report, CopyPlanner.Plan plan, boolean usedOnly,
            PrintWriter err)
            throws RefusedException {
        if (file == null) {
            throw new RefusedException("--map-every", "only with --map FILE");
        }
        if (report != null && report.toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())) {
            throw new RefusedException("--map", file + " is also the --report file: give each its own; nothing was"
                    + " written");
        }
        long bytes = JobMap.DEFAULT_EVERY;
        if (every != null) {
            try {
                bytes = Sizes.toBytes(every);
            } catch (IllegalArgumentException e) {
                throw new RefusedException("--map-every", e.getMessage());
            }
        }
        JobMap m = JobMap.prepare(file, bytes, plan, usedOnly);
        long total = plan.source().byteLength();
        if (!m.leftOut().isEmpty()) {
            err.println("kclone: " + file + " also lists " + String.join(", ", m.leftOut()) + ", left out of this"
                    + " command: " + (m.leftOut().size() == 1 ? "it leaves" : "they leave") + " the map");
        }
        if (m.finished()) {
            err.println("kclone: " + file + " says this job is finished: every destination has all "
                    + Sizes.human(total) + ", flushed; nothing to do (remove the map, or give another, to copy again)");
        } else if (m.resumeAt() > 0) {
            err.println("kclone: resuming from " + file + ": " + Sizes.human(m.resumeAt()) + " of " + Sizes.human(total)
                    + (usedOnly ? " (the used blocks in it: " + Sizes.human(m.copiedBefore()) + ")" : "")
                    + " are on every destination already; copying the rest (the copied part of the source is read"
                    + " again, not written, " + (usedOnly ? "for --verify's digests)" : "for its SHA-256)"));
        }
        err.flush();
        return m;
    }
}
