package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        assertTrue(tooShort.error().get().contains("choose a new file name"), tooShort.error().get());
        assertFalse(tooShort.error().get().contains("--"), "no option the window does not have");
        vm.remove(tooShort);
        assertEquals("already in the list (destination 1)", same.error().get());
        vm.remove(same);
        assertTrue(vm.valid().get());
        ok.start().set("x");
        assertTrue(ok.error().get().startsWith("Start:"));
        assertFalse(vm.valid().get());
    }

    @Test
    void aMountedDestinationRowSaysWhyWithoutTheCommandLinesForce() throws Exception {
        Path node = org.kclone.testing.BlockNodes.some(1).get(0); // a real node, described by lsblk data
        DeviceInfo mounted = new DeviceInfo(node.getFileName().toString(), node.toString(), null, 8 << 20, "disk",
                "Stick", "S1", "usb", true, false, 512, 512, 0, null, List.of("/media/stick"), "ext4", null,
                List.of(), false, List.of());
        SourceViewModel source = new SourceViewModel(List::of);
        source.choose(file("src.img", 1 << 20).toString());
        DestinationsViewModel vm = new DestinationsViewModel(source, () -> List.of(mounted));
        DestinationsViewModel.Row row = vm.add(node.toString());
        assertEquals(node + " is mounted at /media/stick; unmount it first", row.error().get());
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

    @Test
    void theWindowProbesRemovableDrivesForFakeCapacityUnlessUnticked() {
        JobViewModel vm = new JobViewModel();
        assertTrue(vm.probe().get(), "on by default");
        assertEquals(org.kclone.device.probe.ProbeMode.REMOVABLE, vm.settings(0, java.util.Set.of(), true).probe());
        vm.probe().set(false);
        assertEquals(org.kclone.device.probe.ProbeMode.OFF, vm.settings(0, java.util.Set.of(), true).probe());
    }

    @Test
    void aRefreshAskedForIsCountedAfterItIsAppliedEvenWhenNothingChanged() {
        List<Runnable> fxQueue = new java.util.ArrayList<>();
        DeviceTableViewModel vm = new DeviceTableViewModel(() -> List.of(stick("sdb", 1 << 20, true, List.of())),
                fxQueue::add);
        vm.refresh();
        fxQueue.forEach(Runnable::run);
        fxQueue.clear();
        assertEquals(0, vm.askedRefreshes().get(), "the two-second watch is not counted");
        vm.refreshAsked();
        assertEquals(0, vm.askedRefreshes().get(), "told through fx only");
        fxQueue.forEach(Runnable::run);
        assertEquals(1, vm.askedRefreshes().get());
        assertEquals(1, vm.devices().size(), "the same devices, applied before the count");
    }

    @Test
    void aSourceMountedReadWriteShowsWhyUnderThePath() throws Exception {
        Path node = org.kclone.testing.BlockNodes.some(1).get(0); // a real block device node, described by lsblk data
        String name = node.getFileName().toString();
        DeviceInfo live = new DeviceInfo(name, node.toString(), null, 8 << 20, "disk", "Stick", "S1", "usb", true,
                false, 512, 512, 0, null, List.of("/media/kclone-test-not-mounted-here"), "ext4", null, List.of(),
                false, List.of());
        SourceViewModel vm = new SourceViewModel(() -> List.of(live));
        vm.choose(node.toString());
        assertFalse(vm.valid().get());
        assertTrue(vm.pathError().get().contains(node + " is mounted read-write at /media/kclone-test-not-mounted-here"
                + "; a copy of a file system that changes while it is read is not consistent"), vm.pathError().get());
        assertTrue(vm.pathError().get().endsWith("(mount -o remount,ro MOUNTPOINT) first"),
                "no --force, which the window does not offer: " + vm.pathError().get());
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
        for (org.kclone.ui.table.DestinationRow r : job.rows()) {
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
    void theSavedReportIsJsonOrAPrintablePageWithTheAuditFieldsAndSaysWhereItWent() throws Exception {
        Path src = file("src.img", 1 << 20);
        SourceViewModel source = new SourceViewModel(List::of);
        source.choose(src.toString());
        DestinationsViewModel dests = new DestinationsViewModel(source, List::of);
        dests.add(dir.resolve("a.img").toString());
        dests.add(dir.resolve("b.img").toString());
        JobViewModel job = new JobViewModel();
        job.verify().set(true);
        job.start(dests.plan());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (job.running().get() && System.nanoTime() < deadline) {
            job.poll();
            Thread.sleep(1000 / MainWindow.UPDATES_PER_SECOND);
        }
        assertFalse(job.running().get());
        assertEquals("", job.reportSaved().get(), "nothing said before a save");

        Path json = dir.resolve("r.json");
        job.saveReport(json);
        assertEquals("Report saved in " + json.toAbsolutePath() + " (JSON)", job.reportSaved().get());
        var j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        assertEquals("copy", j.path("command").asText());
        assertEquals(org.kclone.device.report.AuditInfo.kcloneVersion(), j.path("version").asText());
        java.time.OffsetDateTime.parse(j.path("startedAt").asText());
        java.time.OffsetDateTime.parse(j.path("endedAt").asText());
        assertTrue(j.path("options").path("verify").asBoolean());
        assertEquals(src.toString(), j.path("sourceDevice").path("path").asText());
        assertEquals(2, j.path("destinationDevices").size());
        for (var d : j.path("destinationDevices")) {
            assertTrue(d.path("verified").asBoolean(), "the saved report says each destination was verified: " + d);
            assertEquals("image", d.path("kind").asText());
            assertEquals(1 << 20, d.path("size").asLong());
        }

        Path html = dir.resolve("r.html");
        job.saveReport(html);
        assertEquals("Report saved in " + html.toAbsolutePath() + " (printable page)", job.reportSaved().get());
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertTrue(page.contains(dir.resolve("a.img").toString()) && page.contains(dir.resolve("b.img").toString()));
        assertEquals(2, page.split("<td class=\"state ok\">OK</td>", -1).length - 1);

        Path nowhere = dir.resolve("missing").resolve("r.json");
        assertThrows(java.io.IOException.class, () -> job.saveReport(nowhere));
        assertTrue(job.reportSaved().get().startsWith("The report was NOT saved in " + nowhere.toAbsolutePath() + ": "),
                job.reportSaved().get());
        assertFalse(Files.exists(nowhere.getParent()));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of("r.html", "r.json"), listing.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("r.") || n.startsWith(".r.") || n.endsWith(".tmp")).sorted().toList(),
                    "the two reports, no temporary or empty file");
        }
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
        now.add(stick("zram0", 0, false, List.of()));
        vm.refresh();
        assertEquals(List.of("/dev/sdb", "/dev/sda"), vm.devices().stream().map(DeviceInfo::path).toList(),
                "the removable drive first; a 0-byte device not at all");
        now.remove(2);
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

    @Test
    void theConfirmationShowsTheSourceAndEachRegionFromToInHumanUnits() throws Exception {
        Path src = file("src.img", 64 << 20);
        SourceViewModel source = new SourceViewModel(List::of);
        source.choose(src.toString());
        DestinationsViewModel dests = new DestinationsViewModel(source, List::of);
        dests.add(dir.resolve("at1M.img").toString()).start().set("2048");
        List<String> lines = JobViewModel.confirmationLines(dests.plan());
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("Read from: " + src) && lines.get(0).contains("64.0 MiB"), lines.get(0));
        assertEquals("sectors 0 → 131071, at the start, 64.0 MiB", lines.get(1).trim());
        assertTrue(lines.get(2).startsWith("Overwrite: " + dir.resolve("at1M.img")), lines.get(2));
        assertEquals("sectors 2048 → 133119, at 1.0 MiB, 64.0 MiB", lines.get(3).trim());
    }

    /** lsblk's JSON for a system disk, a mounted stick, a disk held by LVM, a read-only disk and a free stick. */
    static final String LSBLK = """
            {"blockdevices": [
             {"name":"vda","path":"/dev/vda","size":21474836480,"type":"disk","model":"Virtual","rm":false,"ro":false,
              "mountpoints":[null],"children":[
               {"name":"vda1","path":"/dev/vda1","size":21473787904,"type":"part","rm":false,"ro":false,
                "mountpoints":["/"],"pkname":"vda"}]},
             {"name":"sdb","path":"/dev/sdb","size":8000000000,"type":"disk","model":"Stick","rm":true,"ro":false,
              "mountpoints":[null],"children":[
               {"name":"sdb1","path":"/dev/sdb1","size":7999000000,"type":"part","rm":true,"ro":false,
                "mountpoints":["/media/stick"],"pkname":"sdb"}]},
             {"name":"sdc","path":"/dev/sdc","size":500107862016,"type":"disk","model":"Data","rm":false,"ro":false,
              "mountpoints":[null],"children":[
               {"name":"sdc1","path":"/dev/sdc1","size":500106813440,"type":"part","rm":false,"ro":false,
                "mountpoints":[null],"pkname":"sdc","children":[
                 {"name":"vg-data","path":"/dev/mapper/vg-data","size":500000000000,"type":"lvm","rm":false,
                  "ro":false,"mountpoints":[null],"pkname":"sdc1"}]}]},
             {"name":"sdd","path":"/dev/sdd","size":4000000000,"type":"disk","model":"Locked","rm":true,"ro":true,
              "mountpoints":[null]},
             {"name":"sde","path":"/dev/sde","size":16000000000,"type":"disk","model":"Free","rm":true,"ro":false,
              "mountpoints":[null]}
            ]}""";

    static List<DeviceInfo> lsblkData() throws Exception {
        return org.kclone.device.Lsblk.parse(LSBLK, java.util.Map.of());
    }

    @Test
    void theDeviceTableFedLsblkDataMarksSystemMountedHeldAndReadOnlyDevices() throws Exception {
        DeviceTableViewModel vm = new DeviceTableViewModel(ViewModelTest::lsblkData, Runnable::run);
        vm.refresh();
        java.util.Map<String, String> why = new java.util.LinkedHashMap<>();
        vm.devices().forEach(d -> why.put(d.path(), String.valueOf(DeviceTableViewModel.whyNotDestination(d))));
        assertEquals(List.of("/dev/sdb", "/dev/sdb1", "/dev/sdd", "/dev/sde", "/dev/vda", "/dev/vda1", "/dev/sdc",
                "/dev/sdc1"), List.copyOf(why.keySet()), "removable drives first, each disk's partitions after it");
        assertEquals("system disk", why.get("/dev/vda"));
        assertEquals("system disk", why.get("/dev/vda1"));
        assertEquals("mounted at /media/stick", why.get("/dev/sdb"));
        assertEquals("in use by LVM, md or dm", why.get("/dev/sdc"));
        assertEquals("in use by LVM, md or dm", why.get("/dev/sdc1"));
        assertEquals("read-only", why.get("/dev/sdd"));
        assertEquals("null", why.get("/dev/sde"));
        assertEquals(List.of("/dev/sde"), vm.devices().stream().filter(DeviceTableViewModel::selectableAsDestination)
                .map(DeviceInfo::path).toList());
    }

    /** A run the test drives: counters, phase and the final report are set by hand. */
    static class FakeRun implements JobRun {
        org.kclone.device.CloneRun.Phase phase = org.kclone.device.CloneRun.Phase.COPYING;
        final long total;
        long[] written;
        long verified;
        org.kclone.device.Report report;
        boolean cancelled;
        boolean probing;

        FakeRun(long total, int destinations) {
            this.total = total;
            this.written = new long[destinations];
        }

        public org.kclone.device.CloneRun.Phase phase() {
            return phase;
        }

        public long totalBytes() {
            return total;
        }

        @Override
        public boolean probing() {
            return probing;
        }

        public long[] written() {
            return written.clone();
        }

        public long verifiedBytes() {
            return verified;
        }

        String[] errors;

        public String error(int i) {
            return errors == null ? null : errors[i];
        }

        public List<org.kclone.engine.SectorRange> unreadableSoFar() {
            return List.of();
        }

        public boolean isDone() {
            return report != null;
        }

        public org.kclone.device.Report report() {
            return report;
        }

        public void cancel() {
            cancelled = true;
        }

        /** Bytes on every destination from earlier runs of a resumed job. */
        long before;

        @Override
        public long copiedBefore() {
            return before;
        }
    }

    /** A report as the CLI writes it (read through JSON, so it holds whatever fields the record has). */
    private static org.kclone.device.Report report(boolean cancelled, String... destinations) throws Exception {
        String json = "{\"command\":\"copy\",\"source\":{\"path\":\"s\",\"start\":0,\"length\":8},"
                + "\"bytes\":4096,\"seconds\":1.0,\"cancelled\":" + cancelled + ",\"readErrors\":[],"
                + "\"destinations\":[" + String.join(",", destinations) + "]}";
        return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, org.kclone.device.Report.class);
    }

    private static String dest(String path, String status, String error, String mismatches) {
        return "{\"path\":\"" + path + "\",\"start\":0,\"length\":8,\"status\":\"" + status + "\",\"error\":"
                + (error == null ? "null" : "\"" + error + "\"") + ",\"mismatches\":" + mismatches + "}";
    }

    @Test
    void whileTheDrivesAreProbedTheWindowSaysSo() throws Exception {
        JobViewModel job = new JobViewModel();
        FakeRun run = new FakeRun(4096, 1);
        run.probing = true;
        job.start(run, List.of("/dev/sdb"), false);
        job.poll();
        assertEquals("checking removable drives for fake capacity (a few seconds)...", job.status().get());
        assertEquals("checking", job.rows().get(0).state().get());
        run.probing = false;
        run.written = new long[] {1024};
        job.poll();
        assertEquals("copying", job.status().get());
        assertEquals("writing", job.rows().get(0).state().get());
    }

    @Test
    void verificationIsItsOwnPhaseAndNoBarRunsBackwards() throws Exception {
        JobViewModel job = new JobViewModel();
        FakeRun run = new FakeRun(4096, 2);
        job.start(run, List.of("a.img", "b.img"), true);
        run.written = new long[] {2048, 2048};
        job.poll();
        assertEquals("copying", job.status().get());
        assertEquals(0.5, job.rows().get(0).progress().get());
        assertEquals(0.25, job.overall().get());
        run.written = new long[] {4096, 4096};
        run.phase = org.kclone.device.CloneRun.Phase.VERIFYING;
        job.poll();
        assertTrue(job.status().get().startsWith("verifying"), job.status().get());
        assertTrue(job.verifying().get());
        for (org.kclone.ui.table.DestinationRow r : job.rows()) {
            assertEquals(1.0, r.progress().get(), "the written bar stays full while verifying");
            assertEquals(0.0, r.verifyProgress().get());
            assertEquals("verifying", r.state().get());
        }
        assertEquals(0.5, job.overall().get(), "the overall bar does not go back");
        run.verified = 1024;
        job.poll();
        assertEquals(0.25, job.rows().get(1).verifyProgress().get());
        assertEquals(0.625, job.overall().get());
        job.cancel();
        assertTrue(run.cancelled);
        assertTrue(job.status().get().contains("verification"), job.status().get());
        run.verified = 4096; // a.img's read-back reached the end; the run reports b.img unverified
        run.report = report(true, dest("a.img", "ok", null, "[]"), dest("b.img", "unverified", null, "[]"));
        job.poll();
        assertFalse(job.running().get());
        assertEquals("cancelled", job.status().get());
        assertEquals("done, verified", job.rows().get(0).state().get());
        assertEquals("unverified", job.rows().get(1).state().get());
        assertFalse(job.rows().get(1).error().get().isEmpty(), "shown in red, with why");
    }

    @Test
    void aVerificationCancelledHalfWayIsUnverifiedEvenWhereTheReportSaysOk() throws Exception {
        JobViewModel job = new JobViewModel();
        FakeRun run = new FakeRun(4096, 1);
        job.start(run, List.of("a.img"), true);
        run.written = new long[] {4096};
        run.phase = org.kclone.device.CloneRun.Phase.VERIFYING;
        run.verified = 2048;
        job.poll();
        job.cancel();
        run.report = report(true, dest("a.img", "ok", null, "[]"));
        job.poll();
        assertEquals("unverified", job.rows().get(0).state().get());
        assertEquals(0.5, job.rows().get(0).verifyProgress().get());
    }

    @Test
    void anUnknownStatusIsNeverShownAsDoneAndMismatchesAreNamedInTheDestinationsSectors() throws Exception {
        JobViewModel job = new JobViewModel();
        FakeRun run = new FakeRun(8L << 20, 3);
        job.start(run, List.of("a.img", "b.img", "c.img"), true);
        run.written = new long[] {8L << 20, 8L << 20, 8L << 20};
        run.report = report(false, dest("a.img", "mismatch", null,
                "[{\"start\":7048,\"count\":1},{\"start\":9000,\"count\":16}]"),
                dest("b.img", "partly", null, "[]"), dest("c.img", "ok", null, "[]"));
        job.poll();
        assertEquals("done with errors", job.status().get());
        org.kclone.ui.table.DestinationRow mismatch = job.rows().get(0);
        assertEquals("mismatch", mismatch.state().get());
        assertEquals("differs from the source at sectors 7048, 9000–9015 (17 sectors, 8.5 KiB)",
                mismatch.error().get());
        org.kclone.ui.table.DestinationRow odd = job.rows().get(1);
        assertFalse(odd.state().get().startsWith("done"), odd.state().get());
        assertFalse(odd.error().get().isEmpty());
        assertEquals("done, verified", job.rows().get(2).state().get());
        assertTrue(job.overall().get() < 1.0, "a job with a bad destination is not shown as fully done");
    }

    /**
     * A gzip image does not record its uncompressed length: the window measures it with one pass off
     * its toolkit thread (results applied through the given executor, here this test's queue), the
     * source is invalid while it runs, and valid with the measured length after.
     */
    @Test
    void aGzipSourcesLengthIsMeasuredOffTheToolkitThreadThenTheSourceIsValid() throws Exception {
        byte[] data = new byte[3 << 20];
        new java.util.Random(4).nextBytes(data);
        Path gz = dir.resolve("disk.img.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(data);
        }
        org.kclone.device.image.compress.CompressedImages.allowMeasuring(false); // as the window runs
        try {
            java.util.concurrent.BlockingQueue<Runnable> fx = new java.util.concurrent.LinkedBlockingQueue<>();
            SourceViewModel source = new SourceViewModel(List::of);
            source.runResultsOn(fx::add);
            source.choose(gz.toString());
            assertTrue(source.pathError().get().startsWith("measuring its uncompressed length"),
                    source.pathError().get());
            assertFalse(source.valid().get(), "not before its length is known");
            for (int i = 0; i < 600 && source.measuring(); i++) {
                Runnable r = fx.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS); // bounded: 60 s
                if (r != null) {
                    r.run();
                }
            }
            assertFalse(source.measuring(), "the measuring pass ended");
            assertEquals("", source.pathError().get());
            assertTrue(source.valid().get());
            assertEquals(3L << 20, source.bytes());
        } finally {
            org.kclone.device.image.compress.CompressedImages.allowMeasuring(true);
        }
    }
}
