package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM ({@code timeout}, {@code systemctl stop}, {@code kill}) and SIGHUP (a closed SSH session)
 * during a copy are handled as Ctrl-C is: cancel, flush, the cancelled report, exit 1. Through a
 * real child process, gated on the destination showing the copy's first bytes, not on a clock.
 */
class CliSignalsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "HUP"})
    void aSignalMidCopyCancelsFlushesAndReports(String signal) throws Exception {
        byte[] data = new byte[48 << 20];
        new Random(7).nextBytes(data);
        Files.write(dir.resolve("src.img"), data);
        Path dst = dir.resolve("dst.img");
        // 48 MiB at 4 MiB/s: about 12 s, so the signal comes mid-copy.
        KcloneProcess p = KcloneProcess.start(dir, dir.resolve("state"), List.of(),
                "copy", "src.img", "dst.img", "--yes", "--json", "--limit", "4M");
        byte[] first = Arrays.copyOf(data, 4096);
        assertTrue(p.awaitWhileAlive(() -> Arrays.equals(first, head(dst, 4096))),
                "the copy's first bytes reach the destination\n" + p);
        p.signal(signal);
        assertEquals(1, p.waitFor(), "cancelled: exit 1, not killed (143 or 129)\n" + p);
        assertTrue(p.err.text().contains("kclone: interrupted by SIG" + signal + ": finishing the writes in flight"),
                p.toString());
        JsonNode report = new ObjectMapper().readTree(p.out.text());
        assertTrue(report.path("cancelled").asBoolean(), p.toString());
        long bytes = report.path("bytes").asLong();
        assertTrue(bytes > 0 && bytes < data.length, "bytes " + bytes);
        JsonNode d = report.path("destinations").path(0);
        assertEquals("cancelled", d.path("status").asText(), p.toString());
        assertTrue(d.path("error").asText().startsWith("incomplete: " + bytes + " of "), p.toString());
        byte[] written = Files.readAllBytes(dst);
        assertArrayEquals(Arrays.copyOf(data, (int) bytes), Arrays.copyOf(written, (int) bytes),
                "what the report counts as copied is on disk");
    }

    /** The first {@code n} bytes of a file, or an empty array while it does not exist or is shorter. */
    private static byte[] head(Path file, int n) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (f.length() < n) {
                return new byte[0];
            }
            byte[] b = new byte[n];
            f.readFully(b);
            return b;
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
