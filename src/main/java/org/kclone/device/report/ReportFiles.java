package org.kclone.device.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import org.kclone.device.RefusedException;
import org.kclone.device.Report;

/**
 * Writes a report to a file: HTML when the name ends in {@code .html} or {@code .htm}, else the
 * JSON report. The file appears whole or not at all: the text goes to a temporary file in the same
 * folder, is flushed, and is then moved over the name in one step; on any failure the temporary file
 * is removed and an existing file of that name is left as it was.
 */
public final class ReportFiles {

    /** The JSON report as {@code --json} prints it. */
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFiles() {
    }

    /** Whether a report of this name is written as HTML. */
    public static boolean isHtml(Path file) {
        String n = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".html") || n.endsWith(".htm");
    }

    /**
     * The file a save dialog's choice names: {@code chosen} as it is when its name already ends in
     * .json, .html or .htm, else with the extension of the format picked ({@code html} or JSON) added.
     */
    public static Path withFormat(Path chosen, boolean html) {
        String n = chosen.getFileName() == null ? "" : chosen.getFileName().toString().toLowerCase(Locale.ROOT);
        if (isHtml(chosen) || n.endsWith(".json")) {
            return chosen;
        }
        return chosen.resolveSibling(chosen.getFileName() + (html ? ".html" : ".json"));
    }

    /** The report's text in the form its file name asks for. */
    public static String text(Path file, Report report) {
        return isHtml(file) ? HtmlReport.render(report) : json(report);
    }

    /** The JSON report, exactly as {@code --json} prints it. */
    public static String json(Report report) {
        try {
            return JSON.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the report cannot be written as JSON", e);
        }
    }

    /**
     * Refuses (field {@code field}) a report file that could not be written, before any job starts:
     * a folder, something that is not a regular file (a device), a missing folder, a folder where
     * no file can be made (permissions, read-only file system).
     */
    public static void check(String field, Path file) throws RefusedException {
        Path abs = file.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new RefusedException(field, file + " is a folder; give a file name");
        }
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(abs)) {
            throw new RefusedException(field, file + " exists and is not a regular file (a device?); a report is"
                    + " only written to a regular file; nothing was written");
        }
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new RefusedException(field, "cannot write " + file + ": the folder " + dir
                    + (dir != null && Files.exists(dir) ? " is not a folder" : " does not exist")
                    + "; nothing was written");
        }
        try {
            Files.delete(Files.createTempFile(dir, ".kclone-report-check-", ".tmp"));
        } catch (IOException | RuntimeException e) {
            throw new RefusedException(field, "cannot write " + file + ": no file can be made in " + dir + " ("
                    + reason(e) + "); nothing was written");
        }
    }

    /** Writes the report to {@code file} (HTML or JSON by its name), whole or not at all. */
    public static void write(Path file, Report report) throws IOException {
        writeAtomically(file, text(file, report));
    }

    /** Writes {@code text} to {@code file} whole or not at all (temporary file, flush, atomic move). */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path abs = file.toAbsolutePath();
        if (Files.exists(abs) && !Files.isRegularFile(abs)) {
            throw new IOException(file + " is not a regular file");
        }
        Path dir = abs.getParent();
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            permissions(abs, tmp);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** A temporary file is private (0600): give it the replaced file's mode, or rw-r--r-- for a new one. */
    private static void permissions(Path target, Path tmp) {
        try {
            Files.setPosixFilePermissions(tmp, Files.exists(target) ? Files.getPosixFilePermissions(target)
                    : PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException | UnsupportedOperationException e) {
            // a file system without POSIX modes: the temporary file's own mode stays
        }
    }

    /** The OS's reason for a failed file operation, without the path Java repeats in front of it. */
    public static String reason(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
