package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;

/**
 * {@code --report FILE} on real loop devices (root only; skipped with the reason elsewhere): the
 * file is the JSON report (the same as {@code --json} prints) or the printable page, with the audit
 * fields; a report path that cannot be written is refused before anything is written to a disk.
 */
class CliReportFileLoopTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MiB = 1 << 20;

    @TempDir
    Path dir;

    private LoopDevices loops;

    @BeforeEach
    void setUp() {
        LoopDevices.assumeAvailable();
        loops = new LoopDevices();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (loops != null) {
            loops.close();
        }
    }

    private Path device(String name, long seed) throws IOException {
        byte[] data = new byte[4 * MiB];
        new Random(seed).nextBytes(data);
        Path file = dir.resolve(name + ".img");
        Files.write(file, data);
        return loops.attachExisting(file);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theReportFileIsTheJsonOnStandardOutputWithTheAuditFields() throws Exception {
        Path src = device("src", 1);
        Path a = device("a", 2);
        Path b = device("b", 3);
        Path file = dir.resolve("report.json");
        Cli r = Cli.run("copy", src.toString(), a.toString(), b.toString(), "--yes", "--verify", "--json",
                "--report", file.toString());
        assertEquals(0, r.exit, r.err);
        JsonNode printed = JSON.readTree(r.out);
        JsonNode saved = JSON.readTree(file.toFile());
        assertEquals(printed, saved, "the file holds the report printed on standard output");
        assertArrayEquals(CliLoopDeviceTest.contents(src), CliLoopDeviceTest.contents(a));
        assertEquals("copy", saved.path("command").asText());
        assertEquals(KcloneCommand.version(), saved.path("version").asText());
        assertFalse(saved.path("host").asText().isEmpty());
        OffsetDateTime started = OffsetDateTime.parse(saved.path("startedAt").asText());
        OffsetDateTime ended = OffsetDateTime.parse(saved.path("endedAt").asText());
        assertFalse(ended.isBefore(started));
        assertTrue(saved.path("options").path("verify").asBoolean());
        assertEquals(file.toString(), saved.path("options").path("report").asText());
        assertEquals(src.toString(), saved.path("sourceDevice").path("path").asText());
        assertEquals("device", saved.path("sourceDevice").path("kind").asText());
        assertEquals(4 * MiB, saved.path("sourceDevice").path("size").asLong());
        JsonNode dd = saved.path("destinationDevices");
        assertEquals(2, dd.size());
        assertEquals(a.toString(), dd.get(0).path("path").asText());
        assertEquals(b.toString(), dd.get(1).path("path").asText());
        for (JsonNode d : dd) {
            assertTrue(d.path("verified").asBoolean(), d.toString());
            assertEquals(4 * MiB, d.path("size").asLong());
        }
        assertEquals(List.of("a.img", "b.img", "report.json", "src.img"), files(), "no temporary file left");
    }

    @Test
    void aReportNamedHtmlIsThePrintablePageAndWorksWithoutJson() throws Exception {
        Path d = device("d", 4);
        Path page = dir.resolve("wipe.html");
        Cli r = Cli.run("zero", d.toString(), "--yes", "--report", page.toString());
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.startsWith("zero: "), "the human summary still goes to standard output: " + r.out);
        String html = Files.readString(page);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<td class=\"state ok\">OK</td>"));
        assertTrue(html.contains(d.toString()));
        assertArrayEquals(new byte[4 * MiB], CliLoopDeviceTest.contents(d));
    }

    @Test
    void verifyWritesItsReportToo() throws Exception {
        Path src = device("src", 5);
        Path same = device("same", 5);
        Path file = dir.resolve("v.json");
        Cli r = Cli.run("verify", src.toString(), same.toString(), "--report", file.toString());
        assertEquals(0, r.exit, r.err);
        JsonNode saved = JSON.readTree(file.toFile());
        assertEquals("verify", saved.path("command").asText());
        assertEquals("ok", saved.path("destinations").get(0).path("status").asText());
        assertTrue(saved.path("destinationDevices").get(0).path("verified").asBoolean());
    }

    @Test
    void aReportPathThatCannotBeWrittenIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path src = device("src", 6);
        Path dest = device("dest", 7);
        byte[] before = CliLoopDeviceTest.contents(dest);
        Path image = dir.resolve("out.img");
        for (String bad : List.of(dir.resolve("missing/r.json").toString(), dir.toString(), "/proc/kclone-r.json",
                image.toString())) {
            Cli copy = Cli.run("copy", src.toString(), dest.toString(), image.toString(), "--yes", "--report", bad);
            assertEquals(KcloneCommand.REFUSED, copy.exit, bad + ": " + copy.err);
            assertTrue(copy.err.startsWith("kclone: refused: --report: "), copy.err);
            assertTrue(copy.err.contains(bad), "names the file: " + copy.err);
            assertEquals("", copy.out);
            assertArrayEquals(before, CliLoopDeviceTest.contents(dest), "nothing was written: " + bad);
            assertFalse(Files.exists(image), "the new image file was not made: " + bad);
            if (bad.equals(image.toString())) {
                continue; // the report would overwrite a destination of the copy; a zero of dest has no such one
            }
            Cli zero = Cli.run("zero", dest.toString(), "--yes", "--report", bad);
            assertEquals(KcloneCommand.REFUSED, zero.exit, bad + ": " + zero.err);
            assertArrayEquals(before, CliLoopDeviceTest.contents(dest), "nothing was zeroed: " + bad);
        }
        Cli copy = Cli.run("copy", src.toString(), dest.toString(), "--yes", "--report", dest.toString());
        assertEquals(KcloneCommand.REFUSED, copy.exit, copy.err);
        assertTrue(copy.err.contains("not a regular file"), copy.err);
        Cli verify = Cli.run("verify", src.toString(), dest.toString(), "--report", dir.resolve("no/v.json").toString());
        assertEquals(KcloneCommand.REFUSED, verify.exit, verify.err);
        assertTrue(verify.err.contains("--report") && verify.err.contains("does not exist"), verify.err);
        assertArrayEquals(before, CliLoopDeviceTest.contents(dest));
        assertEquals(List.of("dest.img", "src.img"), files(), "no report, no image, no temporary file");
    }
}
