package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;

/**
 * The report of a run whose destination changes between the writes and the read-back: the run's
 * listener is told on the run's own thread when the copy has ended and before verification
 * starts, so the test alters the destination image file exactly there, with no timing involved.
 */
class CloneRunReadBackTest {

    private static final int SIZE = 1 << 20;

    @TempDir
    Path dir;

    private CopyPlanner.Plan plan(String... dests) throws Exception {
        byte[] data = new byte[SIZE];
        new Random(5).nextBytes(data);
        Files.write(dir.resolve("src.img"), data);
        List<RegionSpec> to = new java.util.ArrayList<>();
        for (int i = 0; i < dests.length; i++) {
            to.add(RegionSpec.parse("DEST " + (i + 1), dir.resolve(dests[i]).toString()));
        }
        return new CopyPlanner(List.of(), CopyPlanner.Options.NONE)
                .copy(RegionSpec.parse("SOURCE", dir.resolve("src.img").toString()), to);
    }

    private static CloneRun.Settings settings(boolean verify) {
        return new CloneRun.Settings(256, KcopydConfig.DEFAULT, 0, EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS),
                verify);
    }

    /** Flips sector {@code sector} of {@code file} (every byte inverted). */
    private static void corrupt(Path file, long sector) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] b = new byte[512];
            f.seek(sector * 512);
            f.readFully(b);
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) ~b[i];
            }
            f.seek(sector * 512);
            f.write(b);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aSectorChangedAfterTheWritesIsAMismatchOfThatDestinationOnly() throws Exception {
        Files.write(dir.resolve("a.img"), new byte[SIZE]);
        Files.write(dir.resolve("b.img"), new byte[SIZE]);
        CloneRun run = CloneRun.start(plan("a.img", "b.img"), settings(true), new CloneRun.Listener() {
            @Override
            public void copied(CloneRun r) {
                corrupt(dir.resolve("b.img"), 100);
            }
        });
        Report report = run.await();
        Report.Destination a = report.destinations().get(0);
        Report.Destination b = report.destinations().get(1);
        assertEquals("ok", a.status(), a.toString());
        assertNull(a.error());
        assertEquals(List.of(), a.mismatches());
        assertEquals("mismatch", b.status(), b.toString());
        assertEquals(List.of(new Report.Mismatch(100, 1, 100)), b.mismatches());
        assertEquals(dir.resolve("b.img").toString(), b.path());
        assertFalse(report.cancelled());
        assertEquals(SIZE, report.bytes());
        assertEquals(1, report.exitCode(), "a mismatch is not a success");
    }

    @Test
    void withoutVerifyTheSameChangeGoesUnnoticedAndIsOk() throws Exception {
        Files.write(dir.resolve("a.img"), new byte[SIZE]);
        CloneRun run = CloneRun.start(plan("a.img"), settings(false), new CloneRun.Listener() {
            @Override
            public void copied(CloneRun r) {
                corrupt(dir.resolve("a.img"), 100);
            }

            @Override
            public void verifying(CloneRun r) {
                throw new AssertionError("nothing is read back without --verify");
            }
        });
        Report report = run.await();
        assertEquals("ok", report.destinations().get(0).status());
        assertEquals(0, report.exitCode());
    }

    @Test
    void aDestinationCutShortBeforeTheReadBackReadsZerosThereAndIsAMismatch() throws Exception {
        Files.write(dir.resolve("a.img"), new byte[SIZE]);
        CloneRun run = CloneRun.start(plan("a.img"), settings(true), new CloneRun.Listener() {
            @Override
            public void copied(CloneRun r) {
                try (RandomAccessFile f = new RandomAccessFile(dir.resolve("a.img").toFile(), "rw")) {
                    f.setLength(SIZE / 2);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        Report report = run.await();
        Report.Destination d = report.destinations().get(0);
        assertEquals("mismatch", d.status(), d.toString());
        assertNull(d.error());
        assertEquals(List.of(new Report.Mismatch(1024, 1024, 1024)), d.mismatches(), "the cut second half");
        assertEquals(1, report.exitCode());
    }
}
