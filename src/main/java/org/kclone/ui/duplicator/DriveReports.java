package org.kclone.ui.duplicator;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.kclone.device.Report;
import org.kclone.device.report.ReportFiles;

/**
 * Saving one drive's report: the same JSON report as the CLI's {@code --report} (or its printable
 * HTML page, by the file's name), written whole or not at all ({@link ReportFiles}). A refurbisher's
 * folder gets one file per drive, named after the drive and the time: {@code
 * kclone-Stick-A1B2-20261206-104212.json}.
 */
final class DriveReports {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private DriveReports() {
    }

    /** A file name for {@code r}'s report: model and serial (else the kernel name) and the time, safe for any file system. */
    static String fileName(DriveRow r, LocalDateTime at) {
        String who = r.model().isBlank() ? r.path().replaceFirst("^/dev/", "") : r.model().replace("serial ", "");
        String safe = who.trim().replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[-.]+|-+$", "");
        return "kclone-" + (safe.isEmpty() ? "drive" : safe) + "-" + at.format(STAMP) + ".json";
    }

    /**
     * Writes {@code r}'s report to {@code file} (HTML when it ends in .html or .htm, else JSON).
     *
     * @return what was done, to show ("Report of /dev/sdb saved in /srv/r.json (JSON)")
     * @throws IOException with the reason when it could not be written (nothing is left half-written)
     */
    static String save(DriveRow r, Path file) throws IOException {
        Report report = r.report.get();
        if (report == null) {
            throw new IOException("no report: the job of " + r.path() + " has not ended, or it was not written");
        }
        Path where = file.toAbsolutePath();
        ReportFiles.write(where, report);
        return "Report of " + r.path() + " saved in " + where + (ReportFiles.isHtml(where) ? " (printable page)" : " (JSON)");
    }
}
