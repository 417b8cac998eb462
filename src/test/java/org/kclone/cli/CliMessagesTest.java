package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What kclone says about bad options, odd sizes and files it cannot create; and zero's exact length. */
class CliMessagesTest {

    @TempDir
    Path dir;

    private String src(int bytes) throws Exception {
        byte[] data = new byte[bytes];
        new Random(bytes).nextBytes(data);
        return Files.write(dir.resolve("s" + bytes + ".img"), data).toString();
    }

    @Test
    void aBadOptionValueIsOneLineNamingTheOption() throws Exception {
        String dst = dir.resolve("d.img").toString();
        Cli r = Cli.run("copy", src(4096), dst, "--yes", "--pages", "x");
        assertEquals(2, r.exit, r.toString());
        assertEquals("kclone: refused: --pages: 'x' is not a whole number\nkclone: see 'kclone copy --help'\n",
                r.err, r.toString());
        Cli big = Cli.run("copy", src(4096), dst, "--yes", "--pages", "99999999999");
        assertEquals(2, big.exit, big.toString());
        assertTrue(big.err.startsWith("kclone: refused: --pages: '99999999999' is too large\n"), big.toString());
        Cli unknown = Cli.run("zero", dst, "--frobnicate");
        assertEquals(2, unknown.exit, unknown.toString());
        assertEquals("kclone: refused: unknown option '--frobnicate'\nkclone: see 'kclone zero --help'\n",
                unknown.err, unknown.toString());
        assertFalse(Files.exists(Path.of(dst)), "nothing written");
    }

    @Test
    void aRateNamesOnlyTheUnitsThatApplyToRates() throws Exception {
        Cli r = Cli.run("copy", src(4096), dir.resolve("d.img").toString(), "--yes", "--limit", "1Mbit");
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.startsWith("kclone: refused: --limit: '1Mbit' has an unknown unit 'Mbit' (use B, K, M, G or"
                + " T;"), r.toString());
    }

    @Test
    void progressCountsTheExactBytesOfAnOddSource() throws Exception {
        StringWriter err = new StringWriter();
        Terminal t = new Terminal(new ByteArrayInputStream(new byte[0])) {
            @Override
            public boolean stderrIsTerminal() {
                return true; // the last progress line is drawn when the run ends
            }
        };
        int code = KcloneCommand.run(new String[] {"copy", src(1), dir.resolve("d.img").toString(), "--yes",
            "--verify"}, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), t);
        assertEquals(0, code, err.toString());
        assertTrue(err.toString().contains(" 1 B of 1 B (100%)"), err.toString()); // verifying or verified: the phase may lag
        assertFalse(err.toString().contains("512 B"), err.toString());

        Cli v = Cli.run("verify", dir.resolve("s1.img").toString(), dir.resolve("d.img").toString());
        assertEquals(0, v.exit, v.toString());
        assertTrue(v.err.startsWith("kclone: verifying 0 B of 1 B (0%) on 1 destination(s)"), v.toString());
    }

    @Test
    void aDanglingLinkAsDestinationSaysSo() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("dl.img"), dir.resolve("gone.img"));
        Cli r = Cli.run("copy", src(1000), link.toString(), "--yes");
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.startsWith("kclone: refused: DEST 1: cannot create " + link + ": it is a dangling symbolic"
                + " link (to " + dir.resolve("gone.img") + ", which does not exist)"), r.toString());
        assertFalse(Files.exists(dir.resolve("gone.img")));
    }

    @Test
    void theSameNewFileTwiceSaysWhichDestinationCreatesIt() throws Exception {
        Path n = dir.resolve("n.img");
        Cli r = Cli.run("copy", src(1000), n.toString(), n + "@4", "--yes");
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("kclone: refused: DEST 2: cannot create " + n + ": it is created by an earlier"
                + " destination of this run"), r.toString());
    }

    @Test
    void everyDestinationOfAZeroGetsExactlyTheFirstOnesBytes() throws Exception {
        Path z = Files.write(dir.resolve("z4.img"), filled(1000));
        byte[] before = new byte[4097];
        new Random(4097).nextBytes(before);
        Path s = Files.write(dir.resolve("s4097.img"), before);
        Cli r = Cli.run("zero", z.toString(), s.toString(), "--yes");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.startsWith("zero: 1000 B"), r.toString());
        byte[] after = Files.readAllBytes(s);
        assertEquals(4097, after.length);
        assertArrayEquals(new byte[1000], Arrays.copyOf(after, 1000), "the first 1000 bytes zeroed");
        assertArrayEquals(Arrays.copyOfRange(before, 1000, 4097), Arrays.copyOfRange(after, 1000, 4097),
                "bytes 1000..4096 untouched");
        assertArrayEquals(new byte[1000], Files.readAllBytes(z));
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 1);
        return b;
    }
}
