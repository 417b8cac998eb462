package org.kclone.ui.duplicator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CloneRun;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;
import org.kclone.device.RegionSpec;
import org.kclone.device.hotplug.SharedEngine;
import org.kclone.device.probe.ProbeMode;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.testing.LoopDevices;

/**
 * Duplicator mode on real loop devices attached while it is armed. Loop devices are not removable,
 * so the lsblk data marks the ones this test attached as removable (real lsblk output otherwise:
 * sizes, read-only flags, the other devices of the machine, which are left alone).
 */
class DuplicatorLoopTest {

    @TempDir
    Path dir;

    /** Kernel names of the loop devices this test attached (other tests' devices stay as lsblk says). */
    private final Set<String> ours = ConcurrentHashMap.newKeySet();
    /**
     * Kernel name to the serial of the "stick" attached under it. Loop devices report no serial (and
     * have no by-id name), so this stands in for the stick's firmware: each backing file is one stick
     * with its own serial, and the same file attached again is the same stick, whatever loop number
     * it gets.
     */
    private final Map<String, String> serials = new ConcurrentHashMap<>();

    private List<DeviceInfo> discover() throws Exception {
        return Lsblk.discover().stream().map(d -> ours.contains(d.name()) ? removable(d) : d).toList();
    }

    private DeviceInfo removable(DeviceInfo d) {
        return new DeviceInfo(d.name(), d.path(), d.stableId(), d.size(), d.type(), d.model(),
                serials.getOrDefault(d.name(), d.serial()),
                d.transport(), true, d.readOnly(), d.logicalSectorSize(), d.physicalSectorSize(), d.start(), d.parent(),
                d.mountpoints(), d.fsType(), d.label(), d.holders(), d.system(), d.children(), d.rotational());
    }

    private Path plug(LoopDevices loops, String file, long bytes, String... options) throws Exception {
        Path dev = loops.attach(dir.resolve(file), bytes, options);
        ours.add(dev.getFileName().toString());
        serials.put(dev.getFileName().toString(), "LOOPSTICK-" + file);
        return dev;
    }

    /** Plugs the stick {@code file} in again: its backing file attached again (the loop number may differ). */
    private Path replug(LoopDevices loops, String file) throws Exception {
        Path dev = loops.attachExisting(dir.resolve(file));
        ours.add(dev.getFileName().toString());
        serials.put(dev.getFileName().toString(), "LOOPSTICK-" + file);
        return dev;
    }

    /** Polls as the window's timer would until every row is safe to remove (the jobs ended). */
    private static void untilEnded(DuplicatorViewModel vm, int rows) throws InterruptedException {
        for (int i = 0; i < 3000 && !(vm.rows().size() == rows && vm.rows().stream()
                .allMatch(r -> r.safeToRemove().get())); i++) {
            vm.poll();
            Thread.sleep(20);
        }
        vm.poll();
    }

    @Test
    void aStickWrittenThenPluggedInAgainIsNotWrittenAgain() throws Exception {
        LoopDevices.assumeAvailable();
        byte[] data = new byte[4 << 20];
        new Random(11).nextBytes(data);
        Path src = Files.write(dir.resolve("golden.img"), data);
        SharedEngine engine = new SharedEngine(256, KcopydConfig.DEFAULT);
        DriveStarter starter = DriveStarter.inProcess(engine, () -> new CloneRun.Settings(256, KcopydConfig.DEFAULT, 0,
                EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS), true, ProbeMode.OFF));
        DuplicatorViewModel vm = new DuplicatorViewModel(this::discover, starter, r -> r);
        vm.pollEvery(0);
        Path reports = Files.createDirectory(dir.resolve("reports"));
        vm.reports().folder(reports);
        try (LoopDevices loops = new LoopDevices()) {
            assertTrue(vm.arm(new RegionSpec("SOURCE", src.toString(), src.toString(), 0L, (long) (data.length / 512)),
                    data.length));
            vm.observe(discover());
            Path first = plug(loops, "stick.img", 8 << 20);
            vm.observe(discover());
            untilEnded(vm, 1);
            DriveRow written = vm.rows().get(0);
            assertEquals("done", written.state().get(), written.message().get());
            assertEquals("ok", written.report().get().destinations().get(0).status());
            assertEquals("LOOPSTICK-stick.img", written.report().get().audit().destinationDevices().get(0).serial(),
                    "the report names the stick");
            try (var saved = Files.list(reports)) {
                assertEquals(1, saved.count(), "its report is in the folder");
            }

            loops.detach(first); // unplugged
            vm.observe(discover());
            vm.poll();
            // the technician overwrites the stick's start to see whether it is written again: it must not be
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve("stick.img").toFile(), "rw")) {
                f.write(new byte[4096]);
            }
            Path again = replug(loops, "stick.img");
            vm.observe(discover());
            untilEnded(vm, 2);
            DriveRow row = vm.rows().get(1);
            assertEquals(again.toString(), row.path());
            assertEquals("written before", row.state().get(), row.message().get());
            assertTrue(row.message().get().matches("already written at \\d\\d:\\d\\d \\(verified\\); not written again: unplug it"),
                    row.message().get());
            assertArrayEquals(new byte[4096], java.util.Arrays.copyOf(readStart(dir.resolve("stick.img")), 4096),
                    "nothing was written to it the second time");
            assertEquals("1 done, 0 failed, 0 refused, 0 running, 1 written before", vm.counters().get());
            vm.disarm();
        }
    }

    @Test
    void aDrivePluggedInWhileArmedIsWrittenAndVerifiedAndTooSmallOrReadOnlyOnesAreRefused() throws Exception {
        LoopDevices.assumeAvailable();
        byte[] data = new byte[8 << 20];
        new Random(10).nextBytes(data);
        Path src = Files.write(dir.resolve("golden.img"), data);
        SharedEngine engine = new SharedEngine(256, KcopydConfig.DEFAULT);
        DriveStarter starter = DriveStarter.inProcess(engine, () -> new CloneRun.Settings(256, KcopydConfig.DEFAULT, 0,
                EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS), true, ProbeMode.OFF));
        DuplicatorViewModel vm = new DuplicatorViewModel(this::discover, starter, r -> r);
        vm.pollEvery(0); // the test hands the snapshots in, one before and one after plugging
        try (LoopDevices loops = new LoopDevices()) {
            Path before = plug(loops, "before.img", 16 << 20); // plugged in before arming: left alone
            assertTrue(vm.arm(new RegionSpec("SOURCE", src.toString(), src.toString(), 0L, (long) (data.length / 512)),
                    data.length));
            vm.observe(discover());
            Path big = plug(loops, "big.img", 16 << 20);
            Path small = plug(loops, "small.img", 4 << 20);
            Path readOnly = plug(loops, "ro.img", 16 << 20, "-r");
            vm.observe(discover());
            for (int i = 0; i < 3000 && !(vm.rows().size() == 3 && vm.rows().stream()
                    .allMatch(r -> r.safeToRemove().get())); i++) {
                vm.poll(); // as the window's timer would
                Thread.sleep(20);
            }
            vm.poll();
            Map<String, DriveRow> rows = new java.util.HashMap<>();
            vm.rows().forEach(r -> rows.put(r.path(), r));
            assertEquals(Set.of(big.toString(), small.toString(), readOnly.toString()), rows.keySet(),
                    "one row per drive plugged in while armed, none for " + before);

            DriveRow written = rows.get(big.toString());
            assertEquals("done", written.state().get(), written.message().get());
            assertEquals("written and verified: safe to remove", written.message().get());
            byte[] got = new byte[data.length];
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve("big.img").toFile(), "r")) {
                f.readFully(got);
            }
            assertArrayEquals(data, got, "the plugged drive holds the source's bytes");

            DriveRow tooSmall = rows.get(small.toString());
            assertEquals("refused", tooSmall.state().get());
            assertEquals("too small: 4.0 MiB, the source needs 8.0 MiB; not written, safe to remove",
                    tooSmall.message().get());
            DriveRow ro = rows.get(readOnly.toString());
            assertEquals("refused", ro.state().get());
            assertTrue(ro.message().get().contains("read-only"), ro.message().get());
            for (String untouched : List.of("before.img", "small.img", "ro.img")) {
                assertArrayEquals(new byte[4 << 20], readStart(dir.resolve(untouched)), untouched + " never written");
            }
            assertEquals("1 done, 0 failed, 2 refused, 0 running", vm.counters().get());
            vm.disarm();
        }
    }

    private static byte[] readStart(Path file) throws Exception {
        byte[] b = new byte[4 << 20];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.readFully(b);
        }
        return b;
    }
}
