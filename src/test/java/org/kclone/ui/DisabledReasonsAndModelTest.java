package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;
import org.kclone.ui.table.DestinationRow;
import org.kclone.ui.table.RowDescriptions;

/**
 * Without a toolkit: the reason each greyed control gives ({@link DisabledReasons}), the window's
 * vertical divider ({@link SplitPlacement}), and a row's
 * Model cell that keeps its words once a job runs ({@link RowDescriptions}).
 */
class DisabledReasonsAndModelTest {

    @TempDir
    Path dir;

    private static DeviceInfo disk(String name, boolean system, List<String> mounts, boolean readOnly) {
        return new DeviceInfo(name, "/dev/" + name, null, 8L << 30, "disk", "Stick", "S" + name, "usb", true, readOnly,
                512, 512, 0, null, mounts, null, null, List.of(), system, List.of());
    }

    @Test
    void everySetupControlSaysItIsLockedDuringAJobAndNothingOtherwise() {
        assertEquals(DisabledReasons.LOCKED, DisabledReasons.setup(true));
        assertEquals("", DisabledReasons.setup(false));
        assertEquals(DisabledReasons.LOCKED, DisabledReasons.add("/dev/sdb", true));
        assertEquals(DisabledReasons.LOCKED, DisabledReasons.useAsSource(disk("sdb", false, List.of(), false), true));
        assertEquals(DisabledReasons.LOCKED, DisabledReasons.addAsDestination(disk("sdb", false, List.of(), false),
                true));
        assertEquals(DisabledReasons.LOCKED, DisabledReasons.usedOnly("", true));
        assertTrue(DisabledReasons.LOCKED.contains("while the job runs"), DisabledReasons.LOCKED);
    }

    @Test
    void addSaysToTypeAPathFirst() {
        assertEquals(DisabledReasons.TYPE_FIRST, DisabledReasons.add("", false));
        assertEquals(DisabledReasons.TYPE_FIRST, DisabledReasons.add(null, false));
        assertEquals("", DisabledReasons.add("/dev/sdb", false));
    }

    @Test
    void theTreeButtonsSayToSelectADeviceAndWhyTheSelectedOneIsNoDestination() {
        assertEquals(DisabledReasons.SELECT_FIRST, DisabledReasons.useAsSource(null, false));
        assertEquals(DisabledReasons.SELECT_FIRST, DisabledReasons.addAsDestination(null, false));
        DeviceInfo fine = disk("sdb", false, List.of(), false);
        assertEquals("", DisabledReasons.useAsSource(fine, false));
        assertEquals("", DisabledReasons.addAsDestination(fine, false));
        assertEquals("/dev/sda cannot be a destination: system disk",
                DisabledReasons.addAsDestination(disk("sda", true, List.of(), false), false));
        assertEquals("/dev/sdc cannot be a destination: mounted at /media/stick",
                DisabledReasons.addAsDestination(disk("sdc", false, List.of("/media/stick"), false), false));
        assertEquals("/dev/sdd cannot be a destination: read-only",
                DisabledReasons.addAsDestination(disk("sdd", false, List.of(), true), false));
        // the system disk may still be read: it is a source
        assertEquals("", DisabledReasons.useAsSource(disk("sda", true, List.of(), false), false));
    }

    @Test
    void usedBlocksOnlySaysWhyTheSourceHasNoMap() {
        assertEquals("Used blocks only is not available: pick a source first",
                DisabledReasons.usedOnly("pick a source first", false));
        assertEquals("", DisabledReasons.usedOnly("", false));
    }

    @Test
    void cancelAndSaveReportSayWhatTheyWaitFor() {
        assertEquals(DisabledReasons.NO_JOB, DisabledReasons.cancel(false));
        assertEquals("", DisabledReasons.cancel(true));
        assertEquals(DisabledReasons.NO_REPORT_YET, DisabledReasons.saveReport(false, false, false));
        assertEquals(DisabledReasons.REPORT_AFTER_JOB, DisabledReasons.saveReport(true, false, true));
        assertEquals(DisabledReasons.NO_REPORT, DisabledReasons.saveReport(false, false, true));
        assertEquals("", DisabledReasons.saveReport(false, true, true));
    }

    private Path file(String name, int bytes) throws Exception {
        byte[] data = new byte[bytes];
        new Random(name.hashCode()).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    @Test
    void imageRowsKeepTheirModelCellOnceTheJobRuns() throws Exception {
        SourceViewModel source = new SourceViewModel(List::of);
        source.choose(file("src.img", 1 << 20).toString());
        DestinationsViewModel dests = new DestinationsViewModel(source, List::of);
        Path old = file("old.img", 1 << 20);
        dests.add(old.toString());
        dests.add(dir.resolve("new.img").toString());
        JobViewModel job = new JobViewModel();
        new SetupRows(dests, job, List::of);
        assertEquals(List.of(RowDescriptions.IMAGE_FILE, RowDescriptions.NEW_IMAGE_FILE),
                job.rows().stream().map(r -> r.model().get()).toList(), "before the job");
        List<DestinationRow> before = List.copyOf(job.rows());
        job.start(dests.plan());
        assertEquals(before, job.rows(), "the job runs on the setup's rows");
        assertEquals(List.of(RowDescriptions.IMAGE_FILE, RowDescriptions.NEW_IMAGE_FILE),
                job.rows().stream().map(r -> r.model().get()).toList(), "while the job runs");
        assertEquals("1 MiB", job.rows().get(0).size().get());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (job.running().get() && System.nanoTime() < deadline) {
            job.poll();
            Thread.sleep(1000 / MainWindow.UPDATES_PER_SECOND);
        }
        assertFalse(job.running().get());
        assertEquals(List.of(RowDescriptions.IMAGE_FILE, RowDescriptions.IMAGE_FILE),
                job.rows().stream().map(r -> r.model().get()).toList(), "after the job: the new file exists now");
        assertEquals("1 MiB", job.rows().get(1).size().get());
    }

    @Test
    void theTopOfTheWindowGetsWhatItsTallerColumnNeedsUnlessTheTableNeedsTheRoom() {
        // 800 px: the table wants 300, the tree column with its map 420: the top gets its 420
        assertEquals(420.0 / 800, SplitPlacement.divider(800, 300, 420), 1e-9);
        // sixteen rows want 600: the table first, the top what is left
        assertEquals(200.0 / 800, SplitPlacement.divider(800, 600, 420), 1e-9);
        // never less than a fifth
        assertEquals(0.2, SplitPlacement.divider(800, 780, 420), 1e-9);
    }

    @Test
    void aBlockDevicesRowShowsItsModelAndSerialFromThePlan() {
        DestinationRow row = new DestinationRow("/dev/sdb");
        RowDescriptions.describe(row, new Endpoint("DEST 1", Path.of("/dev/sdb"), Endpoint.Kind.BLOCK,
                disk("sdb", false, List.of(), false), 0, 8, 8L << 30, 512));
        assertEquals("Stick", row.model().get());
        assertEquals("Ssdb", row.serial().get());
        RowDescriptions.fromPlan(List.of(row), new CopyPlanner.Plan(null, List.of(new Endpoint("DEST 1",
                dir.resolve("x.img"), Endpoint.Kind.NEW_IMAGE, null, 0, 8, 0, 512))));
        assertEquals(RowDescriptions.NEW_IMAGE_FILE, row.model().get());
        assertEquals("", row.serial().get());
    }
}
