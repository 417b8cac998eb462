package org.kclone.ui;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;

/**
 * The device table's state: every disk and partition, refreshed off the FX thread (every two
 * seconds and on demand) and applied through {@code fx} only when something changed, so a
 * selection survives a refresh that finds nothing new.
 */
public final class DeviceTableViewModel {

    private final Callable<List<DeviceInfo>> discovery;
    private final Executor fx;
    private final ObservableList<DeviceInfo> devices = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private volatile List<DeviceInfo> roots = List.of();
    private ScheduledExecutorService watcher;

    /**
     * @param discovery lists the devices (lsblk in the app, a fixed list in tests)
     * @param fx runs a state change where the UI may see it (the FX thread in the app)
     */
    public DeviceTableViewModel(Callable<List<DeviceInfo>> discovery, Executor fx) {
        this.discovery = discovery;
        this.fx = fx;
    }

    public static Callable<List<DeviceInfo>> lsblk() {
        return Lsblk::discover;
    }

    /**
     * Disks and partitions, partitions right after their disk; removable drives first (the ones a
     * technician plugs in), otherwise in lsblk's order; devices of 0 bytes (an empty zram, a card
     * reader without a card) left out.
     */
    public ObservableList<DeviceInfo> devices() {
        return devices;
    }

    /** The trees as last discovered (for the guards, which need holders and parents). */
    public List<DeviceInfo> roots() {
        return roots;
    }

    public ReadOnlyStringProperty status() {
        return status.getReadOnlyProperty();
    }

    private final javafx.beans.property.ReadOnlyIntegerWrapper asked = new javafx.beans.property.ReadOnlyIntegerWrapper();

    /**
     * Counts the refreshes a person asked for (the Refresh button), told through {@code fx} once
     * each is applied: what lsblk cannot show changed (a mount remounted read-only), so the source
     * and destinations are checked again even when the table looks the same.
     */
    public javafx.beans.property.ReadOnlyIntegerProperty askedRefreshes() {
        return asked.getReadOnlyProperty();
    }

    /** As {@link #refresh()}, asked for by a person: {@link #askedRefreshes()} counts it afterwards. */
    public void refreshAsked() {
        refresh();
        fx.execute(() -> asked.set(asked.get() + 1));
    }

    /** Discovers now, on the calling thread, and applies the result through {@code fx}. */
    public void refresh() {
        try {
            apply(discovery.call());
        } catch (Exception e) {
            fx.execute(() -> status.set("cannot list devices: " + e.getMessage()));
        }
    }

    /**
     * Discovers now, on the calling thread, bypassing the two-second watch: for the check right
     * before writing. The result also becomes {@link #roots()} and, through {@code fx}, the table.
     */
    public List<DeviceInfo> discoverNow() throws Exception {
        List<DeviceInfo> found = discovery.call();
        apply(found);
        return found;
    }

    private void apply(List<DeviceInfo> found) {
        List<DeviceInfo> flat = shown(found);
        roots = found;
        fx.execute(() -> {
            if (!flat.equals(devices)) {
                devices.setAll(flat);
            }
            status.set(flat.size() + " devices");
        });
    }

    /** What the table shows of {@code found}: see {@link #devices()}. */
    static List<DeviceInfo> shown(List<DeviceInfo> found) {
        List<DeviceInfo> disks = found.stream().filter(d -> d.size() > 0)
                .sorted(java.util.Comparator.comparing(d -> !d.removable())).toList();
        return Lsblk.flatten(disks).stream()
                .filter(d -> (d.isPartition() || d.parent() == null) && d.size() > 0).toList();
    }

    /** Refreshes every two seconds on a daemon thread, so plugged and removed drives show by themselves. */
    public void startWatching() {
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kclone-device-watch");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::refresh, 0, 2, TimeUnit.SECONDS);
    }

    public void stopWatching() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    /** Whether a device may be picked as a destination: not the system disk, not mounted, held or read-only. */
    public static boolean selectableAsDestination(DeviceInfo d) {
        return !d.system() && !d.mountedAnywhere() && !d.heldAnywhere() && !d.readOnly();
    }

    /** Why a device may not be a destination, or null. */
    public static String whyNotDestination(DeviceInfo d) {
        if (d.system()) {
            return "system disk";
        }
        if (d.mountedAnywhere()) {
            return "mounted at " + String.join(", ", d.allMountpoints());
        }
        if (d.heldAnywhere()) {
            return "in use by LVM, md or dm";
        }
        if (d.readOnly()) {
            return "read-only";
        }
        return null;
    }
}
