package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;

/**
 * A run whose verification did not finish never reports a destination as ok: it is
 * {@code unverified}, and the exit code is 1. Cancelled at exact points through the run's
 * listener (on the run's own thread), so nothing depends on timing.
 */
class CloneRunVerifyTest {

    private static final int SIZE = 16 << 20; // four of the verifier's 4 MiB windows

    @TempDir
    Path dir;

    private byte[] data;

    private CopyPlanner.Plan plan(String... dests) throws Exception {
        data = new byte[SIZE];
        new Random(11).nextBytes(data);
        Files.write(dir.resolve("src.img"), data);
        List<RegionSpec> to = new java.util.ArrayList<>();
        for (int i = 0; i < dests.length; i++) {
            to.add(RegionSpec.parse("DEST " + (i + 1), dir.resolve(dests[i]).toString()));
        }
        return new CopyPlanner(List.of(), CopyPlanner.Options.NONE)
                .copy(RegionSpec.parse("SOURCE", dir.resolve("src.img").toString()), to);
    }

    private static CloneRun.Settings settings(int pages, boolean verify) {
        return new CloneRun.Settings(pages, KcopydConfig.DEFAULT, 0, EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS),
                verify);
    }

    @Test
    void cancelledMidVerificationIsUnverifiedNotOk() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        CloneRun run = CloneRun.start(plan("a.img", "b.img"), settings(2048, true), new CloneRun.Listener() {
            @Override
            public void verifying(CloneRun r) {
                seen.add("verifying " + r.phase() + " " + r.isVerifying(0) + " " + r.isVerifying(1));
            }

            @Override
            public void verified(CloneRun r, long bytes) {
                seen.add("verified " + bytes + " " + r.phase());
                if (bytes == 4 << 20) {
                    r.cancel(); // after the first window: the verifier stops before the second
                }
            }
        });
        Report report = run.await();
        assertEquals(List.of("verifying VERIFYING true true", "verified 4194304 VERIFYING"), seen);
        assertTrue(report.cancelled());
        for (Report.Destination d : report.destinations()) {
            assertEquals(CloneRun.UNVERIFIED, d.status(), d.toString());
            assertEquals("unverified", d.status());
            assertEquals("verification stopped at 4194304 of 16777216 bytes when it was cancelled; the data was"
                    + " written and flushed", d.error());
            assertEquals(List.of(), d.mismatches());
        }
        assertEquals(1, report.exitCode());
        assertEquals(SIZE, report.bytes(), "everything was written before verification began");
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("a.img")));
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("b.img")));
    }

    @Test
    void cancelledAfterTheWritesBeforeVerificationIsUnverified() throws Exception {
        CloneRun run = CloneRun.start(plan("a.img"), settings(2048, true), new CloneRun.Listener() {
            @Override
            public void copied(CloneRun r) {
                r.cancel(); // e.g. Ctrl-C during the final flush: all written, nothing read back
            }

            @Override
            public void verifying(CloneRun r) {
                throw new AssertionError("verification must not start after a cancel");
            }
        });
        Report report = run.await();
        Report.Destination d = report.destinations().get(0);
        assertEquals("unverified", d.status(), d.toString());
        assertTrue(d.error().startsWith("not verified: cancelled"), d.error());
        assertTrue(report.cancelled());
        assertEquals(1, report.exitCode());
        assertFalse(run.isVerifying(0));
    }

    @Test
    void aFinishedVerificationIsOk() throws Exception {
        List<Long> windows = new CopyOnWriteArrayList<>();
        CloneRun run = CloneRun.start(plan("a.img"), settings(2048, true), new CloneRun.Listener() {
            @Override
            public void verified(CloneRun r, long bytes) {
                windows.add(bytes);
            }
        });
        Report report = run.await();
        assertEquals(List.of(4L << 20, 8L << 20, 12L << 20, 16L << 20), windows);
        Report.Destination d = report.destinations().get(0);
        assertEquals("ok", d.status(), d.toString());
        assertNull(d.error());
        assertFalse(report.cancelled());
        assertEquals(0, report.exitCode());
        assertEquals(SIZE, run.verifiedBytes());
    }

    @Test
    void withoutVerifyACancelAfterTheWritesIsOk() throws Exception {
        CloneRun run = CloneRun.start(plan("a.img"), settings(2048, false), new CloneRun.Listener() {
            @Override
            public void copied(CloneRun r) {
                r.cancel();
            }
        });
        Report report = run.await();
        assertEquals("ok", report.destinations().get(0).status(), "nothing was asked beyond the writes");
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("a.img")));
    }

    @Test
    void aRunWhoseEngineCannotStartIsRefusedAndRemovesTheImageItCreated() throws Exception {
        Path existing = dir.resolve("old.img");
        byte[] old = new byte[SIZE];
        new Random(3).nextBytes(old);
        Files.write(existing, old);
        CopyPlanner.Plan plan = plan("new.img", "old.img");
        // One page cannot hold a 1 MiB chunk: the engine refuses to start.
        RefusedException e = assertThrows(RefusedException.class, () -> CloneRun.start(plan, settings(1, false)));
        assertEquals("--pages", e.field());
        assertTrue(e.reason().contains("nothing was written"), e.reason());
        assertFalse(Files.exists(dir.resolve("new.img")), "the image this run created is gone");
        assertArrayEquals(old, Files.readAllBytes(existing), "an existing destination is untouched");
        // and its devices were closed: the same plan runs afterwards
        Report report = CloneRun.start(plan, settings(2048, false)).await();
        assertEquals(0, report.exitCode(), report.toString());
    }
}
