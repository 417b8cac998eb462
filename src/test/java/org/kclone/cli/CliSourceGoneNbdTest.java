package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.NbdFaultDevice;

/**
 * A source that vanishes mid-copy (its device pulled: nbdkit and nbdfuse killed under the loop
 * device): kclone ends by itself with exit 1, the read error in the report, and no destination
 * called {@code ok}.
 */
class CliSourceGoneNbdTest {

    @TempDir
    Path dir;

    /** Whether the first MiB of {@code file} holds anything but zeros. */
    private static boolean written(Path file) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[1 << 20];
            int n = f.read(b);
            for (int i = 0; i < n; i++) {
                if (b[i] != 0) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aSourcePulledMidCopyEndsTheRunWithExitOneAndNoDestinationOk() throws Exception {
        NbdFaultDevice.assumeAvailable();
        byte[] data = new byte[32 << 20];
        new Random(51).nextBytes(data);
        Path image = Files.write(dir.resolve("stick.img"), data);
        for (String name : List.of("a.img", "b.img")) {
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(name).toFile(), "rw")) {
                f.setLength(32 << 20);
            }
        }
        try (NbdFaultDevice stick = NbdFaultDevice.start(Files.createDirectory(dir.resolve("nbd")), true,
                "file", "file=" + image)) {
            KcloneProcess p = KcloneProcess.start(dir, dir.resolve("state"), List.of(), "copy",
                    stick.device().toString(), "a.img", "b.img", "--yes", "--json", "--limit", "4M");
            assertTrue(p.awaitWhileAlive(() -> written(dir.resolve("a.img"))), "the copy is under way\n" + p);
            stick.yank();
            assertEquals(1, p.waitFor(), "ended by itself, exit 1\n" + p);
            JsonNode report = new ObjectMapper().readTree(p.out.text());
            assertFalse(report.path("readErrors").isEmpty(), "the unreadable source is reported: " + report);
            for (JsonNode d : report.path("destinations")) {
                assertEquals("failed", d.path("status").asText(), "never ok: " + d);
                assertTrue(d.path("error").asText().startsWith("incomplete:"), d.toString());
                assertTrue(d.path("error").asText().endsWith("the job stopped when the source stopped answering (it does"
                        + " not read even its first sector now: removed, or dead?)"), d.toString());
            }
            assertTrue(report.path("bytes").asLong() < data.length, report.toString());
        }
    }
}
