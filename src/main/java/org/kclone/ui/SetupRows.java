package org.kclone.ui;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javafx.collections.ListChangeListener;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;
import org.kclone.ui.table.DestinationRow;
import org.kclone.ui.table.RowDescriptions;

/**
 * Keeps the table's rows ({@link JobViewModel#rows()}) as the list of destinations while no job
 * runs: one {@link DestinationRow} per {@link DestinationsViewModel.Row}, made once, its path, start
 * and guard bound to it, with the device's model, serial and size. A job then runs on these same
 * rows, so after it Start and Remove act on the list again.
 */
final class SetupRows {

    private final DestinationsViewModel destVm;
    private final JobViewModel jobVm;
    private final Supplier<List<DeviceInfo>> devices;
    private final Map<DestinationsViewModel.Row, DestinationRow> made = new IdentityHashMap<>();
    private java.util.function.LongSupplier sourceSectors = () -> 0;

    SetupRows(DestinationsViewModel destVm, JobViewModel jobVm, Supplier<List<DeviceInfo>> devices) {
        this.destVm = destVm;
        this.jobVm = jobVm;
        this.devices = devices;
        destVm.rows().addListener((ListChangeListener<DestinationsViewModel.Row>) c -> {
            boolean structural = false;
            while (c.next()) {
                structural |= c.wasAdded() || c.wasRemoved() || c.wasPermutated();
            }
            if (structural) {
                sync();
            }
        });
        sync();
        // a job's new image file exists once it ends: "image file" with its size from then on
        jobVm.running().addListener((o, was, now) -> {
            if (!now) {
                describe();
            }
        });
    }

    /** The table's rows as the list is now; rows of a finished job go back to queued. */
    void sync() {
        if (jobVm.running().get()) {
            return; // locked: the list cannot change during a job
        }
        made.keySet().removeIf(k -> destVm.rows().stream().noneMatch(x -> x == k));
        List<DestinationRow> rows = destVm.rows().stream().map(r -> made.computeIfAbsent(r, this::make)).toList();
        rows.forEach(DestinationRow::queue);
        describe(rows);
        jobVm.rows().setAll(rows);
    }

    /**
     * Keeps each row's strip of what will be overwritten ({@link OverwriteMap}) in step with the
     * source region's length (one line in the window: {@code setupRows.watchSource(sourceVm)}).
     */
    void watchSource(SourceViewModel source) {
        sourceSectors = () -> source.bytes() / org.kclone.device.Sizes.SECTOR;
        source.summary().addListener((o, a, b) -> describe());
        describe();
    }

    /** Fills model, serial and size from the devices known now (the list refreshes by itself). */
    void describe() {
        if (!jobVm.running().get()) {
            describe(jobVm.rows());
        }
    }

    private void describe(List<DestinationRow> rows) {
        List<DeviceInfo> roots = devices.get();
        List<DeviceInfo> all = Lsblk.flatten(roots);
        for (DestinationRow r : rows) {
            overwrite(roots, r);
            DeviceInfo d = all.stream().filter(x -> x.path().equals(r.path().get())).findFirst().orElse(null);
            if (d != null) {
                r.describe(d.model(), d.serial(), d.size());
            } else {
                java.io.File f = new java.io.File(r.path().get());
                r.describe(f.isFile() ? RowDescriptions.IMAGE_FILE : RowDescriptions.NEW_IMAGE_FILE, null,
                        f.isFile() ? f.length() : 0);
            }
        }
    }

    private void overwrite(List<DeviceInfo> roots, DestinationRow r) {
        long start;
        try {
            start = Math.max(0, org.kclone.device.Sizes.toSectors(r.start().get()));
        } catch (IllegalArgumentException e) {
            r.overwrite().set(null); // the row's guard already says what is wrong with START
            return;
        }
        r.overwrite().set(OverwriteMap.of(roots, r.path().get(), start, sourceSectors.getAsLong()));
    }

    /** Takes a row's destination out of the list (the Remove button of the table's row). */
    void remove(DestinationRow row) {
        made.entrySet().stream().filter(e -> e.getValue() == row).map(Map.Entry::getKey).findFirst()
                .ifPresent(destVm::remove);
    }

    private DestinationRow make(DestinationsViewModel.Row setup) {
        DestinationRow r = new DestinationRow(setup.path().get());
        r.path().bind(setup.path());
        r.start().bindBidirectional(setup.start());
        r.guard().bind(setup.error());
        setup.start().addListener((o, a, b) -> {
            if (!jobVm.running().get()) {
                r.queue(); // a finished job's verdict is not this new setup's
                overwrite(devices.get(), r);
            }
        });
        return r;
    }
}
