package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A destination that fails through a real fault, without root: the CLI runs in its own JVM under
 * a file size limit (RLIMIT_FSIZE, set by prlimit). The JVM ignores SIGXFSZ, so a write past the
 * limit fails with the kernel's EFBIG, "File too large". Two image destinations with different
 * starts: only the one whose region lies past the limit fails; the other finishes and verifies.
 */
class CliFileSizeLimitTest {

    private static final int MiB = 1 << 20;

    @TempDir
    Path dir;

    private Path sized(String name, long bytes) throws Exception {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return p;
    }

    @Test
    void theDestinationPastTheLimitFailsAndTheOtherFinishesVerified() throws Exception {
        // 16 chunks of 1 MiB: more than the 8 in flight, so the good destination gets everything
        // only because the failed one is dropped (without the drop, no chunk starts after the error).
        byte[] data = new byte[16 * MiB];
        new Random(31).nextBytes(data);
        Path src = Files.write(dir.resolve("src.img"), data);
        // Both files exist at full size already: only writes decide, and the limit is 24 MiB.
        Path below = sized("below.img", 16 * MiB);
        Path past = sized("past.img", 40 * MiB);
        KcloneProcess.Finished r = KcloneProcess.run(dir, new KcloneProcess.Setup(null, 24 * MiB), "copy", src.toString(),
                below.toString(), past + "@24M", "--yes", "--verify", "--json");
        assertEquals(1, r.exit, "a destination failed: exit 1\n" + r);
        JsonNode report = new ObjectMapper().readTree(r.out);
        JsonNode d = report.path("destinations");
        assertEquals("ok", d.get(0).path("status").asText(), d.toString());
        assertEquals("failed", d.get(1).path("status").asText(), d.toString());
        assertTrue(d.get(1).path("error").asText().contains("File too large"), d.toString());
        assertEquals(16L * MiB, report.path("bytes").asLong(), "bytes written to every destination that did not fail");
        assertArrayEquals(data, Files.readAllBytes(below), "the good destination holds the source");
        assertArrayEquals(new byte[40 * MiB], Files.readAllBytes(past), "nothing got past the limit");
    }

    @Test
    void underTheSameLimitBothBelowItSucceed() throws Exception {
        // The control: the same run with both regions below the limit is exit 0, so the failure
        // above comes from the limit, not from the child JVM or the files.
        byte[] data = new byte[2 * MiB];
        new Random(32).nextBytes(data);
        Path src = Files.write(dir.resolve("src.img"), data);
        Path a = sized("a.img", 4 * MiB);
        Path b = sized("b.img", 4 * MiB);
        KcloneProcess.Finished r = KcloneProcess.run(dir, new KcloneProcess.Setup(null, 4 * MiB), "copy", src.toString(),
                a.toString(), b + "@2M", "--yes", "--verify", "--json");
        assertEquals(0, r.exit, r.toString());
        assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(b), 2 * MiB, 4 * MiB));
    }
}
