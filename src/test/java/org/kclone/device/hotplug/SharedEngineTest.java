package org.kclone.device.hotplug;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceOpener;
import org.kclone.device.RegionSpec;
import org.kclone.device.Report;
import org.kclone.engine.KcopydClient;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;

/** Runs on one shared engine client: the client outlives each run, and goes once idle after closeWhenIdle. */
class SharedEngineTest {

    @TempDir
    Path dir;

    private CopyPlanner.Plan plan(Path src, Path dst) throws Exception {
        return new CopyPlanner(List.of(), CopyPlanner.Options.NONE).copy(RegionSpec.parse("SOURCE", src.toString()),
                List.of(RegionSpec.parse("DEST 1", dst.toString())));
    }

    private static CloneRun.Settings settings(long rate) {
        return new CloneRun.Settings(64, new KcopydConfig(64 << 10, 4), rate, EnumSet.noneOf(KcopydFlag.class), true);
    }

    /** Waits (bounded) for the engine to let its client go; the run's completion tells it on the run's thread. */
    private static boolean awaitNoClient(SharedEngine engine) throws InterruptedException {
        for (int i = 0; i < 500 && engine.hasClient(); i++) {
            Thread.sleep(20);
        }
        return !engine.hasClient();
    }

    @Test
    void runsShareOneClientThatNoRunDestroys() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        Path src = Files.write(dir.resolve("src.img"), data);
        SharedEngine engine = new SharedEngine(64, new KcopydConfig(64 << 10, 4));
        CloneRun a = engine.start(plan(src, dir.resolve("a.img")), DeviceOpener.BY_PATH, settings(0));
        KcopydClient first = engine.client();
        CloneRun b = engine.start(plan(src, dir.resolve("b.img")), DeviceOpener.BY_PATH, settings(0));
        assertSame(first, engine.client(), "the second run uses the first one's client");
        Report ra = a.await();
        Report rb = b.await();
        assertEquals("ok", ra.destinations().get(0).status(), ra.toString());
        assertEquals("ok", rb.destinations().get(0).status(), rb.toString());
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("a.img")));
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("b.img")));
        assertSame(first, engine.client(), "both runs ended; the client is still there");
        // and takes a third run
        Report rc = engine.start(plan(src, dir.resolve("c.img")), DeviceOpener.BY_PATH, settings(0)).await();
        assertEquals("ok", rc.destinations().get(0).status(), rc.toString());
        engine.closeWhenIdle();
        assertTrue(awaitNoClient(engine), "no run left: the client is destroyed");
    }

    @Test
    void closeWhenIdleWaitsForTheRunningJob() throws Exception {
        Path src = Files.write(dir.resolve("src.img"), new byte[4 << 20]);
        SharedEngine engine = new SharedEngine(64, new KcopydConfig(64 << 10, 1));
        // one byte a second: only the first chunk goes until the test cancels
        CloneRun slow = engine.start(plan(src, dir.resolve("slow.img")), DeviceOpener.BY_PATH, settings(1));
        KcopydClient client = engine.client();
        engine.closeWhenIdle();
        assertTrue(engine.hasClient(), "a run still uses it");
        assertFalse(slow.isDone());
        slow.cancel();
        Report r = slow.await();
        assertTrue(r.cancelled());
        assertTrue(awaitNoClient(engine), "the last run ended: the client is destroyed");
        // a run after that gets a new client
        Report again = engine.start(plan(src, dir.resolve("again.img")), DeviceOpener.BY_PATH, settings(0)).await();
        assertEquals("ok", again.destinations().get(0).status(), again.toString());
        assertNotSame(client, engine.client());
        engine.closeWhenIdle();
        assertTrue(awaitNoClient(engine));
    }
}
