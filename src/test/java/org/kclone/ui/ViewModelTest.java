package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.DeviceInfo;

/** The ViewModels without a toolkit: validation, guards per row, state, and the coalescing of progress. */
class ViewModelTest {

    @TempDir
    Path dir;

    private Path file(String name, int bytes) throws Exception {
        byte[] data = new byte[bytes];
        new Random(name.hashCode()).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    @Test
    void sourceFieldsCarryTheirOwnErrors() throws Exception {
        Path src = file("src.img", 1 << 20);
        SourceViewModel vm = new SourceViewModel(List::of);
        assertFalse(vm.valid().get());
        assertTrue(vm.pathError().get().contains("pick"), vm.pathError().get());
        vm.choose(src.toString());
        assertTrue(vm.valid().get(), vm.pathError().get());
        assertEquals(1 << 20, vm.bytes());
        vm.start().set("abc");
        assertFalse(vm.valid().get());
        assertTrue(vm.startError().get().startsWith("Start:"), vm.startError().get());
        vm.start().set("4096");
        assertTrue(vm.startError().get().contains("beyond the end"), vm.startError().get());
        vm.start().set("1K");
        vm.length().set("1M");
        assertTrue(vm.lengthError().get().contains("beyond the end"), vm.lengthError().get());
        vm.length().set("512K");
        assertTrue(vm.valid().get());
        assertEquals(512 << 10, vm.bytes());
        vm.path().set(dir.resolve("missing.img").toString());
        assertTrue(vm.pathError().get().contains("does not exist"));
    }

    @Test
    void destinationGuardsShowOnTheirOwnRow() throws Exception {
        Path src = file("src.img", 1 << 20);
        Path shortFile = file("short.img", 4096);
        SourceViewModel source = new SourceViewModel(List::of);
        source.choose(src.toString());
        DestinationsViewModel vm = new DestinationsViewModel(source, List::of);
        assertFalse(vm.valid().get(), "no destination yet");
        DestinationsViewModel.Row ok = vm.add(dir.resolve("new.img").toString());
        DestinationsViewModel.Row tooShort = vm.add(shortFile.toString());
        DestinationsViewModel.Row same = vm.add(dir.resolve("new.img").toString());
        assertEquals("", ok.error().get());
        assertTrue(tooShort.error().get().contains("--grow"), tooShort.error().get());
        vm.remove(tooShort);
        assertTrue(same.error().get().contains("same destination"), same.error().get());
        vm.remove(same);
        assertTrue(vm.valid().get());
        ok.start().set("x");
        assertTrue(ok.error().get().startsWith("Start:"));
        assertFalse(vm.valid().get());
    }

    @Test
    void addAllRemovableTakesOnlyWritableDrivesLargeEnough() throws Exception {
        Path src = file("src.img", 1 << 20);
        SourceViewModel source = new SourceViewModel(List::of);
        source.choose(src.toString());
        DeviceInfo big = stick("sdb", 8L << 30, true, List.of());
        DeviceInfo small = stick("sdc", 512 << 10, true, List.of());
        DeviceInfo mounted = stick("sdd", 8L << 30, true, List.of("/media/x"));
        DeviceInfo fixed = stick("sde", 8L << 30, false, List.of());
        DestinationsViewModel vm = new DestinationsViewModel(source, () -> List.of(big, small, mounted, fixed));
        assertEquals(1, vm.addAllRemovable());
        assertEquals("/dev/sdb", vm.rows().get(0).path().get());
        assertEquals(0, vm.addAllRemovable(), "not twice");
    }

    private static DeviceInfo stick(String name, long size, boolean removable, List<String> mounts) {
        return new DeviceInfo(name, "/dev/" + name, null, size, "disk", "Stick", "S" + name, "usb", removable, false,
                512, 512, 0, null, mounts, null, null, List.of(), false, List.of());
    }

    @Test
    void progressReachesPropertiesOnlyThroughPoll() throws Exception {
        Path src = file("src.img", 8 << 20);
        SourceViewModel source = new SourceViewModel(List::of);
        source.choose(src.toString());
        DestinationsViewModel dests = new DestinationsViewModel(source, List::of);
        dests.add(dir.resolve("a.img").toString());
        dests.add(dir.resolve("b.img").toString());
        JobViewModel job = new JobViewModel();
        job.limit().set("16M"); // about half a second
        job.start(dests.plan());
        AtomicInteger changes = new AtomicInteger();
        job.rows().forEach(r -> r.progress().addListener((o, a, b) -> changes.incrementAndGet()));
        Thread.sleep(200);
        assertEquals(0, changes.get(), "the engine pushed progress past the poll");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (job.running().get() && System.nanoTime() < deadline) {
            job.poll();
            Thread.sleep(1000 / MainWindow.UPDATES_PER_SECOND);
        }
        assertFalse(job.running().get());
        assertTrue(changes.get() <= 2 * job.polls() + 2, changes.get() + " changes for " + job.polls() + " polls");
        assertTrue(MainWindow.UPDATES_PER_SECOND <= 60);
        assertNotNull(job.report().get());
        assertEquals("done", job.status().get());
        for (JobViewModel.Row r : job.rows()) {
            assertEquals(1.0, r.progress().get());
            assertEquals("done, verified", r.state().get());
        }
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(src), Files.readAllBytes(dir.resolve("a.img"))));
        Path saved = dir.resolve("report.json");
        job.saveReport(saved);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(saved.toFile());
        assertEquals("copy", json.path("command").asText());
        assertEquals(2, json.path("destinations").size());
    }

    @Test
    void theDeviceTableFollowsPlugAndUnplugAndKeepsItsListWhenNothingChanged() {
        List<DeviceInfo> now = new java.util.ArrayList<>(List.of(stick("sda", 8L << 30, false, List.of("/"))));
        DeviceTableViewModel vm = new DeviceTableViewModel(() -> List.copyOf(now), Runnable::run);
        AtomicInteger listChanges = new AtomicInteger();
        vm.devices().addListener((javafx.collections.ListChangeListener<DeviceInfo>) c -> listChanges.incrementAndGet());
        vm.refresh();
        assertEquals(List.of("/dev/sda"), vm.devices().stream().map(DeviceInfo::path).toList());
        vm.refresh();
        assertEquals(1, listChanges.get(), "an unchanged refresh leaves the list (and the selection) alone");
        now.add(stick("sdb", 8L << 30, true, List.of()));
        vm.refresh();
        assertEquals(List.of("/dev/sda", "/dev/sdb"), vm.devices().stream().map(DeviceInfo::path).toList());
        now.remove(1);
        vm.refresh();
        assertEquals(1, vm.devices().size());
        assertFalse(DeviceTableViewModel.selectableAsDestination(vm.devices().get(0)), "mounted at /");
        DeviceTableViewModel broken = new DeviceTableViewModel(() -> {
            throw new java.io.IOException("lsblk: not found");
        }, Runnable::run);
        broken.refresh();
        assertTrue(broken.status().get().contains("cannot list devices: lsblk: not found"));
    }

    @Test
    void fixedDisksMustBeTypedToConfirm() {
        DeviceInfo fixed = stick("sde", 8L << 30, false, List.of());
        DeviceInfo removable = stick("sdb", 8L << 30, true, List.of());
        var plan = new org.kclone.device.CopyPlanner.Plan(null, List.of(
                new org.kclone.device.Endpoint("DEST 1", Path.of("/dev/sde"), org.kclone.device.Endpoint.Kind.BLOCK,
                        fixed, 0, 8, 8L << 30, 512),
                new org.kclone.device.Endpoint("DEST 2", Path.of("/dev/sdb"), org.kclone.device.Endpoint.Kind.BLOCK,
                        removable, 0, 8, 8L << 30, 512)));
        assertEquals(List.of("sde"), JobViewModel.namesToType(plan));
        assertTrue(JobViewModel.confirmationLines(plan).get(0).contains("serial Ssde"));
    }
}
