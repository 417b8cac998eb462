package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kclone.testing.FsFiles.sha256;
import static org.kclone.testing.MapProgress.resumePoint;
import static org.kclone.testing.MapProgress.sectorsWritten;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;

/**
 * Resuming a copy (--map) after kclone was killed with SIGKILL mid-copy, on real loop devices: no
 * clean cancel, no final flush, the map as the last checkpoint left it. The bytes each run wrote are
 * the kernel's count of sectors written to each loop device ({@code /sys/block/loopN/stat}), not
 * kclone's own. The kill is gated on the map showing progress, not on a clock.
 */
class CliResumeLoopDeviceTest {

    private static final int SIZE = 48 << 20;
    private static final long EVERY = 4 << 20;
    /** At most this much is in flight when the process dies: the engine's 8 chunks of 1 MiB. */
    private static final long IN_FLIGHT = 8 << 20;

    @TempDir
    Path dir;

    private byte[] data;
    private Path src;
    private Path a;
    private Path b;
    private Path map;

    private void setUp(LoopDevices loops) throws IOException {
        data = new byte[SIZE];
        new Random(12).nextBytes(data);
        Files.write(dir.resolve("src.img"), data);
        src = loops.attachExisting(dir.resolve("src.img"), "-r");
        a = loops.attach(dir.resolve("a.img"), SIZE);
        b = loops.attach(dir.resolve("b.img"), SIZE);
        map = dir.resolve("job.map");
    }

    /** Starts a throttled copy to a and b with a map and kills it (SIGKILL) once the map shows 12 MiB on both. */
    private void killMidCopy() throws Exception {
        KcloneProcess p = KcloneProcess.start(dir, dir.resolve("state"), List.of("-Xmx256m"), "copy", src.toString(),
                a.toString(), b.toString(), "--yes", "--map", map.toString(), "--map-every", "4M", "--limit", "6M");
        try {
            assertTrue(p.awaitWhileAlive(() -> resumePoint(map) >= 12 << 20), "the map shows progress\n" + p);
        } finally {
            p.process.destroyForcibly(); // SIGKILL: no handler runs, nothing is flushed or recorded
        }
        p.waitFor();
        assertEquals(137, p.process.exitValue(), "killed, not ended\n" + p);
        assertTrue(Files.readString(map).contains("\nstatus running\n"), "the map as the last checkpoint left it");
        assertTrue(resumePoint(map) < SIZE, "killed mid-copy: " + resumePoint(map));
    }

    @Test
    void killedMidCopyResumesWritingOnlyWhatWasMissingAndEndsByteIdentical() throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices()) {
            setUp(loops);
            long[] start = {sectorsWritten(a), sectorsWritten(b)};
            killMidCopy();
            long[] first = {sectorsWritten(a) - start[0], sectorsWritten(b) - start[1]};
            long point = resumePoint(map);

            // --probe: a fake-capacity probe writes marker blocks across the region; a resumed run must not
            Cli r = Cli.run("copy", src.toString(), a.toString(), b.toString(), "--yes", "--json", "--verify",
                    "--probe", "--map", map.toString());
            assertEquals(0, r.exit, r.err + r.out);
            assertTrue(r.err.contains("kclone: resuming from " + map), r.err);
            long[] second = {sectorsWritten(a) - start[0] - first[0], sectorsWritten(b) - start[1] - first[1]};

            JsonNode report = new ObjectMapper().readTree(r.out);
            assertEquals(SIZE, report.path("bytes").asLong(), "the report covers the whole job");
            String sha = sha256(data);
            assertEquals(sha, report.path("source").path("sha256").asText(),
                    "the source's SHA-256 covers every byte (the copied part read again)");
            for (int i = 0; i < 2; i++) {
                JsonNode d = report.path("destinations").path(i);
                assertEquals("ok", d.path("status").asText(), r.out);
                assertEquals(sha, d.path("sha256").asText(), "verified whole");
                long missing = SIZE - first[i];
                assertTrue(second[i] >= SIZE - point && second[i] < SIZE,
                        "dest " + i + ": from the resume point " + point + " on, not from 0: " + second[i]);
                assertTrue(second[i] <= missing + EVERY + IN_FLIGHT, "dest " + i + " wrote " + second[i]
                        + " bytes; missing after the kill were " + missing);
            }
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("a.img")));
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("b.img")));
            assertTrue(Files.readString(map).contains("\nstatus finished\n"), Files.readString(map));

            Cli again = Cli.run("copy", src.toString(), a.toString(), b.toString(), "--yes", "--map", map.toString());
            assertEquals(0, again.exit, again.err);
            assertTrue(again.err.contains("says this job is finished") && again.err.contains("nothing to do"),
                    again.err);
            assertEquals(start[0] + first[0] + second[0], sectorsWritten(a), "nothing written");
        }
    }

    @Test
    void anotherDeviceOrAChangedSourceIsRefusedAndDestinationsAtDifferentPointsResumeFromTheLowest()
            throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices()) {
            setUp(loops);
            Path c = loops.attach(dir.resolve("c.img"), SIZE);
            killMidCopy();
            long point = resumePoint(map);
            long[] before = {sectorsWritten(a), sectorsWritten(b), sectorsWritten(c)};

            Cli other = Cli.run("copy", src.toString(), a.toString(), c.toString(), "--yes", "--map", map.toString());
            assertEquals(2, other.exit, other.err);
            assertTrue(other.err.contains("refused: --map: " + map + " is the map of another job: DEST 2 " + c + " ("),
                    other.err);
            assertTrue(other.err.contains("is not one of its destinations: " + a + " ("), other.err);
            assertTrue(other.err.contains("give this job a --map file of its own, or remove " + map
                    + " to copy everything again; nothing was written"), other.err);

            // one byte of the source changed right before the resume point (what was copied last)
            byte[] changed = data.clone();
            changed[(int) point - 100] ^= 1;
            Files.write(dir.resolve("src.img"), changed);
            Cli moved = Cli.run("copy", src.toString(), a.toString(), b.toString(), "--yes", "--map", map.toString());
            assertEquals(2, moved.exit, moved.err);
            assertTrue(moved.err.contains("refused: --map: the source changed where it was already copied: " + src),
                    moved.err);
            assertTrue(moved.err.contains(map.toString()) && moved.err.contains("nothing was written"), moved.err);
            assertArrayEquals(before, new long[] {sectorsWritten(a), sectorsWritten(b), sectorsWritten(c)},
                    "nothing written to any device");
            Files.write(dir.resolve("src.img"), data);

            // destination b at half the point: its map lines say so, and its bytes from there are spoilt
            long half = point / 2 / 4096 * 4096;
            String text = Files.readString(map).replaceAll("(?m)^1  .*\\n", "");
            Files.writeString(map, text + String.format("1  0x%016X  0x%016X  +%n1  0x%016X  0x%016X  ?%n", 0L, half,
                    half, SIZE - half));
            try (FileChannel ch = FileChannel.open(b, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[(int) (point - half)]), half);
                ch.force(true);
            }
            before = new long[] {sectorsWritten(a), sectorsWritten(b)};
            Cli r = Cli.run("copy", src.toString(), a.toString(), b.toString(), "--yes", "--map", map.toString());
            assertEquals(0, r.exit, r.err + r.out);
            for (int i = 0; i < 2; i++) {
                long wrote = sectorsWritten(i == 0 ? a : b) - before[i];
                assertEquals(SIZE - half, wrote, "dest " + i + ": resumed at the lowest point, " + half);
            }
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("a.img")));
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("b.img")));
        }
    }
}
