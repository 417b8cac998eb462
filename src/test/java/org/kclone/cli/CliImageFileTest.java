package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * copy, zero and verify end to end on image files, as any user can run them (no root, no loop
 * device): bytes afterwards, exit codes, the JSON report's fields, refusals that write nothing,
 * and the boundaries (regions that touch, a region ending exactly at the end, --grow, sparse new
 * images).
 */
class CliImageFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MiB = 1 << 20;

    @TempDir
    Path dir;

    private static byte[] random(int bytes, long seed) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path file(String name, byte[] data) throws IOException {
        return Files.write(dir.resolve(name), data);
    }

    private static byte[] slice(byte[] b, long from, long to) {
        return Arrays.copyOfRange(b, (int) from, (int) to);
    }

    private static void assertRefused(Cli r, String field, String reason) {
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("kclone: refused: " + field + ":"), r.toString());
        assertTrue(r.err.contains(reason), "expected '" + reason + "' in:\n" + r);
        assertTrue(r.out.isEmpty(), "no report for a refusal: " + r);
    }

    @Test
    void copiesToAnExistingAndANewImageFileVerifiedWithEveryReportField() throws Exception {
        byte[] data = random(3 * MiB, 1);
        Path src = file("src.img", data);
        byte[] before = random(4 * MiB, 2);
        Path a = file("a.img", before);
        Path b = dir.resolve("b.img");
        Cli r = Cli.run("copy", src.toString(), a + "@1M", b.toString(), "--yes", "--verify", "--json");
        assertEquals(0, r.exit, r.toString());
        JsonNode j = JSON.readTree(r.out);
        assertEquals("copy", j.path("command").asText());
        assertEquals(src.toString(), j.path("source").path("path").asText());
        assertEquals(0, j.path("source").path("start").asLong());
        assertEquals(6144, j.path("source").path("length").asLong());
        assertEquals(3L * MiB, j.path("bytes").asLong());
        assertTrue(j.path("seconds").isNumber());
        assertFalse(j.path("cancelled").asBoolean());
        assertTrue(j.path("readErrors").isArray() && j.path("readErrors").isEmpty());
        JsonNode d = j.path("destinations");
        assertEquals(2, d.size());
        assertEquals(a.toString(), d.get(0).path("path").asText());
        assertEquals(2048, d.get(0).path("start").asLong());
        assertEquals(6144, d.get(0).path("length").asLong());
        assertEquals(b.toString(), d.get(1).path("path").asText());
        assertEquals(0, d.get(1).path("start").asLong());
        for (JsonNode x : d) {
            assertEquals("ok", x.path("status").asText(), x.toString());
            assertTrue(x.path("error").isNull(), x.toString());
            assertTrue(x.path("mismatches").isArray() && x.path("mismatches").isEmpty(), x.toString());
        }
        byte[] wantA = before.clone();
        System.arraycopy(data, 0, wantA, MiB, data.length);
        assertArrayEquals(wantA, Files.readAllBytes(a), "1 MiB in, and nothing around it touched");
        assertArrayEquals(data, Files.readAllBytes(b), "a new file of exactly the source's length");
    }

    @Test
    void withoutJsonItPrintsOneLinePerDestination() throws Exception {
        Path src = file("src.img", random(MiB, 3));
        Cli r = Cli.run("copy", src.toString(), dir.resolve("n.img").toString(), "--yes");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.startsWith("copy: 1.0 MiB in"), r.out);
        assertTrue(r.out.contains("  ok        " + dir.resolve("n.img")), r.out);
    }

    @Test
    void zeroWipesTheRegionOnlyAndReportsNoSource() throws Exception {
        byte[] before = random(4 * MiB, 4);
        Path f = file("z.img", before);
        Cli r = Cli.run("zero", f + "@10+2M", "--yes", "--json");
        assertEquals(0, r.exit, r.toString());
        byte[] want = before.clone();
        Arrays.fill(want, 10 * 512, 10 * 512 + 2 * MiB, (byte) 0);
        assertArrayEquals(want, Files.readAllBytes(f));
        JsonNode j = JSON.readTree(r.out);
        assertEquals("zero", j.path("command").asText());
        assertTrue(j.path("source").isNull(), j.toString());
        assertEquals(10, j.path("destinations").get(0).path("start").asLong());
        assertEquals(4096, j.path("destinations").get(0).path("length").asLong());
        assertEquals("ok", j.path("destinations").get(0).path("status").asText());
    }

    @Test
    void verifySaysZeroForEqualAndOneWithTheSectorForADifference() throws Exception {
        byte[] data = random(2 * MiB, 5);
        Path a = file("a.img", data);
        Path b = file("b.img", data);
        Cli same = Cli.run("verify", a.toString(), b.toString(), "--json");
        assertEquals(0, same.exit, same.toString());
        assertEquals("ok", JSON.readTree(same.out).path("destinations").get(0).path("status").asText());
        try (RandomAccessFile f = new RandomAccessFile(b.toFile(), "rw")) {
            f.seek(100 * 512 + 7);
            f.write(data[100 * 512 + 7] ^ 0x55);
        }
        Cli diff = Cli.run("verify", a.toString(), b.toString(), "--json");
        assertEquals(1, diff.exit, diff.toString());
        JsonNode d = JSON.readTree(diff.out).path("destinations").get(0);
        assertEquals("mismatch", d.path("status").asText());
        assertEquals(1, d.path("mismatches").size(), d.toString());
        assertEquals(100, d.path("mismatches").get(0).path("start").asLong());
        assertEquals(1, d.path("mismatches").get(0).path("count").asLong());
    }

    @Test
    void refusalsSayExitTwoAndWriteNothing() throws Exception {
        byte[] data = random(MiB, 6);
        Path src = file("src.img", data);
        byte[] before = random(MiB, 7);
        Path dst = file("dst.img", before);
        assertRefused(Cli.run("copy", src + "@2048+1", dst.toString(), "--yes"), "SOURCE", "beyond the end");
        assertRefused(Cli.run("copy", src + "+100", src + "@50", "--yes"), "DEST 1", "overlap the source");
        assertRefused(Cli.run("copy", src.toString(), dst.toString(), dst.toString(), "--yes"), "DEST 2",
                "the same destination as DEST 1");
        assertRefused(Cli.run("copy", src.toString(), dst + "@1", "--yes"), "DEST 1", "--grow");
        assertRefused(Cli.run("copy", src.toString(), dst.toString()), "--yes", "not a terminal");
        assertArrayEquals(data, Files.readAllBytes(src));
        assertArrayEquals(before, Files.readAllBytes(dst));
    }

    // ---- boundaries --------------------------------------------------------------------------

    @Test
    void sourceAndDestinationThatTouchInOneFileAreAcceptedOneSectorOfOverlapIsNot() throws Exception {
        byte[] before = random(MiB, 8);
        Path f = file("one.img", before);
        assertRefused(Cli.run("copy", f + "@0+100", f + "@99", "--yes"), "DEST 1", "overlap the source");
        assertRefused(Cli.run("copy", f + "@100+100", f + "@1", "--yes"), "DEST 1", "overlap the source");
        assertArrayEquals(before, Files.readAllBytes(f));
        Cli r = Cli.run("copy", f + "@0+100", f + "@100", "--yes", "--verify");
        assertEquals(0, r.exit, "destination right after the source\n" + r);
        byte[] want = before.clone();
        System.arraycopy(before, 0, want, 100 * 512, 100 * 512);
        assertArrayEquals(want, Files.readAllBytes(f));
        Cli back = Cli.run("copy", f + "@300+100", f + "@200", "--yes", "--verify");
        assertEquals(0, back.exit, "destination right before the source\n" + back);
        System.arraycopy(want, 300 * 512, want, 200 * 512, 100 * 512);
        assertArrayEquals(want, Files.readAllBytes(f));
    }

    @Test
    void twoDestinationsSideBySideAreAcceptedOneSectorOfOverlapIsNot() throws Exception {
        byte[] data = random(100 * 512, 9);
        Path src = file("src.img", data);
        byte[] before = random(MiB, 10);
        Path d = file("d.img", before);
        assertRefused(Cli.run("copy", src.toString(), d + "@0", d + "@99", "--yes"), "DEST 2", "overlaps DEST 1");
        assertRefused(Cli.run("copy", src.toString(), d + "@199", d + "@100", "--yes"), "DEST 2", "overlaps DEST 1");
        assertArrayEquals(before, Files.readAllBytes(d));
        Cli r = Cli.run("copy", src.toString(), d + "@0", d + "@100", "--yes", "--verify", "--json");
        assertEquals(0, r.exit, r.toString());
        byte[] want = before.clone();
        System.arraycopy(data, 0, want, 0, data.length);
        System.arraycopy(data, 0, want, data.length, data.length);
        assertArrayEquals(want, Files.readAllBytes(d));
    }

    @Test
    void regionsEndingExactlyAtTheFileEndAreAcceptedOneSectorMoreIsRefused() throws Exception {
        byte[] data = random(MiB, 11);
        Path src = file("src.img", data);
        byte[] before = random(MiB, 12);
        Path dst = file("dst.img", before);
        // Source: the last 8 sectors, and one more.
        assertRefused(Cli.run("copy", src + "@2040+9", dst.toString(), "--yes"), "SOURCE", "beyond the end");
        // Destination: the last 8 sectors of an image file, and one more (needs --grow).
        assertRefused(Cli.run("copy", src + "@2040+8", dst + "@2041", "--yes"), "DEST 1", "--grow");
        assertArrayEquals(before, Files.readAllBytes(dst), "nothing written");
        assertEquals(MiB, Files.size(dst), "not grown without --grow");
        Cli r = Cli.run("copy", src + "@2040+8", dst + "@2040", "--yes", "--verify");
        assertEquals(0, r.exit, r.toString());
        byte[] want = before.clone();
        System.arraycopy(data, 2040 * 512, want, 2040 * 512, 8 * 512);
        assertArrayEquals(want, Files.readAllBytes(dst));
        // zero up to the end of the file, and one sector more
        assertRefused(Cli.run("zero", dst + "@2040+9", "--yes"), "DEST 1", "--grow");
        Cli z = Cli.run("zero", dst + "@2040+8", "--yes");
        assertEquals(0, z.exit, z.toString());
        Arrays.fill(want, 2040 * 512, MiB, (byte) 0);
        assertArrayEquals(want, Files.readAllBytes(dst));
        assertEquals(MiB, Files.size(dst));
    }

    @Test
    void growReallyExtendsAShortImageFile() throws Exception {
        byte[] data = random(3 * MiB, 13);
        Path src = file("src.img", data);
        byte[] before = random(MiB, 14);
        Path dst = file("short.img", before);
        Cli r = Cli.run("copy", src.toString(), dst + "@1M", "--yes", "--grow", "--verify", "--json");
        assertEquals(0, r.exit, r.toString());
        assertEquals(4L * MiB, Files.size(dst), "grown to exactly the end of the region");
        byte[] got = Files.readAllBytes(dst);
        assertArrayEquals(before, slice(got, 0, MiB), "the first MiB untouched");
        assertArrayEquals(data, slice(got, MiB, 4L * MiB));
        assertEquals("ok", JSON.readTree(r.out).path("destinations").get(0).path("status").asText());
    }

    /** Allocated bytes of a file, as the file system counts them (stat's %b blocks of %B bytes). */
    private static long allocated(Path p) throws Exception {
        String[] s = org.kclone.testing.LoopDevices.run("stat", "-c", "%b %B", p.toString()).trim().split(" ");
        return Long.parseLong(s[0]) * Long.parseLong(s[1]);
    }

    @Test
    void aNewImageFromASourceWithZeroRunsIsSparseAndReadsBackZerosThere() throws Exception {
        // 16 MiB: random, 6 MiB of zeros, random 1 MiB, 7 MiB of zeros, a last random MiB.
        byte[] data = new byte[16 * MiB];
        System.arraycopy(random(MiB, 15), 0, data, 0, MiB);
        System.arraycopy(random(MiB, 16), 0, data, 7 * MiB, MiB);
        System.arraycopy(random(MiB, 17), 0, data, 15 * MiB, MiB);
        Path src = file("src.img", data);
        Path img = dir.resolve("new.img");
        Cli r = Cli.run("copy", src.toString(), img.toString(), "--yes", "--verify", "--json");
        assertEquals(0, r.exit, r.toString());
        assertEquals(16L * MiB, Files.size(img));
        long used = allocated(img);
        assertTrue(allocated(src) >= 16L * MiB, "the source itself is fully allocated: " + allocated(src));
        assertTrue(used <= 4L * MiB, "only the 3 MiB of data are allocated, not 16 MiB: " + used + " bytes");
        byte[] got = Files.readAllBytes(img);
        assertArrayEquals(data, got);
        byte[] zeros = new byte[6 * MiB];
        assertArrayEquals(zeros, slice(got, MiB, 7L * MiB), "zeros where the source had zeros");
        assertArrayEquals(new byte[7 * MiB], slice(got, 8L * MiB, 15L * MiB));
    }
}
