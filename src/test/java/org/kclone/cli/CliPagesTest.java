package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.RefusedException;
import org.kclone.engine.KcopydConfig;

/**
 * A page budget the job cannot use is capped, one the machine cannot give is refused (exit 2,
 * nothing created), and an Error never reaches the terminal as a stack trace.
 */
class CliPagesTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private byte[] source(int bytes) throws Exception {
        byte[] data = new byte[bytes];
        new Random(9).nextBytes(data);
        Files.write(dir.resolve("src.img"), data);
        return data;
    }

    @Test
    void aBudgetBeyondWhatTheJobUsesIsCappedAndSaid() throws Exception {
        byte[] data = source(4 << 20);
        Cli r = Cli.run("copy", dir.resolve("src.img").toString(), dir.resolve("dst.img").toString(), "--yes",
                "--pages", "4096");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("kclone: --pages 4096 capped at 2048 (8.0 MiB): a job holds at most 8 chunks of"
                + " 1.0 MiB in flight"), r.toString());
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("dst.img")));
    }

    @Test
    void theCapFollowsTheChunkSize() throws Exception {
        source(4 << 20);
        Cli r = Cli.run("copy", dir.resolve("src.img").toString(), dir.resolve("dst.img").toString(), "--yes",
                "--chunk", "256K", "--pages", "2048");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("--pages 2048 capped at 512 (2.0 MiB): a job holds at most 8 chunks of 256.0 KiB"),
                r.toString());
        Cli exact = Cli.run("copy", dir.resolve("src.img").toString(), dir.resolve("dst2.img").toString(), "--yes",
                "--chunk", "256K", "--pages", "512");
        assertEquals(0, exact.exit, exact.toString());
        assertFalse(exact.err.contains("capped"), "exactly what the job uses is not capped:\n" + exact);
    }

    @Test
    void fiveMillionPagesCopyWithoutAnOutOfMemoryError() throws Exception {
        byte[] data = source(4 << 20);
        // The case, in a JVM with 256 MiB for heap and direct memory (it grabbed gigabytes before).
        KcloneProcess p = KcloneProcess.start(dir, dir.resolve("state"), List.of("-Xmx256m"),
                "copy", "src.img", "dst.img", "--yes", "--pages", "5000000");
        assertEquals(0, p.waitFor(), p.toString());
        assertTrue(p.err.text().contains("kclone: --pages 5000000 capped at 2048"), p.toString());
        assertFalse(p.err.text().contains("\tat "), "no stack trace:\n" + p);
        assertFalse(p.err.text().contains("OutOfMemoryError"), p.toString());
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("dst.img")));
    }

    @Test
    void aBudgetBeyondTheDirectMemoryLimitIsRefusedAndCreatesNothing() throws Exception {
        source(4 << 20);
        // 8 chunks of 4 MiB = 32 MiB of buffers in a JVM allowed 16 MiB of direct memory.
        KcloneProcess p = KcloneProcess.start(dir, dir.resolve("state"), List.of("-XX:MaxDirectMemorySize=16m"),
                "copy", "src.img", "dst.img", "--yes", "--chunk", "4M", "--pages", "8192");
        assertEquals(2, p.waitFor(), p.toString());
        assertTrue(p.err.text().contains("kclone: refused: --pages: 8192 pages (32.0 MiB) need 36.0 MiB of direct"
                + " memory, but this Java allows 16.0 MiB"), p.toString());
        assertFalse(p.err.text().contains("\tat "), "no stack trace:\n" + p);
        assertFalse(Files.exists(dir.resolve("dst.img")), "no zero-filled image left behind that looks finished");
    }

    @Test
    void anErrorIsOneLineNeverAStackTrace() throws Exception {
        byte[] data = source(4 << 20);
        Files.write(dir.resolve("copy.img"), data);
        // verify reads back through 4 MiB direct windows: with 1 MiB of direct memory that is an OutOfMemoryError.
        KcloneProcess p = KcloneProcess.start(dir, dir.resolve("state"), List.of("-XX:MaxDirectMemorySize=1m"),
                "verify", "src.img", "copy.img");
        assertEquals(1, p.waitFor(), p.toString());
        Path log = dir.resolve("state").resolve("kclone").resolve("kclone.log").toAbsolutePath();
        assertEquals("kclone: internal error: OutOfMemoryError: Cannot reserve", p.err.text().lines()
                .filter(l -> l.startsWith("kclone: internal error")).findFirst().orElse("").replaceAll(
                        "(Cannot reserve).*", "$1"), p.toString());
        assertTrue(p.err.text().contains("(details in " + log + ")"), p.toString());
        assertEquals(1, p.err.text().lines().filter(l -> !l.startsWith("kclone: verifying ")).count(),
                "one line besides the progress, no stack trace:\n" + p);
        assertTrue(Files.readString(log).contains("\tat org.kclone.device.Verifier"), "the trace is in the log");
    }

    @Test
    void theBudgetCheckComparesWithTheDirectLimitAndPhysicalMemory() {
        KcopydConfig c = KcopydConfig.DEFAULT;
        long need = PageBudget.directBytes(2048, c);
        assertEquals(8 * (MIB + 4096) + MIB + 4096, need, "eight chunk buffers with alignment slack, one zero chunk");
        long limit = need + PageBudget.RESERVE;
        assertDoesNotThrow(() -> PageBudget.check(2048, c, new PageBudget.Machine(limit, 0, 0)));
        RefusedException e = assertThrows(RefusedException.class,
                () -> PageBudget.check(2048, c, new PageBudget.Machine(limit, 1, 0)));
        assertEquals("--pages", e.field());
        assertTrue(e.reason().contains("and 1 B in use"), e.reason());
        assertDoesNotThrow(() -> PageBudget.check(2048, c, new PageBudget.Machine(1L << 40, 0, 2 * need)));
        RefusedException big = assertThrows(RefusedException.class,
                () -> PageBudget.check(2048, c, new PageBudget.Machine(1L << 40, 0, 2 * need - 1)));
        assertTrue(big.reason().contains("more than half of this machine's"), big.reason());
        assertEquals(2048, PageBudget.usable(c));
        assertEquals(8 * 16, PageBudget.usable(c.withChunkBytes(64 << 10)));
    }
}
