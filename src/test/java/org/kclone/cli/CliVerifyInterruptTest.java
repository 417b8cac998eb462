package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RegionSpec;
import org.kclone.device.Report;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;

/**
 * What the CLI says when a signal comes: during the copy the writes in flight are finished and
 * flushed; during verification, verification stops (nothing is in flight any more). The signal's
 * handler is called from the run's own verification step, so the moment is exact.
 */
class CliVerifyInterruptTest {

    @TempDir
    Path dir;

    private String interrupt(boolean duringVerification, String signal) throws Exception {
        byte[] data = new byte[16 << 20];
        new Random(17).nextBytes(data);
        Files.write(dir.resolve("src.img"), data);
        CopyPlanner.Plan plan = new CopyPlanner(List.of(), CopyPlanner.Options.NONE).copy(
                RegionSpec.parse("SOURCE", dir.resolve("src.img").toString()),
                List.of(RegionSpec.parse("DEST 1", dir.resolve("dst-" + signal + duringVerification + ".img")
                        .toString())));
        StringWriter err = new StringWriter();
        JobRunner runner = new JobRunner("copy", new WriteOptions(),
                new Terminal(new ByteArrayInputStream(new byte[0])), new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        CloneRun run = CloneRun.start(plan, new CloneRun.Settings(2048, KcopydConfig.DEFAULT, 0,
                EnumSet.noneOf(KcopydFlag.class), true), new CloneRun.Listener() {
                    @Override
                    public void copied(CloneRun r) {
                        if (!duringVerification) {
                            runner.signals.cancel(r, signal);
                        }
                    }

                    @Override
                    public void verified(CloneRun r, long bytes) {
                        if (duringVerification && bytes == 4 << 20) {
                            runner.signals.cancel(r, signal);
                        }
                    }
                });
        Report report = run.await();
        assertEquals("unverified", report.destinations().get(0).status());
        StringWriter human = new StringWriter();
        JobRunner.printHuman(report, new PrintWriter(human, true));
        assertTrue(human.toString().contains("  UNVERIFIED " + dir.resolve("dst-" + signal + duringVerification
                + ".img") + ": "), "the terminal report names it unverified, never ok or mismatch: " + human);
        assertFalse(human.toString().contains("MISMATCH"), human.toString());
        return err.toString();
    }

    @Test
    void duringVerificationItSaysVerificationStops() throws Exception {
        String err = interrupt(true, "INT");
        assertTrue(err.contains("kclone: interrupted: stopping verification"), err);
        assertFalse(err.contains("writes in flight"), err);
    }

    @Test
    void beforeVerificationItSaysTheWritesAreFinished() throws Exception {
        String err = interrupt(false, "TERM");
        assertTrue(err.contains("kclone: interrupted by SIGTERM: finishing the writes in flight and flushing"), err);
    }
}
