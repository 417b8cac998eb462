package org.kclone.ui.duplicator;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.kclone.device.Report;
import org.kclone.device.report.ReportFiles;

/**
 * Saving one drive's report: the same JSON report as the CLI's {@code --report} (or its printable
 * HTML page, by the file's name), written whole or not at all ({@link ReportFiles}). A refurbisher's
 * folder gets one file per drive, named after the drive and the time: {@code
 * kclone-Stick-A1B2-20261206-104212.json}.
 */
public final class DriveReports {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final ReadOnlyStringWrapper note = new ReadOnlyStringWrapper("");
    /** Where every drive's report is saved as its job ends (null: only by hand, from its row). */
    private volatile Path folder;

    DriveReports() {
    }

    /** Where the last report was saved, or why it was not ("" before any). */
    public ReadOnlyStringProperty note() {
        return note.getReadOnlyProperty();
    }

    /**
     * Saves every drive's report in {@code folder} as its job ends ({@link #fileName}), from now on;
     * null stops it. Drives that ended before are not saved there (each row still can be).
     */
    public void folder(Path folder) {
        this.folder = folder;
        note.set(folder == null ? "" : "Every drive's report is saved in " + folder + " as its job ends.");
    }

    public Path folder() {
        return folder;
    }

    /** Saves {@code r}'s report in {@code file} (JSON, or HTML by its name); the outcome is in {@link #note()}. */
    public void save(DriveRow r, Path file) throws IOException {
        try {
            note.set(write(r, file));
        } catch (IOException | RuntimeException e) {
            note.set("The report of " + r.path() + " was NOT saved in " + file.toAbsolutePath() + ": "
                    + ReportFiles.reason(e));
            throw e;
        }
    }

    /** {@code r}'s job ended at {@code at}: its report goes to the folder, if one is set; the row says when it could not. */
    void ended(DriveRow r, LocalDateTime at) {
        Path dir = folder;
        if (dir != null && r.report.get() != null) {
            try {
                save(r, dir.resolve(fileName(r, at)));
            } catch (IOException | RuntimeException e) {
                r.message.set(r.message.get() + "; its report was NOT saved in " + dir + ": " + ReportFiles.reason(e));
            }
        }
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
    private static String write(DriveRow r, Path file) throws IOException {
        Report report = r.report.get();
        if (report == null) {
            throw new IOException("no report: the job of " + r.path() + " has not ended, or it was not written");
        }
        Path where = file.toAbsolutePath();
        ReportFiles.write(where, report);
        return "Report of " + r.path() + " saved in " + where + (ReportFiles.isHtml(where) ? " (printable page)" : " (JSON)");
    }
}
