package org.kclone.ui.duplicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.device.Report;

/**
 * Duplicator mode without a toolkit: lsblk snapshots handed in one after the other (as the
 * poller would), jobs whose counters the test sets, and the rows as {@link DuplicatorViewModel#poll()}
 * leaves them.
 */
class DuplicatorViewModelTest {

    private static final long MIB = 1 << 20;
    private static final RegionSpec SOURCE = new RegionSpec("SOURCE", "/srv/golden.img", "/srv/golden.img", 0L,
            64 * MIB / 512);

    private static DeviceInfo disk(String name, long size, boolean removable, String serial) {
        return new DeviceInfo(name, "/dev/" + name, null, size, "disk", "Stick", serial, removable ? "usb" : "sata",
                removable, false, 512, 512, 0, null, List.of(), null, null, List.of(), false, List.of());
    }

    private static final DeviceInfo SYSTEM = disk("vda", 10L << 30, false, "SYS");

    /** A job the test drives: written, phase, done with a status. */
    static final class FakeJob implements DriveJob {
        volatile long written;
        volatile long verified;
        volatile CloneRun.Phase phase = CloneRun.Phase.COPYING;
        volatile String status;
        volatile String error;
        volatile boolean cancelled;
        final String path;

        FakeJob(String path) {
            this.path = path;
        }

        public CloneRun.Phase phase() {
            return phase;
        }

        public long totalBytes() {
            return 64 * MIB;
        }

        public long written() {
            return written;
        }

        public long verifiedBytes() {
            return verified;
        }

        public String error() {
            return null;
        }

        public boolean isDone() {
            return status != null;
        }

        public Report report() {
            return new Report("copy", null, written, 1, cancelled, List.of(), List.of(new Report.Destination(path, 0,
                    64 * MIB / 512, status, error, List.of(), null, null)));
        }

        @Override
        public void cancel() {
            cancelled = true;
            error = "incomplete: " + written + " of " + 64 * MIB + " bytes written; the job stopped when it was cancelled";
            status = "failed";
            phase = CloneRun.Phase.DONE;
        }

        void finish(String s, String why) {
            written = 64 * MIB;
            verified = 64 * MIB;
            error = why;
            status = s;
            phase = CloneRun.Phase.DONE;
        }
    }

    private final List<FakeJob> started = new ArrayList<>();
    private int closed;

    private DuplicatorViewModel vm() {
        DriveStarter starter = new DriveStarter() {
            @Override
            public DriveJob start(CopyPlanner.Plan plan) {
                FakeJob j = new FakeJob(plan.destinations().isEmpty() ? "?" : plan.destinations().get(0).path().toString());
                started.add(j);
                return j;
            }

            @Override
            public void closeWhenIdle() {
                closed++;
            }
        };
        DuplicatorViewModel vm = new DuplicatorViewModel(List::of, starter, r -> "said plainly: " + r);
        vm.pollEvery(0); // the test hands in the snapshots
        vm.planner((roots, source, drive) -> {
            DeviceInfo d = roots.stream().filter(x -> x.path().equals(drive.path())).findFirst().orElseThrow();
            if (!d.mountpoints().isEmpty()) {
                throw new RefusedException(drive.field(), drive.path() + " is mounted at " + d.mountpoints().get(0));
            }
            return new CopyPlanner.Plan(null, List.of(), Map.of(), null);
        });
        return vm;
    }

    @Test
    void aDrivePluggedInAfterArmingIsWrittenAndSaysWhenItIsSafeToRemove() {
        DuplicatorViewModel vm = vm();
        assertTrue(vm.arm(SOURCE, 64 * MIB));
        assertTrue(vm.active().get());
        vm.observe(List.of(SYSTEM)); // the baseline
        vm.poll();
        assertEquals(0, vm.rows().size());
        vm.observe(List.of(SYSTEM, disk("sdb", 128 * MIB, true, "A1")));
        vm.poll();
        assertEquals(1, started.size(), "one job for the one new drive");
        DriveRow row = vm.rows().get(0);
        assertEquals("/dev/sdb", row.path());
        assertEquals("Stick  serial A1", row.model());
        assertEquals("writing", row.state().get());
        assertFalse(row.safeToRemove().get());

        started.get(0).written = 16 * MIB;
        vm.poll();
        assertEquals(0.125, row.progress().get(), 1e-9, "writing is the first half of the bar");
        assertTrue(row.message().get().startsWith("writing: 16.0 MiB of 64.0 MiB"), row.message().get());
        assertTrue(row.message().get().endsWith("do not remove"), row.message().get());

        started.get(0).written = 64 * MIB;
        started.get(0).phase = CloneRun.Phase.VERIFYING;
        started.get(0).verified = 32 * MIB;
        vm.poll();
        assertEquals("verifying", row.state().get());
        assertFalse(row.safeToRemove().get(), "not while it is read back");
        assertEquals(0.75, row.progress().get(), 1e-9, "verifying the second half: the bar did not go back");

        started.get(0).finish("ok", null);
        vm.poll();
        assertEquals("done", row.state().get());
        assertTrue(row.safeToRemove().get());
        assertEquals("written and verified: safe to remove", row.message().get());
        assertEquals(1, vm.done().get());
        assertEquals("1 done, 0 failed, 0 refused, 0 running", vm.counters().get());

        vm.observe(List.of(SYSTEM)); // pulled out
        vm.poll();
        assertFalse(row.present().get());
        assertEquals("written and verified: safe to remove (removed)", row.message().get());
    }

    @Test
    void drivesPresentWhenArmedAreLeftAlone() {
        DuplicatorViewModel vm = vm();
        DeviceInfo already = disk("sdb", 128 * MIB, true, "A1");
        vm.arm(SOURCE, 64 * MIB);
        vm.observe(List.of(SYSTEM, already));
        vm.observe(List.of(SYSTEM, already));
        vm.poll();
        assertEquals(0, vm.rows().size());
        assertEquals(0, started.size());
        // another stick that gets the same kernel name is a new drive
        vm.observe(List.of(SYSTEM));
        vm.observe(List.of(SYSTEM, disk("sdb", 128 * MIB, true, "B2")));
        vm.poll();
        assertEquals(1, started.size());
        assertEquals("Stick  serial B2", vm.rows().get(0).model());
    }

    @Test
    void aTooSmallDriveIsRefusedOnItsRowAndNeverWritten() {
        DuplicatorViewModel vm = vm();
        vm.arm(SOURCE, 64 * MIB);
        vm.observe(List.of(SYSTEM));
        vm.observe(List.of(SYSTEM, disk("sdc", 32 * MIB, true, "SMALL")));
        vm.poll();
        assertEquals(0, started.size(), "nothing started");
        DriveRow row = vm.rows().get(0);
        assertEquals("refused", row.state().get());
        assertEquals("too small: 32.0 MiB, the source needs 64.0 MiB; not written, safe to remove",
                row.message().get());
        assertTrue(row.safeToRemove().get());
        assertEquals(1, vm.refused().get());
        assertEquals("0 done, 0 failed, 1 refused, 0 running", vm.counters().get());
    }

    @Test
    void aDriveTheGuardsRefuseGetsTheReasonInTheWindowsWords() {
        DuplicatorViewModel vm = vm();
        vm.arm(SOURCE, 64 * MIB);
        vm.observe(List.of(SYSTEM));
        DeviceInfo mounted = new DeviceInfo("sdd", "/dev/sdd", null, 128 * MIB, "disk", "Stick", "M", "usb", true,
                false, 512, 512, 0, null, List.of("/media/stick"), null, null, List.of(), false, List.of());
        vm.observe(List.of(SYSTEM, mounted));
        vm.poll();
        assertEquals(0, started.size());
        assertEquals("said plainly: /dev/sdd is mounted at /media/stick; not written, safe to remove",
                vm.rows().get(0).message().get());
    }

    @Test
    void aFixedDiskThatAppearsIsNotATarget() {
        DuplicatorViewModel vm = vm();
        vm.arm(SOURCE, 64 * MIB);
        vm.observe(List.of(SYSTEM));
        vm.observe(List.of(SYSTEM, disk("sde", 128 * MIB, false, "FIXED"), disk("loop7", 128 * MIB, false, null)));
        vm.poll();
        assertEquals(0, started.size());
        assertEquals(0, vm.rows().size());
        // a USB drive whose RM flag is 0 (a USB SSD) is one
        vm.observe(List.of(SYSTEM, new DeviceInfo("sdf", "/dev/sdf", null, 128 * MIB, "disk", "SSD", "U", "usb",
                false, false, 512, 512, 0, null, List.of(), null, null, List.of(), false, List.of())));
        vm.poll();
        assertEquals(1, started.size());
    }

    @Test
    void disarmingLetsRunningJobsFinishAndIgnoresNewDrives() {
        DuplicatorViewModel vm = vm();
        vm.arm(SOURCE, 64 * MIB);
        vm.observe(List.of(SYSTEM));
        vm.observe(List.of(SYSTEM, disk("sdb", 128 * MIB, true, "A1"), disk("sdc", 128 * MIB, true, "A2")));
        vm.poll();
        assertEquals(2, started.size());
        vm.disarm();
        assertFalse(vm.armed().get());
        assertEquals(1, closed, "the engine is let go once idle");
        assertTrue(vm.active().get(), "two jobs still run");
        assertEquals("Off: 2 jobs still running to the end; new drives are left alone.", vm.status().get());
        vm.observe(List.of(SYSTEM, disk("sdb", 128 * MIB, true, "A1"), disk("sdc", 128 * MIB, true, "A2"),
                disk("sdd", 128 * MIB, true, "A3")));
        vm.poll();
        assertEquals(2, started.size(), "nothing new started after disarming");
        assertEquals(2, vm.rows().size());
        started.get(0).finish("ok", null);
        started.get(1).finish("failed", "writing sector 2048: Input/output error");
        vm.poll();
        assertEquals("done", vm.rows().get(0).state().get());
        assertEquals("failed", vm.rows().get(1).state().get());
        assertEquals("failed: writing sector 2048: Input/output error; not a good copy, safe to remove",
                vm.rows().get(1).message().get());
        assertEquals("1 done, 1 failed, 0 refused, 0 running", vm.counters().get());
        assertFalse(vm.active().get(), "nothing armed, nothing running: the window stops polling");
        assertEquals("Off.", vm.status().get());
    }

    @Test
    void armingNeedsAValidSource() {
        DuplicatorViewModel vm = vm();
        assertFalse(vm.arm(null, 0));
        assertFalse(vm.armed().get());
        assertEquals("Choose a valid source first: every drive plugged in gets a copy of it.", vm.status().get());
        // re-arming takes a new baseline: what was plugged in meanwhile is left alone
        vm.arm(SOURCE, 64 * MIB);
        vm.observe(List.of(SYSTEM));
        vm.disarm();
        vm.arm(SOURCE, 64 * MIB);
        vm.observe(List.of(SYSTEM, disk("sdb", 128 * MIB, true, "A1")));
        vm.poll();
        assertEquals(0, vm.rows().size());
    }

    @Test
    void stopAllCancelsTheRunningJobsWhichThenSaySafeToRemove() {
        DuplicatorViewModel vm = vm();
        vm.arm(SOURCE, 64 * MIB);
        vm.observe(List.of(SYSTEM));
        vm.observe(List.of(SYSTEM, disk("sdb", 128 * MIB, true, "A1"), disk("sdc", 128 * MIB, true, "A2")));
        vm.poll();
        started.get(0).finish("ok", null);
        started.get(1).written = 8 * MIB;
        vm.poll();
        assertEquals(1, vm.running());
        vm.stopAll();
        assertFalse(vm.armed().get());
        assertTrue(started.get(1).cancelled, "the running job was cancelled");
        assertFalse(started.get(0).cancelled, "the finished one is left as it is");
        vm.poll();
        DriveRow row = vm.rows().get(1);
        assertEquals("cancelled", row.state().get());
        assertEquals("cancelled: 8.0 MiB of 64.0 MiB written, partly overwritten; safe to remove", row.message().get());
        assertTrue(row.safeToRemove().get());
        assertEquals(0, vm.running());
        assertEquals("1 done, 0 failed, 0 refused, 0 running, 1 cancelled", vm.counters().get());
    }

    @Test
    void aListingThatFailsIsSaidAndTriedAgainOnThePollersThread() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Callable<List<DeviceInfo>> lsblk = () -> {
            calls.incrementAndGet();
            if (broken.get()) {
                throw new java.io.IOException("lsblk did not answer within 30 s");
            }
            return List.of(SYSTEM);
        };
        DuplicatorViewModel vm = new DuplicatorViewModel(lsblk, plan -> new FakeJob("?"), r -> r);
        vm.pollEvery(10);
        vm.arm(SOURCE, 64 * MIB);
        try {
            for (int i = 0; i < 1000 && !vm.status().get().startsWith("Cannot"); i++) {
                Thread.sleep(10);
                vm.poll();
            }
            assertEquals("Cannot list the drives: lsblk did not answer within 30 s (trying again every second)",
                    vm.status().get());
            int before = calls.get();
            broken.set(false);
            for (int i = 0; i < 1000 && !vm.status().get().startsWith("Armed"); i++) {
                Thread.sleep(10);
                vm.poll();
            }
            assertTrue(vm.status().get().startsWith("Armed: plug in drives of at least 64.0 MiB"), vm.status().get());
            assertTrue(calls.get() > before, "listed again");
        } finally {
            vm.disarm();
        }
    }
}
