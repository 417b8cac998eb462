package org.kclone.device.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.RefusedException;
import org.kclone.device.Report;

/** Report files: the form by the name, whole or not at all, refused before a job when they cannot be written. */
class ReportFilesTest {

    @TempDir
    Path dir;

    private static final Report REPORT = new Report("copy", new Report.Region("a.img", 0, 8), 4096, 0.1, false,
            List.of(), List.of(new Report.Destination("b.img", 0, 8, "ok", null, List.of())));

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesJsonOrHtmlByTheName() throws Exception {
        ReportFiles.write(dir.resolve("r.json"), REPORT);
        ReportFiles.write(dir.resolve("r.HTML"), REPORT);
        ReportFiles.write(dir.resolve("r.txt"), REPORT);
        assertEquals(ReportFiles.json(REPORT), Files.readString(dir.resolve("r.json")));
        assertEquals("copy", ReportFiles.JSON.readTree(dir.resolve("r.txt").toFile()).path("command").asText());
        assertTrue(Files.readString(dir.resolve("r.HTML")).startsWith("<!DOCTYPE html>"));
        assertEquals(List.of("r.HTML", "r.json", "r.txt"), names(), "no temporary file left");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("r.json"))),
                "readable like any file written by hand, not private like a temporary file");
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoOther() throws Exception {
        Path f = dir.resolve("r.json");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        ReportFiles.writeAtomically(f, "new");
        assertEquals("new", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), "the mode is kept");
        Path sub = dir.resolve("gone");
        assertThrows(IOException.class, () -> ReportFiles.writeAtomically(sub.resolve("r.json"), "x"));
        assertFalse(Files.exists(sub));
        Path folder = Files.createDirectory(dir.resolve("folder.json"));
        assertThrows(IOException.class, () -> ReportFiles.writeAtomically(folder, "x"));
        assertEquals(List.of("folder.json", "r.json"), names());
    }

    @Test
    void checkRefusesWhatCannotBeWrittenNamingTheFieldAndReason() throws Exception {
        ReportFiles.check("--report", dir.resolve("new.json"));
        assertEquals(List.of(), names(), "the check leaves nothing behind");
        RefusedException e = assertThrows(RefusedException.class,
                () -> ReportFiles.check("--report", dir.resolve("missing/r.json")));
        assertEquals("--report", e.field());
        assertTrue(e.reason().contains("does not exist"), e.reason());
        e = assertThrows(RefusedException.class, () -> ReportFiles.check("--report", dir));
        assertTrue(e.reason().contains("is a folder"), e.reason());
        Path file = Files.writeString(dir.resolve("plain"), "x");
        e = assertThrows(RefusedException.class, () -> ReportFiles.check("--report", file.resolve("r.json")));
        assertTrue(e.reason().contains("is not a folder"), e.reason());
        e = assertThrows(RefusedException.class, () -> ReportFiles.check("--report", Path.of("/dev/null")));
        assertTrue(e.reason().contains("not a regular file"), e.reason());
        e = assertThrows(RefusedException.class, () -> ReportFiles.check("--report", Path.of("/proc/kclone-report.json")));
        assertTrue(e.reason().contains("no file can be made in /proc"), e.reason());
    }

    @Test
    void aSaveDialogsChoiceGetsTheExtensionOfTheFormatPickedUnlessItHasOne() {
        assertEquals(Path.of("/r/x.html"), ReportFiles.withFormat(Path.of("/r/x"), true));
        assertEquals(Path.of("/r/x.json"), ReportFiles.withFormat(Path.of("/r/x"), false));
        assertEquals(Path.of("/r/x.report.json"), ReportFiles.withFormat(Path.of("/r/x.report"), false));
        assertEquals(Path.of("/r/x.json"), ReportFiles.withFormat(Path.of("/r/x.json"), true), "the name wins");
        assertEquals(Path.of("/r/x.HTM"), ReportFiles.withFormat(Path.of("/r/x.HTM"), false));
    }
}
