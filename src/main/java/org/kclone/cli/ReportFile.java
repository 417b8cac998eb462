package org.kclone.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.Report;
import org.kclone.device.report.ReportFiles;

/** {@code --report FILE}: checked before anything is written, written whole or not at all when the job is done. */
final class ReportFile {

    static final String OPTION = "--report";

    private ReportFile() {
    }

    /** Refuses a report file that cannot be written (exit 2, before anything is opened for writing). */
    static void check(Path file) throws RefusedException {
        ReportFiles.check(OPTION, file);
    }

    /** Refuses a report file that is also the source or a destination: the report would overwrite it. */
    static void notAnEndpoint(Path file, CopyPlanner.Plan plan) throws RefusedException {
        if (file == null) {
            return;
        }
        Path abs = file.toAbsolutePath().normalize();
        java.util.List<Endpoint> all = new java.util.ArrayList<>(plan.destinations());
        if (plan.source() != null) {
            all.add(plan.source());
        }
        for (Endpoint e : all) {
            boolean same = e.path().toAbsolutePath().normalize().equals(abs);
            try {
                same |= Files.exists(abs) && Files.exists(e.path()) && Files.isSameFile(abs, e.path());
            } catch (IOException | RuntimeException ignored) {
                // cannot tell: the names differ
            }
            if (same) {
                throw new RefusedException(OPTION, file + " is also " + e.field() + "; the report would overwrite it;"
                        + " nothing was written");
            }
        }
    }

    /**
     * Writes the report to {@code file} (nothing when null) and returns the exit code: {@code code},
     * or 1 when the file could not be written (the job's report was printed all the same).
     */
    static int write(Path file, Report report, PrintWriter err, int code) {
        if (file == null) {
            return code;
        }
        try {
            ReportFiles.write(file, report);
            return code;
        } catch (IOException | RuntimeException e) {
            err.println("kclone: error: " + OPTION + " " + file + ": the report could not be written ("
                    + ReportFiles.reason(e) + "); it was left as it was");
            err.flush();
            return Math.max(code, 1);
        }
    }
}
