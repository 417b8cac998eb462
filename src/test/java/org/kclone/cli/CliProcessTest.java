package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a separate process, as a technician's script runs it: progress lines, Ctrl-C, exit codes. */
class CliProcessTest {

    @TempDir
    Path dir;

    private KcloneProcess start(String... args) throws Exception {
        return KcloneProcess.start(dir, dir.resolve("state"), List.of(), args);
    }

    @Test
    void ctrlCCancelsCleanlyFlushesAndReportsCancelled() throws Exception {
        byte[] data = new byte[48 << 20];
        new Random(5).nextBytes(data);
        Files.write(dir.resolve("src.img"), data);
        // 48 MiB at 4 MiB/s: about 12 s, so the plain progress line (every 5 s) comes first.
        KcloneProcess p = start("copy", "src.img", "dst.img", "--yes", "--json", "--limit", "4M");
        assertTrue(p.awaitWhileAlive(() -> p.err.text().contains("kclone: copied")),
                "a plain progress line on stderr:\n" + p);
        p.signal("INT");
        assertEquals(1, p.waitFor(), "cancelled: exit 1\n" + p);
        assertTrue(p.err.text().contains("kclone: interrupted: finishing the writes in flight"), p.toString());
        JsonNode report = new ObjectMapper().readTree(p.out.text());
        assertTrue(report.path("cancelled").asBoolean(), p.toString());
        long bytes = report.path("bytes").asLong();
        assertTrue(bytes > 0 && bytes < data.length, "bytes " + bytes);
        byte[] written = Files.readAllBytes(dir.resolve("dst.img"));
        assertArrayEquals(Arrays.copyOf(data, (int) bytes), Arrays.copyOf(written, (int) bytes),
                "what the report counts as copied is there");
    }

    @Test
    void verificationSaysVerifyingFromItsStartNotCopied() throws Exception {
        byte[] data = new byte[16 << 20];
        new Random(6).nextBytes(data);
        Files.write(dir.resolve("src.img"), data);
        KcloneProcess p = start("copy", "src.img", "dst.img", "--yes", "--json", "--verify");
        assertEquals(0, p.waitFor(), p.toString());
        // Plain lines come every five seconds, but the change to verifying is said at once.
        Matcher m = Pattern.compile("kclone: verifying (\\S+ \\S+) of 16\\.0 MiB \\(\\d+%\\) on 1 destination\\(s\\)")
                .matcher(p.err.text());
        assertTrue(m.find(), "a 'verifying X of Y' line when verification starts:\n" + p);
        assertFalse(p.err.text().substring(m.end()).contains("kclone: copied"),
                "no 'copied' line once verification has started:\n" + p);
        JsonNode report = new ObjectMapper().readTree(p.out.text());
        assertEquals("ok", report.path("destinations").path(0).path("status").asText(), p.toString());
    }

    @Test
    void userErrorsGiveExitTwoAndNoStackTrace() throws Exception {
        KcloneProcess p = start("copy", "missing.img", "x.img", "--yes");
        assertEquals(2, p.waitFor());
        assertTrue(p.err.text().contains("kclone: refused: SOURCE: missing.img does not exist"), p.toString());
        assertTrue(!p.err.text().contains("\tat "), "no stack trace:\n" + p);
        assertTrue(!Files.exists(dir.resolve("x.img")), "nothing created");
    }

    @Test
    void listJsonCarriesPathSizeAndSystem() throws Exception {
        KcloneProcess p = start("list", "--json");
        assertEquals(0, p.waitFor(), p.toString());
        JsonNode devices = new ObjectMapper().readTree(p.out.text()).path("devices");
        assertTrue(devices.isArray() && devices.size() > 0, p.out.text());
        List<JsonNode> all = new ArrayList<>();
        devices.forEach(all::add);
        for (int i = 0; i < all.size(); i++) {
            JsonNode d = all.get(i);
            assertTrue(d.path("path").isTextual(), d.toString());
            assertTrue(d.path("size").isIntegralNumber(), d.toString());
            assertTrue(d.path("system").isBoolean(), d.toString());
            d.path("children").forEach(all::add);
        }
    }
}
