package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RegionSpec;
import org.kclone.device.Report;
import org.kclone.engine.FileBlockDevice;
import org.kclone.engine.IoRegion;

/**
 * {@code verify} stopped after its first window (what a signal's handler does): the report says
 * cancelled, a destination not fully compared is unverified, never ok; one with a mismatch already
 * found stays a mismatch. In this JVM, stopped at an exact point.
 */
class VerifyCancelTest {

    @TempDir
    Path dir;

    @Test
    void stoppedAfterTheFirstWindowIsCancelledAndUnverified() throws Exception {
        byte[] data = new byte[12 << 20];
        new Random(3).nextBytes(data);
        Path src = Files.write(dir.resolve("src.img"), data);
        Path same = Files.write(dir.resolve("same.img"), data);
        data[100] ^= 1;
        Path differs = Files.write(dir.resolve("differs.img"), data);
        CopyPlanner.Plan plan = new CopyPlanner(List.of(), CopyPlanner.Options.NONE).verify(
                RegionSpec.parse("SOURCE", src.toString()),
                List.of(RegionSpec.parse("DEST 1", same.toString()), RegionSpec.parse("DEST 2", differs.toString())));
        AtomicBoolean stop = new AtomicBoolean();
        Report report;
        try (FileBlockDevice s = FileBlockDevice.open(src, false, 512);
                FileBlockDevice a = FileBlockDevice.open(same, false, 512);
                FileBlockDevice b = FileBlockDevice.open(differs, false, 512)) {
            report = VerifyCommand.compare(plan, new IoRegion(s, 0, s.size() / 512),
                    List.of(new IoRegion(a, 0, a.size() / 512), new IoRegion(b, 0, b.size() / 512)),
                    bytes -> stop.set(true), stop::get);
        }
        assertTrue(report.cancelled(), report.toString());
        assertEquals(1, report.exitCode());
        assertEquals(4 << 20, report.bytes(), "the bytes compared before it stopped");
        Report.Destination first = report.destinations().get(0);
        assertEquals(CloneRun.UNVERIFIED, first.status(), report.toString());
        assertEquals("verification stopped at " + (4 << 20) + " of " + (12 << 20)
                + " bytes when it was cancelled", first.error());
        Report.Destination second = report.destinations().get(1);
        assertEquals("mismatch", second.status(), report.toString());
        assertEquals(0, second.mismatches().get(0).start());
    }
}
