package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.probe.ProbeMode;
import org.kclone.device.resume.JobMap;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.testing.FaultyDevice;
import org.kclone.testing.GptImages;
import org.kclone.testing.MemoryDevice;

/**
 * A job with a map (--map) whose GPT fit-up fails after the copy: the map must not call the job
 * finished (a re-run would do nothing and never fit the GPT); it is interrupted, and the next run
 * copies that destination again and fits its GPT. The devices are in memory; the map's endpoints
 * are image files (the map names them by device and inode).
 */
class GptStepMapTest {

    private static final long SECTORS = 8192;
    private static final long BIGGER = 12288;

    @TempDir
    Path dir;

    @Test
    void aFailedFitUpLeavesTheMapUnfinished() throws Exception {
        byte[] disk = GptImages.disk(512, SECTORS, new long[] {2048, 4095}, new long[] {4096, 8000});
        Path src = Files.write(dir.resolve("src.img"), disk);
        Path dst = Files.write(dir.resolve("d.img"), new byte[(int) (BIGGER * 512)]);
        CopyPlanner.Plan plan = new CopyPlanner.Plan(
                new Endpoint("SOURCE", src, Endpoint.Kind.IMAGE, null, 0, SECTORS, SECTORS * 512, 512),
                List.of(new Endpoint("DEST 1", dst, Endpoint.Kind.IMAGE, null, 0, SECTORS, BIGGER * 512, 512)),
                Map.of());
        Path file = dir.resolve("job.map");
        JobMap map = JobMap.prepare(file, 1 << 20, plan);
        CloneRun.Settings settings = new CloneRun.Settings(64, new KcopydConfig(64 << 10, 4), 0,
                EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS), false, ProbeMode.OFF, false).withMap(map);
        // the new backup GPT lies past the copied region: only the fit-up writes there, and fails
        FaultyDevice dest = new FaultyDevice(new MemoryDevice("d", (int) (BIGGER * 512))).badWriteSectors(BIGGER - 1, 1);
        Report r = CloneRun.start(OpenedPlan.of(plan, MemoryDevice.of("src", disk), List.of(dest)), settings,
                new CloneRun.Listener() { }, CloneRun::newClient, System::nanoTime).await();
        assertEquals("failed", r.destinations().get(0).status(), r.destinations().get(0).toString());

        String text = Files.readString(file);
        assertTrue(text.contains("\nstatus interrupted\n"), text);
        JobMap again = JobMap.prepare(file, 1 << 20, plan);
        assertFalse(again.finished(), text);
        assertEquals(0, again.resumeAt(), "copied again from the start (the fit-up may have rewritten its head)");
    }
}
