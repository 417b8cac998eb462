package org.kclone.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
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
    private final BooleanProperty grow = new SimpleBooleanProperty(false);
    private final StringProperty note = new SimpleStringProperty("");
    /** Where "~/" points (the user's home folder). */
    private final java.nio.file.Path home;

    public DestinationsViewModel(SourceViewModel source, Supplier<List<DeviceInfo>> devices) {
        this(source, devices, java.nio.file.Path.of(System.getProperty("user.home")));
    }

    /** {@code home}: where "~/" in the add field points (tests hand in a folder of theirs). */
    DestinationsViewModel(SourceViewModel source, Supplier<List<DeviceInfo>> devices, java.nio.file.Path home) {
        this.source = source;
        this.devices = devices;
        this.home = home;
        grow.addListener((o, a, b) -> validate());
    }

    /**
     * Whether an existing image file smaller than the copy is grown to fit (what the command line's
     * --grow does); off by default: a too-small image is refused on its row.
     */
    public BooleanProperty grow() {
        return grow;
    }

    /** What the last add said ("already in the list", "no removable drive..."), "" when it added. */
    public ReadOnlyStringProperty note() {
        return note;
    }

    /** The add field was edited: the last note (why an add added nothing) no longer applies. */
    public void typing() {
        note.set("");
    }

    /**
     * Adds what was typed in the add field, or says why not in {@link #note()}: nothing typed, already
     * in the list (a row is never added twice), or a name that is no listed device and no full path
     * ({@link TypedPath}: a bare "sdz" or "7" is a mistyped device, not a new image file; a
     * relative file name has no folder the window can show). A bare name of a listed device ("sdb") is
     * that device; "~/x.img" is in the home folder.
     *
     * @return the row added, or null
     */
    public Row offer(String typed) {
        String t = typed == null ? "" : typed.strip();
        if (t.isEmpty()) {
            note.set("Type a device (/dev/sdX) or an image file's full path to add.");
            return null;
        }
        TypedPath.Result named = TypedPath.of(t, devices.get(), home);
        if (named.path() == null) {
            note.set(named.refusal());
            return null;
        }
        String p = named.path();
        for (int i = 0; i < rows.size(); i++) {
            if (p.equals(rows.get(i).path.get())) {
                note.set(p + " is already in the list (destination " + (i + 1) + ").");
                return null;
            }
        }
        Row r = add(p);
        note.set("");
        return r;
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

    /**
     * Adds every removable disk at least as large as the source that may be written and is not listed
     * yet. When none is added, {@link #note()} says why (no source yet, none plugged in, or each
     * drive's reason).
     */
    public int addAllRemovable() {
        int added = 0;
        List<String> skipped = new ArrayList<>();
        for (DeviceInfo d : Lsblk.flatten(devices.get())) {
            if (!d.removable() || d.isPartition() || d.size() <= 0) {
                continue;
            }
            boolean listed = rows.stream().anyMatch(r -> d.path().equals(r.path.get()));
            String why = DeviceTableViewModel.whyNotDestination(d);
            if (listed) {
                skipped.add(d.path() + " is already in the list");
            } else if (d.path().equals(source.effectivePath())) {
                skipped.add(d.path() + " is the source");
            } else if (why != null) {
                skipped.add(d.path() + ": " + why);
            } else if (source.bytes() > 0 && d.size() < source.bytes()) {
                skipped.add(d.path() + " is smaller than the source (" + Sizes.human(d.size()) + ")");
            } else if (source.bytes() > 0) {
                add(d.path());
                added++;
            }
        }
        if (added > 0) {
            note.set("");
        } else if (source.bytes() <= 0) {
            note.set("Choose the source first: removable drives are added when they are large enough for it.");
        } else if (skipped.isEmpty()) {
            note.set("No removable drive is plugged in.");
        } else {
            note.set("No removable drive added: " + String.join("; ", skipped) + ".");
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
        CopyPlanner planner = new CopyPlanner(devices.get(), options());
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
        return new CopyPlanner(now, options()).copy(src, specs);
    }

    /** The planner's options: the window never forces nor writes the system disk; grows when asked. */
    private CopyPlanner.Options options() {
        return new CopyPlanner.Options(false, false, grow.get());
    }
}
