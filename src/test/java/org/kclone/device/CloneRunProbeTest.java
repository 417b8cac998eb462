package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kclone.device.probe.ProbeMode;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.testing.FakeCapacityDevice;
import org.kclone.testing.MemoryDevice;

/**
 * A batch with one fake-capacity stick: the probe finds it before the copy, it is reported failed
 * with what was found, the genuine ones are written and verified, exit 1. Which destinations are
 * probed follows the mode: removable ones by default, every block device, or none.
 */
class CloneRunProbeTest {

    private static final int MIB = 1 << 20;
    private static final long COUNT = 32 * 2048; // 32 MiB

    private static DeviceInfo stick(String name, long size, boolean removable) {
        return new DeviceInfo(name, "/dev/" + name, null, size, "disk", "Stick", "S" + name, "usb", removable, false,
                512, 512, 0, null, List.of(), null, null, List.of(), false, List.of());
    }

    private static Endpoint dest(int i, DeviceInfo d) {
        return new Endpoint("DEST " + (i + 1), Path.of(d.path()), Endpoint.Kind.BLOCK, d, 0, COUNT, d.size(), 512);
    }

    private record Batch(MemoryDevice src, List<MemoryDevice> genuine, Report report, List<String> probed) {
    }

    /** 32 MiB to: a genuine removable stick, a 64 MiB removable fake keeping 8 MiB, a genuine fixed disk. */
    private static Batch run(ProbeMode mode) throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 32 * MIB, 5);
        MemoryDevice a = new MemoryDevice("a", 64 * MIB);
        MemoryDevice c = new MemoryDevice("c", 64 * MIB);
        BlockDevice fake = new FakeCapacityDevice(new MemoryDevice("real", 8 * MIB), 64L * MIB,
                FakeCapacityDevice.Kind.WRAPS);
        List<Endpoint> dests = List.of(dest(0, stick("sdb", 64L * MIB, true)), dest(1, stick("sdc", 64L * MIB, true)),
                dest(2, stick("sdd", 64L * MIB, false)));
        CopyPlanner.Plan plan = new CopyPlanner.Plan(new Endpoint("SOURCE", Path.of("/test/src.img"),
                Endpoint.Kind.IMAGE, null, 0, COUNT, 32L * MIB, 512), dests, Map.of());
        List<String> probed = new ArrayList<>();
        List<Boolean> probingAfter = new ArrayList<>();
        CloneRun run = CloneRun.start(OpenedPlan.of(plan, src, List.of(a, fake, c)),
                new CloneRun.Settings(512, KcopydConfig.DEFAULT, 0, EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS),
                        true, mode),
                new CloneRun.Listener() {
                    @Override
                    public void probing(List<String> destinations) {
                        probed.addAll(destinations);
                    }

                    @Override
                    public void copied(CloneRun r) {
                        probingAfter.add(r.probing());
                    }
                }, CloneRun::newClient, System::nanoTime);
        Report report = run.await();
        assertEquals(List.of(false), probingAfter, "no longer probing once the copy has ended");
        return new Batch(src, List.of(a, c), report, probed);
    }

    @Test
    void byDefaultTheRemovableSticksAreProbedAndTheFakeOneFailsAlone() throws Exception {
        Batch b = run(ProbeMode.REMOVABLE);
        assertEquals(List.of("/dev/sdb", "/dev/sdc"), b.probed(), "the removable ones, not the fixed disk");
        List<Report.Destination> d = b.report().destinations();
        assertEquals("ok", d.get(0).status());
        assertEquals("failed", d.get(1).status());
        assertTrue(d.get(1).error().startsWith("fake capacity: it reports 64.0 MiB but keeps at most about 8.0 MiB ("),
                d.get(1).error());
        assertTrue(d.get(1).error().endsWith("); nothing of the copy was written to it"), d.get(1).error());
        assertEquals("ok", d.get(2).status());
        assertEquals(1, b.report().exitCode());
        byte[] want = b.src().bytes(0, 32L * MIB);
        for (MemoryDevice m : b.genuine()) {
            assertArrayEquals(want, m.bytes(0, 32L * MIB), m.name() + " holds the copy");
        }
    }

    @Test
    void everyBlockDeviceWithProbeAndNoneWithout() throws Exception {
        assertEquals(List.of("/dev/sdb", "/dev/sdc", "/dev/sdd"), run(ProbeMode.ALL).probed());
        Batch off = run(ProbeMode.OFF);
        assertEquals(List.of(), off.probed());
        // unprobed, the fake takes the copy and only verification sees it: still never "ok"
        assertEquals("mismatch", off.report().destinations().get(1).status(), off.report().toString());
        assertEquals("ok", off.report().destinations().get(0).status());
    }
}
