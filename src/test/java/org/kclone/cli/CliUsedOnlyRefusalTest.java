package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --used-only} and {@code --wipe-free} where they cannot apply: refused, exit 2, the
 * option named, nothing written; an image without a file system or table is copied whole and the
 * report says why. Image files only: runs as any user.
 */
class CliUsedOnlyRefusalTest {

    @TempDir
    Path dir;

    private Path image(String name, int bytes) throws Exception {
        byte[] b = new byte[bytes];
        new Random(3).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    @Test
    void wipeFreeWithoutUsedOnlyIsRefused() throws Exception {
        Path src = image("src.img", 1 << 20);
        Path dst = dir.resolve("dst.img");
        Cli r = Cli.run("copy", src.toString(), dst.toString(), "--wipe-free", "--yes");
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("--wipe-free") && r.err.contains("--used-only"), r.err);
        assertFalse(Files.exists(dst));
    }

    /** --used-only keeps a map (resumed in CliUsedOnlyResumeLoopTest); the map is refused for a copy of every sector. */
    @Test
    void aUsedOnlyJobKeepsAMapThatAWholeCopyCannotUse() throws Exception {
        Path src = image("src.img", 1 << 20);
        Path dst = dir.resolve("dst.img");
        Path map = dir.resolve("m.map");
        Cli r = Cli.run("copy", src.toString(), dst.toString(), "--used-only", "--map", map.toString(), "--yes");
        assertEquals(0, r.exit, r.toString());
        String text = Files.readString(map);
        assertTrue(text.contains("\nused extents=1 bytes=1048576 sha256=") && text.contains("\nstatus finished\n"),
                text);
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dst));

        Cli whole = Cli.run("copy", src.toString(), dst.toString(), "--map", map.toString(), "--yes");
        assertEquals(2, whole.exit, whole.toString());
        assertTrue(whole.err.contains("refused: --map: " + map + " is the map of a --used-only job: run the same"
                + " command with --used-only"), whole.err);
        Cli again = Cli.run("copy", src.toString(), dst.toString(), "--used-only", "--map", map.toString(), "--yes");
        assertEquals(0, again.exit, again.toString());
        assertTrue(again.err.contains("nothing to do"), again.err);
    }

    @Test
    void aCompressedDestinationIsRefused() throws Exception {
        Path src = image("src.img", 1 << 20);
        Path dst = dir.resolve("dst.img.zst");
        Cli r = Cli.run("copy", src.toString(), dst.toString(), "--used-only", "--yes");
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("--used-only") && r.err.contains("compressed"), r.err);
        assertFalse(Files.exists(dst));
    }

    @Test
    void aRegionWithoutAFileSystemIsCopiedWholeAndTheReportSaysWhy() throws Exception {
        Path src = image("src.img", 1 << 20);
        Path dst = dir.resolve("dst.img");
        Cli r = Cli.run("copy", src.toString(), dst.toString(), "--used-only", "--verify", "--yes", "--json");
        assertEquals(0, r.exit, r.toString());
        JsonNode used = new ObjectMapper().readTree(r.out).path("usedOnly");
        assertEquals(1 << 20, used.path("copiedBytes").asLong());
        assertEquals(0, used.path("skippedBytes").asLong());
        assertTrue(used.path("areas").get(0).path("note").asText().contains("copied whole"), used.toString());
        assertTrue(Arrays.equals(Files.readAllBytes(src), Files.readAllBytes(dst)));
        Cli human = Cli.run("copy", src.toString(), dst.toString(), "--used-only", "--yes");
        assertEquals(0, human.exit, human.toString());
        assertTrue(human.out.contains("used blocks only: 1.0 MiB copied, 0 B skipped"), human.out);
        assertTrue(human.out.contains("region") && human.out.contains("copied whole"), human.out);
    }

    @Test
    void anImageOfOddSizeIsCopiedWholeToItsLastByteAndVerifies() throws Exception {
        Path src = image("odd.img", (1 << 20) + 100);
        Path dst = dir.resolve("dst.img");
        Cli r = Cli.run("copy", src.toString(), dst.toString(), "--used-only", "--verify", "--yes", "--json");
        assertEquals(0, r.exit, r.toString());
        assertEquals("ok", new ObjectMapper().readTree(r.out).path("destinations").get(0).path("status").asText());
        assertTrue(Arrays.equals(Files.readAllBytes(src), Files.readAllBytes(dst)));
    }
}
