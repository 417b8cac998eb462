package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** --map on image files (no root needed): a cancelled job resumed, a finished map, maps and options refused. */
class CliMapTest {

    @TempDir
    Path dir;

    private byte[] source(int bytes) throws Exception {
        byte[] data = new byte[bytes];
        new Random(5).nextBytes(data);
        Files.write(dir.resolve("src.img"), data);
        return data;
    }

    /**
     * With a SHA-256 sidecar the source image is checked as it is read, in order from its start: the
     * resumed run reads the copied part again first, so the check neither waits forever nor fails.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aCancelledJobResumesFromItsMapAndAFinishedOneHasNothingToDo(boolean sidecar) throws Exception {
        byte[] data = source(32 << 20);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(data));
        if (sidecar) {
            Files.writeString(dir.resolve("src.img.sha256"), sha + "  src.img\n");
        }
        Path map = dir.resolve("job.map");
        KcloneProcess p = KcloneProcess.start(dir, dir.resolve("state"), List.of("-Xmx256m"), "copy", "src.img",
                "dst.img", "--yes", "--map", "job.map", "--map-every", "2M", "--limit", "4M");
        assertTrue(p.awaitWhileAlive(() -> {
            try {
                return Files.readString(map).contains("\n0  0x0000000000000000  0x0000000000");
            } catch (Exception e) {
                return false;
            }
        }), "the map shows progress\n" + p);
        p.signal("TERM");
        assertEquals(1, p.waitFor(), p.toString());
        String text = Files.readString(map);
        assertTrue(text.contains("\nstatus interrupted\n"), text);

        Cli r = Cli.run("copy", dir.resolve("src.img").toString(), dir.resolve("dst.img").toString(), "--yes",
                "--json", "--map", map.toString());
        assertEquals(0, r.exit, r.err + r.out);
        assertTrue(r.err.contains("resuming from"), r.err);
        JsonNode report = new ObjectMapper().readTree(r.out);
        assertEquals(data.length, report.path("bytes").asLong());
        assertEquals("ok", report.path("destinations").path(0).path("status").asText(), r.out);
        assertEquals(sha, report.path("source").path("sha256").asText(), r.out);
        assertEquals(map.toString(), report.path("options").path("map").asText(), r.out);
        long at = report.path("options").path("resumedAt").asLong();
        assertTrue(at > 0 && at < data.length && at % 4096 == 0, r.out);
        assertTrue(r.err.contains("resuming from " + map + ": " + org.kclone.device.Sizes.human(at)), r.err);
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("dst.img")));
        assertTrue(Files.readString(map).contains("\nstatus finished\n"));

        FileTime was = Files.getLastModifiedTime(dir.resolve("dst.img"));
        Cli again = Cli.run("copy", dir.resolve("src.img").toString(), dir.resolve("dst.img").toString(), "--yes",
                "--map", map.toString());
        assertEquals(0, again.exit, again.err);
        assertTrue(again.err.contains("says this job is finished") && again.err.contains("nothing to do"), again.err);
        assertEquals(was, Files.getLastModifiedTime(dir.resolve("dst.img")), "not opened for writing");
    }

    /** A destination that failed holds the others back; left out of the command, the others go on from their point. */
    @Test
    void aDestinationLeftOutOfTheCommandLeavesTheMap() throws Exception {
        byte[] data = source(16 << 20);
        Path map = dir.resolve("job.map");
        String src = dir.resolve("src.img").toString();
        String one = dir.resolve("one.img").toString();
        String two = dir.resolve("two.img").toString();
        Cli first = Cli.run("copy", src, one, two, "--yes", "--map", map.toString());
        assertEquals(0, first.exit, first.err);
        // as if the copy had stopped at 8 MiB on one.img and two.img had failed at once
        String text = Files.readString(map).replaceAll("(?m)^[01]  .*\\n", "").replace("status finished",
                "status interrupted");
        Files.writeString(map, text + String.format("0  0x%016X  0x%016X  +%n0  0x%016X  0x%016X  ?%n"
                + "1  0x%016X  0x%016X  ?%n", 0, 8 << 20, 8 << 20, 8 << 20, 0, 16 << 20));
        try (var ch = java.nio.channels.FileChannel.open(Path.of(one), java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[8 << 20]), 8 << 20); // what it would lack
        }
        // without hash lines (truncated, or edited by hand) the source cannot be checked: refused, nothing written
        byte[] lacking = Files.readAllBytes(Path.of(one));
        Cli unhashed = Cli.run("copy", src, one, "--yes", "--json", "--map", map.toString());
        assertEquals(2, unhashed.exit, unhashed.err + unhashed.out);
        assertTrue(unhashed.err.contains("refused: --map: " + map + " has no hash lines, so the source cannot be"
                + " checked where it was already copied"), unhashed.err);
        assertArrayEquals(lacking, Files.readAllBytes(Path.of(one)), "nothing written");
        var sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(data, 0, 1 << 20);
        Files.writeString(map, Files.readString(map).replaceFirst("\n0  ", String.format("%nhash head 0x%016X 0x%016X %s"
                + "%n0  ", 0, 1 << 20, java.util.HexFormat.of().formatHex(sha.digest()))));
        Cli r = Cli.run("copy", src, one, "--yes", "--json", "--map", map.toString());
        assertEquals(0, r.exit, r.err + r.out);
        assertTrue(r.err.contains(map + " also lists " + two + ", left out of this command: it leaves the map"),
                r.err);
        assertTrue(r.err.contains("resuming from " + map + ": 8.0 MiB of 16.0 MiB"), r.err);
        assertArrayEquals(data, Files.readAllBytes(Path.of(one)));
        String after = Files.readString(map);
        assertTrue(after.contains("\nstatus finished\n") && !after.contains(two) && !after.contains("\ndest 1 "),
                after);
    }

    /**
     * A destination written since its map was (another copy, a mkfs) no longer has, below the resume
     * point, the bytes the map hashed: the map is stale and is refused, nothing written. Put back,
     * the same map resumes.
     */
    @Test
    void aDestinationWrittenSinceItsMapIsRefused() throws Exception {
        byte[] data = source(16 << 20);
        Path map = dir.resolve("job.map");
        String src = dir.resolve("src.img").toString();
        Path one = dir.resolve("one.img");
        Cli first = Cli.run("copy", src, one.toString(), "--yes", "--map", map.toString());
        assertEquals(0, first.exit, first.err);
        // as if the copy had stopped at 8 MiB, with the hashes a checkpoint there writes
        var sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(data, 0, 1 << 20);
        String head = java.util.HexFormat.of().formatHex(sha.digest());
        sha.update(data, 7 << 20, 1 << 20);
        String tail = java.util.HexFormat.of().formatHex(sha.digest());
        String text = Files.readString(map).replaceAll("(?m)^0  .*\\n", "").replace("status finished",
                "status interrupted");
        Files.writeString(map, text + String.format("hash head 0x%016X 0x%016X %s%nhash tail 0x%016X 0x%016X %s%n"
                + "0  0x%016X  0x%016X  +%n0  0x%016X  0x%016X  ?%n", 0, 1 << 20, head, 7 << 20, 1 << 20, tail,
                0, 8 << 20, 8 << 20, 8 << 20));
        try (var ch = java.nio.channels.FileChannel.open(one, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[8 << 20]), 8 << 20); // what it would lack
            ch.write(java.nio.ByteBuffer.wrap(new byte[4096]), (7 << 20) + 8192); // written since, below the point
        }
        byte[] before = Files.readAllBytes(one);
        Cli r = Cli.run("copy", src, one.toString(), "--yes", "--map", map.toString());
        assertEquals(2, r.exit, r.err);
        assertTrue(r.err.contains("refused: --map: DEST 1 " + one + " no longer has the bytes 7340032+1048576"),
                r.err);
        assertArrayEquals(before, Files.readAllBytes(one), "nothing written");

        try (var ch = java.nio.channels.FileChannel.open(one, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(data, (7 << 20) + 8192, 4096), (7 << 20) + 8192);
        }
        Cli back = Cli.run("copy", src, one.toString(), "--yes", "--map", map.toString());
        assertEquals(0, back.exit, back.err);
        assertTrue(back.err.contains("resuming from " + map + ": 8.0 MiB of 16.0 MiB"), back.err);
        assertArrayEquals(data, Files.readAllBytes(one));
    }

    @Test
    void aFileThatIsNotAMapIsRefusedAndNothingIsCreated() throws Exception {
        source(1 << 20);
        Files.writeString(dir.resolve("notes.txt"), "# my notes\nbuy milk\n");
        Cli r = Cli.run("copy", dir.resolve("src.img").toString(), dir.resolve("new.img").toString(), "--yes",
                "--map", dir.resolve("notes.txt").toString());
        assertEquals(2, r.exit, r.err);
        assertTrue(r.err.contains("refused: --map: " + dir.resolve("notes.txt") + " is not a kclone map: line 2"),
                r.err);
        assertFalse(Files.exists(dir.resolve("new.img")));
    }

    @Test
    void optionsThatCannotWorkAreRefused() throws Exception {
        source(1 << 20);
        String src = dir.resolve("src.img").toString();
        Cli every = Cli.run("copy", src, dir.resolve("a.img").toString(), "--yes", "--map-every", "8M");
        assertEquals(2, every.exit, every.err);
        assertTrue(every.err.contains("refused: --map-every: only with --map FILE"), every.err);

        Cli xz = Cli.run("copy", src, dir.resolve("a.img.xz").toString(), "--yes", "--map",
                dir.resolve("m").toString());
        assertEquals(2, xz.exit, xz.err);
        assertTrue(xz.err.contains("refused: --map: DEST 1 ") && xz.err.contains("cannot resume"), xz.err);

        Cli folder = Cli.run("copy", src, dir.resolve("a.img").toString(), "--yes", "--map",
                dir.resolve("none/m").toString());
        assertEquals(2, folder.exit, folder.err);
        assertTrue(folder.err.contains("refused: --map: the folder of") && folder.err.contains("does not exist"),
                folder.err);
        Cli itself = Cli.run("copy", src, dir.resolve("a.img").toString(), "--yes", "--map",
                dir.resolve("a.img").toString());
        assertEquals(2, itself.exit, itself.err);
        assertTrue(itself.err.contains("refused: --map: " + dir.resolve("a.img") + " is DEST 1 of this job"),
                itself.err);

        Cli folderAsMap = Cli.run("copy", src, dir.resolve("a.img").toString(), "--yes", "--map", dir.toString());
        assertEquals(2, folderAsMap.exit, folderAsMap.err);
        assertTrue(folderAsMap.err.contains("is not a regular file"), folderAsMap.err);
        assertFalse(Files.exists(dir.resolve("a.img")) || Files.exists(dir.resolve("a.img.xz")));
    }
}
