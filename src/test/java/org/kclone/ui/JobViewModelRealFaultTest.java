package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RegionSpec;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;

/**
 * The window's job rows with a real failing destination, without root and without a toolkit:
 * for this one test the test JVM's own soft file size limit (RLIMIT_FSIZE) is lowered to 64 MiB
 * with {@code prlimit --pid}, and restored afterwards. The JVM ignores SIGXFSZ, so a write past
 * 64 MiB fails with the kernel's EFBIG ("File too large") and nothing else happens; the only file
 * written past 64 MiB meanwhile is the test's own destination. One row fails, the other finishes
 * and verifies.
 */
class JobViewModelRealFaultTest {

    private static final int MiB = 1 << 20;

    @TempDir
    Path dir;

    private static String softLimit(long pid) throws Exception {
        return LoopDevices.run("prlimit", "--pid", Long.toString(pid), "--fsize", "--raw", "--noheadings", "-o",
                "SOFT").trim();
    }

    @Test
    void oneRowFailsThroughARealFaultWhileTheOtherFinishesVerified() throws Exception {
        Tools.assumeInstalled("prlimit");
        // 16 chunks of 1 MiB, more than the 8 in flight: the good row gets everything only because
        // the failed destination is dropped.
        byte[] data = new byte[16 * MiB];
        new Random(51).nextBytes(data);
        Path src = Files.write(dir.resolve("src.img"), data);
        Path good = dir.resolve("good.img");
        Path bad = dir.resolve("bad.img");
        for (Path p : List.of(good, bad)) {
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(p == good ? 16 * MiB : 80 * MiB);
            }
        }
        CopyPlanner.Plan plan = new CopyPlanner(List.of(), CopyPlanner.Options.NONE).copy(
                RegionSpec.parse("SOURCE", src.toString()),
                List.of(RegionSpec.parse("DEST 1", good.toString()), RegionSpec.parse("DEST 2", bad + "@64M")));
        JobViewModel job = new JobViewModel();
        long pid = ProcessHandle.current().pid();
        String before = softLimit(pid);
        LoopDevices.run("prlimit", "--pid", Long.toString(pid), "--fsize=" + 64 * MiB + ":");
        try {
            assertEquals(Long.toString(64 * MiB), softLimit(pid), "the limit is in force");
            job.start(plan);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (job.running().get() && System.nanoTime() < deadline) {
                job.poll(); // as the window's 30 Hz timer does
                Thread.sleep(1000 / MainWindow.UPDATES_PER_SECOND);
            }
        } finally {
            LoopDevices.run("prlimit", "--pid", Long.toString(pid), "--fsize=" + before + ":");
        }
        assertEquals(before, softLimit(pid), "restored");
        assertFalse(job.running().get(), "the job ended");
        org.kclone.ui.table.DestinationRow ok = job.rows().get(0);
        org.kclone.ui.table.DestinationRow failed = job.rows().get(1);
        assertEquals("done, verified", ok.state().get());
        assertEquals(1.0, ok.progress().get());
        assertEquals("", ok.error().get());
        assertEquals("failed", failed.state().get());
        assertTrue(failed.error().get().contains("File too large"), failed.error().get());
        assertEquals("done with errors", job.status().get());
        assertEquals(1, job.report().get().exitCode());
        assertEquals("failed", job.report().get().destinations().get(1).status());
        assertArrayEquals(data, Files.readAllBytes(good));
        try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "r")) {
            byte[] region = new byte[16 * MiB];
            f.seek(64L * MiB);
            f.readFully(region);
            assertArrayEquals(new byte[16 * MiB], region, "nothing got past the limit");
        }
    }
}
