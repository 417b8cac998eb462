package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.kclone.testing.NbdFaultDevice;

/**
 * The region syntax, odd-size image files, byte offsets past 8 EiB and the sectors a mismatch is
 * named in, through the CLI on image files (no root needed), and one copy --verify on a device
 * that loses every write (nbdkit's null plugin; root only).
 */
class CliRegionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path random(String name, int n, long seed) throws Exception {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    // ---- 1: odd sizes ----------------------------------------------------------------------------

    @Test
    void anOddSizeImageIsCopiedToTheLastByteAndVerified() throws Exception {
        Path src = random("odd.img", 1000, 1);
        Cli c = Cli.run("copy", src.toString(), p("copy.img"), "--yes", "--verify", "--json");
        assertEquals(0, c.exit, c.toString());
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dir.resolve("copy.img")));
        JsonNode r = JSON.readTree(c.out);
        assertEquals(1000, r.get("bytes").asLong());
        assertEquals(2, r.get("source").get("length").asLong());
        assertEquals(1000, r.get("source").get("bytes").asLong());
        assertEquals("ok", r.get("destinations").get(0).get("status").asText());

        Cli small = Cli.run("copy", random("small.img", 300, 2).toString(), p("small-copy.img"), "--yes");
        assertEquals(0, small.exit, small.toString());
        assertEquals(300, Files.size(dir.resolve("small-copy.img")));
    }

    @Test
    void verifyComparesEveryByteAndAShortDestinationIsAMismatch() throws Exception {
        Path src = random("odd.img", 1000, 3);
        byte[] data = Files.readAllBytes(src);
        Files.write(dir.resolve("short.img"), Arrays.copyOf(data, 700));
        Cli c = Cli.run("verify", src.toString(), p("short.img"));
        assertEquals(1, c.exit, c.toString());
        assertTrue(c.out.contains("MISMATCH  " + p("short.img") + ": sectors 1+1 (source sectors 1+1); "
                + p("short.img") + " ends 300 bytes before the region does: it holds 700 of the region's 1000"
                + " bytes"), c.toString());

        byte[] last = data.clone();
        last[999] ^= 1;
        Files.write(dir.resolve("last.img"), last);
        Cli l = Cli.run("verify", src.toString(), p("last.img"), "--json");
        assertEquals(1, l.exit, l.toString());
        JsonNode d = JSON.readTree(l.out).get("destinations").get(0);
        assertEquals("mismatch", d.get("status").asText());
        assertEquals(1, d.get("mismatches").get(0).get("start").asLong());

        Files.write(dir.resolve("same.img"), data);
        assertEquals(0, Cli.run("verify", src.toString(), p("same.img")).exit);
    }

    // ---- 8: byte offsets past 8 EiB -----------------------------------------------------------------

    @Test
    void aStartPastTheLargestOffsetIsARefusalNamingTheArgument() throws Exception {
        Path src = random("src.img", 1024, 4);
        Files.write(dir.resolve("dst.img"), new byte[4096]);
        for (String dest : new String[] {p("dst.img") + "@18014398509481983", p("new.img") + "@18014398509481983",
            p("dst.img") + "@18014398509481982"}) {
            Cli c = Cli.run("copy", src.toString(), dest, "--grow", "--yes");
            assertEquals(2, c.exit, c.toString());
            assertTrue(c.err.contains("kclone: refused: DEST 1: START 1801439850948198"), c.toString());
            assertFalse(c.err.contains("error"), c.toString());
            assertFalse(c.err.matches("(?s).*(?<![\\w/-])-\\d.*"), "no negative number: " + c);
        }
        assertEquals(4096, Files.size(dir.resolve("dst.img")));
        assertFalse(Files.exists(dir.resolve("new.img")));
        Cli v = Cli.run("verify", src.toString(), p("dst.img") + "@18014398509481983");
        assertEquals(2, v.exit, v.toString());
        assertTrue(v.err.contains("DEST 1: START"), v.toString());
    }

    // ---- 9: mismatches in each device's own sectors ------------------------------------------------

    @Test
    void verifyNamesTheDestinationsOwnSectorsAndTheSources() throws Exception {
        Path src = random("src.img", 8192 * 512, 5);
        byte[] data = Files.readAllBytes(src);
        Path dst = dir.resolve("v2.img");
        try (RandomAccessFile f = new RandomAccessFile(dst.toFile(), "rw")) {
            f.setLength(16384 * 512L);
            f.seek(4096 * 512L);
            f.write(data, 0, 4096 * 512);
            f.seek(7048 * 512L + 3);
            f.write(~data[2952 * 512 + 3]);
        }
        Cli c = Cli.run("verify", src + "+4096", dst + "@4096");
        assertEquals(1, c.exit, c.toString());
        assertTrue(c.out.contains("MISMATCH  " + dst + ": sectors 7048+1 (source sectors 2952+1)"), c.toString());
        Cli j = Cli.run("verify", src + "@0+4096", dst + "@4096", "--json");
        JsonNode m = JSON.readTree(j.out).get("destinations").get(0).get("mismatches").get(0);
        assertEquals(7048, m.get("start").asLong());
        assertEquals(1, m.get("count").asLong());
        assertEquals(2952, m.get("sourceStart").asLong());
    }

    @Test
    void copyVerifyNamesTheDestinationsOwnSectorsOnADeviceThatLosesWrites() throws Exception {
        NbdFaultDevice.assumeAvailable();
        Path src = random("r.img", 100000, 6);
        Files.createDirectories(dir.resolve("nbd"));
        try (NbdFaultDevice d = NbdFaultDevice.start(dir.resolve("nbd"), false, "null", "4M")) {
            Cli c = Cli.run("copy", src + "@100", d.device() + "@7000", "--yes", "--verify", "--json");
            assertEquals(1, c.exit, c.toString());
            JsonNode dest = JSON.readTree(c.out).get("destinations").get(0);
            assertEquals("mismatch", dest.get("status").asText(), c.toString());
            JsonNode m = dest.get("mismatches").get(0);
            assertEquals(7000, m.get("start").asLong(), c.toString());
            assertEquals(96, m.get("count").asLong(), "sectors 100..195, the last one partial: " + c);
            assertEquals(100, m.get("sourceStart").asLong());
        }
    }

    // ---- 11 and 12: the region syntax ---------------------------------------------------------------

    @Test
    void aBadStartOrLengthIsNamedNotReportedAsAMissingFile() throws Exception {
        Path src = random("src.img", 1024, 7);
        String[][] cases = {{src + "+-5", "SOURCE: LENGTH '-5' is not a size"},
            {src + "@-5", "SOURCE: START '-5' is not a size"},
            {src + "@", "SOURCE: START is empty after '@'"},
            {src + "@1Q", "SOURCE: START '1Q' has an unknown unit 'Q'"}};
        for (String[] k : cases) {
            Cli c = Cli.run("copy", k[0], p("out.img"), "--yes");
            assertEquals(2, c.exit, c.toString());
            assertTrue(c.err.contains(k[1]), c.toString());
            assertFalse(c.err.contains("does not exist"), c.toString());
        }
        assertFalse(Files.exists(dir.resolve("out.img")));
    }

    @Test
    void aFileNamedLikeARegionIsNamedWithDoubledMarksAndNeverTakenSilently() throws Exception {
        Path src = random("src.img", 1024, 8);
        Cli warned = Cli.run("copy", src.toString(), p("backup") + "@2024", "--yes");
        assertEquals(0, warned.exit, warned.toString());
        assertTrue(warned.err.contains("kclone: warning: DEST 1 '" + p("backup") + "@2024' is read as the new image"
                + " file '" + p("backup") + "' at START 2024; to name a file '" + p("backup") + "@2024' write '"
                + p("backup") + "@@2024'"), warned.toString());
        Cli literal = Cli.run("copy", src.toString(), p("backup") + "@@20240101", "--yes");
        assertEquals(0, literal.exit, literal.toString());
        assertFalse(literal.err.contains("warning"), literal.toString());
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dir.resolve("backup@20240101")));

        Cli ambiguous = Cli.run("copy", p("backup@20240101"), p("again.img"), "--yes");
        assertEquals(2, ambiguous.exit, ambiguous.toString());
        assertTrue(ambiguous.err.contains("SOURCE: '" + p("backup@20240101") + "' is an existing file, but as"
                + " PATH[@START][+LENGTH] it reads as '" + p("backup") + "' at START 20240101; to name the file '"
                + p("backup@20240101") + "' write '" + p("backup@@20240101") + "'"), ambiguous.toString());
        assertFalse(Files.exists(dir.resolve("again.img")));
        assertEquals(0, Cli.run("verify", p("backup@@20240101"), src.toString()).exit);
    }

    @Test
    void anArgumentBeginningWithAtIsNeverReadAsAFileOfArguments() throws Exception {
        Path src = random("src.img", 1024, 9);
        Path list = dir.resolve("list");
        Files.writeString(list, "--help\n");
        Cli c = Cli.run("verify", "@" + list, src.toString());
        assertEquals(2, c.exit, "'@FILE' is a region, not picocli's @argfile: " + c);
        assertFalse(c.out.contains("Usage"), c.toString());
        Path named = dir.resolve("@disk.img");
        Files.write(named, Files.readAllBytes(src));
        assertEquals(0, Cli.run("verify", dir + "/@@disk.img", src.toString()).exit);
    }
}
