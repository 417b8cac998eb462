package org.kclone.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.device.Sizes;

/**
 * The destinations: rows of a path and a start, each with the guard it breaks shown on the row.
 * The guards are the CLI's ({@link CopyPlanner}), checked per row and then across rows (overlaps).
 */
public final class DestinationsViewModel {

    /** One destination row. {@code error} is empty when the row passes every guard. */
    public static final class Row {
        private final StringProperty path = new SimpleStringProperty();
        private final StringProperty start = new SimpleStringProperty("0");
        private final StringProperty error = new SimpleStringProperty("");

        Row(String path) {
            this.path.set(path);
        }

        public StringProperty path() {
            return path;
        }

        public StringProperty start() {
            return start;
        }

        public StringProperty error() {
            return error;
        }
    }

    private final ObservableList<Row> rows = FXCollections.observableArrayList(
            r -> new javafx.beans.Observable[] {r.path, r.start, r.error});
    private final SourceViewModel source;
    private final Supplier<List<DeviceInfo>> devices;

    public DestinationsViewModel(SourceViewModel source, Supplier<List<DeviceInfo>> devices) {
        this.source = source;
        this.devices = devices;
    }

    public ObservableList<Row> rows() {
        return rows;
    }

    public Row add(String path) {
        Row r = new Row(path);
        r.start.addListener((o, a, b) -> validate());
        rows.add(r);
        validate();
        return r;
    }

    public void remove(Row r) {
        rows.remove(r);
        validate();
    }

    /** Adds every removable disk at least as large as the source that may be written and is not listed yet. */
    public int addAllRemovable() {
        int added = 0;
        for (DeviceInfo d : Lsblk.flatten(devices.get())) {
            boolean listed = rows.stream().anyMatch(r -> d.path().equals(r.path.get()));
            if (d.removable() && !d.isPartition() && d.size() >= source.bytes() && source.bytes() > 0 && !listed
                    && DeviceTableViewModel.selectableAsDestination(d) && !d.path().equals(source.path().get())) {
                add(d.path());
                added++;
            }
        }
        return added;
    }

    /** At least one destination and no row with an error. */
    public BooleanBinding valid() {
        return Bindings.createBooleanBinding(() -> !rows.isEmpty()
                && rows.stream().allMatch(r -> r.error.get().isEmpty()), rows);
    }

    /** Re-checks every row against the guards (call after the source or the device list changed). */
    public void validate() {
        RegionSpec src = source.spec();
        CopyPlanner planner = new CopyPlanner(devices.get(), CopyPlanner.Options.NONE);
        List<RegionSpec> specs = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            String field = "DEST " + (i + 1);
            RegionSpec spec;
            try {
                spec = new RegionSpec(field, r.path.get(), r.path.get(), Sizes.toSectors(r.start.get()), null);
            } catch (IllegalArgumentException e) {
                r.error.set("Start: " + e.getMessage());
                specs.add(null);
                continue;
            }
            specs.add(spec);
            if (src == null) {
                r.error.set("");
                continue;
            }
            try {
                planner.copy(src, List.of(spec));
                r.error.set("");
            } catch (RefusedException e) {
                r.error.set(Reasons.forTheWindow(e.reason()));
            }
        }
        if (src == null || specs.contains(null) || rows.stream().anyMatch(r -> !r.error.get().isEmpty())) {
            return;
        }
        try {
            planner.copy(src, specs);
        } catch (RefusedException e) {
            for (int i = 0; i < rows.size(); i++) {
                if (e.field().equals("DEST " + (i + 1))) {
                    rows.get(i).error.set(Reasons.forTheWindow(e.reason()));
                }
            }
        }
    }

    /** The plan for a copy from the source to every row, with every guard checked again now. */
    public CopyPlanner.Plan plan() throws RefusedException {
        return plan(devices.get());
    }

    /** The same plan made against {@code now}, a discovery made right before writing. */
    public CopyPlanner.Plan plan(List<DeviceInfo> now) throws RefusedException {
        List<RegionSpec> specs = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            specs.add(new RegionSpec("DEST " + (i + 1), r.path.get(), r.path.get(), Sizes.toSectors(r.start.get()),
                    null));
        }
        RegionSpec src = source.spec();
        if (src == null) {
            throw new RefusedException("SOURCE", "the source is not valid");
        }
        return new CopyPlanner(now, CopyPlanner.Options.NONE).copy(src, specs);
    }
}
