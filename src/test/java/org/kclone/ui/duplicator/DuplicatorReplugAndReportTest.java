package org.kclone.ui.duplicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.RegionSpec;
import org.kclone.device.Report;
import org.kclone.device.report.ReportFiles;
import org.kclone.ui.duplicator.DuplicatorViewModelTest.FakeJob;

/**
 * Duplicator mode without a toolkit: a drive plugged in again after it was written is not written
 * again (one that failed is); each drive's job keeps its report, saveable by hand or into a folder;
 * and the desktop notifications are coalesced. The clocks are the test's: nothing here waits.
 */
class DuplicatorReplugAndReportTest {

    private static final long MIB = 1 << 20;
    private static final RegionSpec SOURCE = new RegionSpec("SOURCE", "/srv/golden.img", "/srv/golden.img", 0L,
            64 * MIB / 512);
    private static final DeviceInfo SYSTEM = disk("vda", 10L << 30, "SYS", null);

    private static DeviceInfo disk(String name, long size, String serial, String byId) {
        return new DeviceInfo(name, "/dev/" + name, byId, size, "disk", "Stick", serial, "usb", true, false, 512, 512,
                0, null, List.of(), null, null, List.of(), false, List.of());
    }

    @TempDir
    Path dir;

    private final List<FakeJob> started = new ArrayList<>();
    /** The monotonic clock the notices are spaced by (nanoseconds). */
    private final AtomicLong now = new AtomicLong();

    private DuplicatorViewModel vm() {
        DuplicatorViewModel vm = new DuplicatorViewModel(List::of, plan -> {
            FakeJob j = new FakeJob("/dev/x");
            started.add(j);
            return j;
        }, r -> r);
        vm.pollEvery(0);
        vm.planner((roots, source, drive) -> new CopyPlanner.Plan(null, List.of(), Map.of(), null));
        vm.clocks(Clock.fixed(LocalDateTime.of(2026, 12, 6, 10, 42, 7).toInstant(ZoneOffset.UTC), ZoneId.of("UTC")),
                now::get);
        return vm;
    }

    /** Arms, takes the baseline, plugs {@code d} in and lets its job end with {@code status}. */
    private DriveRow writeOnce(DuplicatorViewModel vm, DeviceInfo d, String status) {
        if (!vm.armed().get()) {
            vm.arm(SOURCE, 64 * MIB);
            vm.observe(List.of(SYSTEM));
        }
        vm.observe(List.of(SYSTEM, d));
        vm.poll();
        DriveRow row = vm.rows().get(vm.rows().size() - 1);
        started.get(started.size() - 1).finish(status, "ok".equals(status) ? null : "writing sector 8: Input/output error");
        vm.poll();
        vm.observe(List.of(SYSTEM)); // unplugged
        vm.poll();
        return row;
    }

    @Test
    void aDriveWrittenAndVerifiedIsNotWrittenAgainWhenPluggedInAgain() {
        DuplicatorViewModel vm = vm();
        DriveRow first = writeOnce(vm, disk("sdb", 128 * MIB, "A1", null), "ok");
        assertEquals("done", first.state().get());
        assertEquals(1, started.size());

        // the same stick again, under another kernel name
        vm.observe(List.of(SYSTEM, disk("sdc", 128 * MIB, "A1", null)));
        vm.poll();
        assertEquals(1, started.size(), "not written again");
        DriveRow again = vm.rows().get(1);
        assertEquals("/dev/sdc", again.path());
        assertEquals("written before", again.state().get());
        assertEquals("already written at 10:42 (verified); not written again: unplug it", again.message().get());
        assertTrue(again.safeToRemove().get());
        assertNull(again.report().get(), "nothing ran on it");
        assertEquals(1, vm.writtenBefore().get());
        assertEquals("1 done, 0 failed, 0 refused, 0 running, 1 written before", vm.counters().get());

        // another stick of the same model and serial but another size is another drive, and so is another serial
        vm.observe(List.of(SYSTEM, disk("sdd", 256 * MIB, "A1", null), disk("sde", 128 * MIB, "B2", null)));
        vm.poll();
        assertEquals(3, started.size());
    }

    @Test
    void aDriveSaidWrittenBeforeIsWrittenWhenTheTechnicianAsks() {
        DuplicatorViewModel vm = vm();
        DeviceInfo card = disk("sdb", 128 * MIB, "READER-0001", null); // a card reader's serial: every card has it
        writeOnce(vm, card, "ok");
        vm.observe(List.of(SYSTEM, card));
        vm.poll();
        DriveRow before = vm.rows().get(1);
        assertEquals("written before", before.state().get());
        assertTrue(vm.writeAnyway(before));
        assertEquals("written again", before.state().get());
        assertEquals("written again as asked: see its new row", before.message().get());
        assertFalse(vm.writeAnyway(before), "asked once");
        assertEquals(1, started.size(), "nothing is written until the next listing");
        vm.observe(List.of(SYSTEM, card));
        vm.poll();
        assertEquals(2, started.size(), "written at the next listing");
        assertEquals("writing", vm.rows().get(2).state().get());

        // asked, but pulled out before the next listing: nothing is written
        started.get(1).finish("ok", null);
        vm.poll();
        vm.observe(List.of(SYSTEM));
        vm.observe(List.of(SYSTEM, card));
        vm.poll();
        DriveRow third = vm.rows().get(3);
        assertTrue(vm.writeAnyway(third));
        vm.observe(List.of(SYSTEM));
        vm.observe(List.of(SYSTEM));
        vm.poll();
        assertEquals(2, started.size());
        assertFalse(vm.writeAnyway(vm.rows().get(0)), "only a row said written before");
        vm.disarm();
        assertFalse(vm.writeAnyway(third), "not while off");
    }

    @Test
    void aDriveWhoseCopyFailedOrWasCancelledIsWrittenAgainWhenPluggedInAgain() {
        DuplicatorViewModel vm = vm();
        DeviceInfo stick = disk("sdb", 128 * MIB, "A1", null);
        assertEquals("failed", writeOnce(vm, stick, "failed").state().get());
        DriveRow retry = writeOnce(vm, stick, "ok");
        assertEquals(2, started.size(), "re-seated after a failure: retried");
        assertEquals("done", retry.state().get());
        // written now: a third time is refused as written before
        vm.observe(List.of(SYSTEM, stick));
        vm.poll();
        assertEquals(2, started.size());
        assertEquals("written before", vm.rows().get(2).state().get());
    }

    @Test
    void theMemoryOutlastsDisarmingButNotAnotherSource() {
        DuplicatorViewModel vm = vm();
        DeviceInfo stick = disk("sdb", 128 * MIB, null, "usb-Generic_Stick_0042-0:0"); // no serial: known by by-id
        writeOnce(vm, stick, "ok");
        vm.disarm();
        vm.arm(SOURCE, 64 * MIB);
        vm.observe(List.of(SYSTEM));
        vm.observe(List.of(SYSTEM, stick));
        vm.poll();
        assertEquals(1, started.size(), "re-armed with the same source: still known");
        assertEquals("written before", vm.rows().get(1).state().get());
        vm.disarm();

        RegionSpec other = new RegionSpec("SOURCE", "/srv/other.img", "/srv/other.img", 0L, 64 * MIB / 512);
        vm.arm(other, 64 * MIB);
        vm.observe(List.of(SYSTEM));
        vm.observe(List.of(SYSTEM, stick));
        vm.poll();
        assertEquals(2, started.size(), "another source: written with it");
        vm.disarm();
    }

    @Test
    void aDriveWithNeitherSerialNorByIdCannotBeRecognisedAndIsWrittenAgain() {
        DuplicatorViewModel vm = vm();
        DeviceInfo anonymous = disk("sdb", 128 * MIB, " ", null);
        writeOnce(vm, anonymous, "ok");
        vm.observe(List.of(SYSTEM, anonymous));
        vm.poll();
        assertEquals(2, started.size());
    }

    @Test
    void eachDrivesReportIsKeptWithItsAuditAndSavedAsJsonOrHtml() throws Exception {
        DuplicatorViewModel vm = vm();
        vm.arm(SOURCE, 64 * MIB);
        vm.observe(List.of(SYSTEM));
        vm.observe(List.of(SYSTEM, disk("sdb", 128 * MIB, "A1", null)));
        vm.poll();
        DriveRow row = vm.rows().get(0);
        assertNull(row.report().get(), "no report while it runs");
        Path early = dir.resolve("early.json");
        assertThrows(IOException.class, () -> vm.reports().save(row, early));
        assertTrue(vm.reports().note().get().startsWith("The report of /dev/sdb was NOT saved in " + early), vm.reports().note().get());
        assertFalse(Files.exists(early));

        started.get(0).finish("ok", null);
        vm.poll();
        Report r = row.report().get();
        assertNotNull(r);
        assertEquals("ok", r.destinations().get(0).status());
        assertNotNull(r.audit(), "the audit part, as the window's own report");
        assertEquals(Boolean.TRUE, r.audit().options().get("duplicator"));

        Path json = dir.resolve("a1.json");
        vm.reports().save(row, json);
        assertEquals("Report of /dev/sdb saved in " + json + " (JSON)", vm.reports().note().get());
        Report read = ReportFiles.JSON.readValue(json.toFile(), Report.class);
        assertEquals(r.destinations(), read.destinations());
        Path html = dir.resolve("a1.html");
        vm.reports().save(row, html);
        assertTrue(Files.readString(html).contains("<html"), "a printable page");
        vm.disarm();
    }

    @Test
    void aReportFolderGetsEveryDrivesReportAsItsJobEnds() throws Exception {
        DuplicatorViewModel vm = vm();
        vm.reports().folder(dir);
        writeOnce(vm, disk("sdb", 128 * MIB, "A1", null), "ok");
        writeOnce(vm, disk("sdc", 128 * MIB, "B 2/x", null), "failed");
        Path okFile = dir.resolve("kclone-Stick-A1-20261206-104207.json");
        Path failedFile = dir.resolve("kclone-Stick-B-2-x-20261206-104207.json");
        assertTrue(Files.exists(okFile), "named after model, serial and time: " + list());
        assertEquals("failed", ReportFiles.JSON.readValue(failedFile.toFile(), Report.class).destinations().get(0)
                .status(), "a failed drive's report is kept too");
        // a folder that went away: the row says its report was not saved
        vm.reports().folder(dir.resolve("gone"));
        DriveRow row = writeOnce(vm, disk("sdd", 128 * MIB, "C3", null), "ok");
        assertTrue(row.message().get().startsWith("written and verified: safe to remove; its report was NOT saved in "
                + dir.resolve("gone") + ": "), row.message().get());
        vm.disarm();
    }

    private String list() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList().toString();
        }
    }

    @Test
    void notificationsAreOneAtATimeAndDrivesEndingTogetherAreSummarised() {
        DuplicatorViewModel vm = vm();
        vm.arm(SOURCE, 64 * MIB);
        vm.observe(List.of(SYSTEM));
        vm.observe(List.of(SYSTEM, disk("sdb", 128 * MIB, "A1", null)));
        vm.poll();
        assertTrue(vm.nextNotice().isEmpty(), "nothing ended yet");
        started.get(0).finish("ok", null);
        vm.poll();
        DriveNotices.Notice one = vm.nextNotice().orElseThrow();
        assertEquals("kclone duplicator: drive done", one.title());
        assertEquals("Stick serial A1 (/dev/sdb): done, safe to remove", one.text());
        assertTrue(one.ok());
        assertFalse(vm.noticePending());

        // a batch of ten ends while that one is on screen: nothing more until it has gone, then one summary
        List<DeviceInfo> batch = new ArrayList<>(List.of(SYSTEM));
        for (int i = 0; i < 10; i++) {
            batch.add(disk("sd" + (char) ('c' + i), 128 * MIB, "S" + i, null));
        }
        vm.observe(batch);
        vm.poll();
        for (int i = 1; i <= 10; i++) {
            started.get(i).finish(i == 7 ? "failed" : "ok", i == 7 ? "writing sector 8: Input/output error" : null);
        }
        vm.poll();
        now.set(DriveNotices.GAP_NANOS - 1);
        assertTrue(vm.nextNotice().isEmpty(), "the first is still on screen");
        assertTrue(vm.noticePending());
        now.set(DriveNotices.GAP_NANOS);
        DriveNotices.Notice summary = vm.nextNotice().orElseThrow();
        assertEquals("kclone duplicator: 10 drives: 9 done, 1 failed", summary.title());
        String[] lines = summary.text().split("\n");
        assertEquals(5, lines.length, summary.text());
        assertTrue(lines[0].startsWith("Stick serial S6 (/dev/sdi): failed: "), "the failed one first: " + lines[0]);
        assertEquals("and 6 more: see the Duplicator rows", lines[4]);
        assertFalse(summary.ok());
        assertTrue(vm.nextNotice().isEmpty(), "every end told once");
        vm.disarm();
    }
}
