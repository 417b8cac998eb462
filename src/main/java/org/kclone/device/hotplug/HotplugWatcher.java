package org.kclone.device.hotplug;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kclone.device.DeviceInfo;

/**
 * Tells which whole disks appeared and which went away between successive lsblk snapshots. The
 * first snapshot is the baseline: what is present then never counts as appeared. A disk is known
 * by its kernel name and serial ({@link Key}), so another stick that gets the same name
 * ({@code sdb} again) is a new disk; a disk of 0 bytes (a card reader without its card) counts as
 * absent, so inserting the card makes it appear. Not thread-safe: one poller feeds it.
 */
public final class HotplugWatcher {

    /** Kernel name and serial (null when the disk reports none). */
    public record Key(String name, String serial) {
        public static Key of(DeviceInfo d) {
            String s = d.serial() == null || d.serial().isBlank() ? null : d.serial().trim();
            return new Key(d.name(), s);
        }
    }

    /** What changed since the previous snapshot; both empty for the baseline. */
    public record Change(List<DeviceInfo> appeared, List<Key> gone) {
        public Change {
            appeared = List.copyOf(appeared);
            gone = List.copyOf(gone);
        }

        public boolean isEmpty() {
            return appeared.isEmpty() && gone.isEmpty();
        }
    }

    /** Buses of drives that are plugged in and pulled out, whatever their RM flag says (a USB SSD reports RM 0). */
    private static final Set<String> HOTPLUG_BUSES = Set.of("usb", "mmc", "sdio", "ieee1394");

    private Map<Key, DeviceInfo> known;

    /** Compares {@code roots} (lsblk's trees, as {@link org.kclone.device.Lsblk#discover()}) with the previous snapshot. */
    public Change observe(List<DeviceInfo> roots) {
        Map<Key, DeviceInfo> now = new LinkedHashMap<>();
        for (DeviceInfo d : roots) {
            if (d.parent() == null && !d.isPartition() && d.size() > 0) {
                now.putIfAbsent(Key.of(d), d);
            }
        }
        if (known == null) {
            known = now;
            return new Change(List.of(), List.of());
        }
        List<DeviceInfo> appeared = new ArrayList<>();
        for (Map.Entry<Key, DeviceInfo> e : now.entrySet()) {
            if (!known.containsKey(e.getKey())) {
                appeared.add(e.getValue());
            }
        }
        List<Key> gone = new ArrayList<>();
        for (Key k : known.keySet()) {
            if (!now.containsKey(k)) {
                gone.add(k);
            }
        }
        known = now;
        return new Change(appeared, gone);
    }

    /** Whether a baseline has been taken. */
    public boolean started() {
        return known != null;
    }

    /**
     * Whether {@code d} is a drive people plug in and pull out: lsblk's RM flag, or a bus that is hot
     * plugged (USB, MMC/SD; an SD card in a laptop's slot is {@code mmcblkN} without a bus).
     */
    public static boolean removable(DeviceInfo d) {
        return d.removable() || (d.transport() != null && HOTPLUG_BUSES.contains(d.transport()))
                || (d.name() != null && d.name().startsWith("mmcblk"));
    }
}
