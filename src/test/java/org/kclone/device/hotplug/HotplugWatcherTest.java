package org.kclone.device.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kclone.device.DeviceInfo;

/** Appeared and gone disks between lsblk snapshots. */
class HotplugWatcherTest {

    private static DeviceInfo disk(String name, long size, String serial, String tran, boolean rm,
            List<DeviceInfo> children) {
        return new DeviceInfo(name, "/dev/" + name, null, size, "disk", "M", serial, tran, rm, false, 512, 512, 0,
                null, List.of(), null, null, List.of(), false, children);
    }

    private static DeviceInfo part(String name, String parent) {
        return new DeviceInfo(name, "/dev/" + name, null, 1 << 20, "part", null, null, null, false, false, 512, 512,
                2048, parent, List.of(), null, null, List.of(), false, List.of());
    }

    @Test
    void theFirstSnapshotIsTheBaselineThenAppearedAndGoneByNameAndSerial() {
        HotplugWatcher w = new HotplugWatcher();
        DeviceInfo vda = disk("vda", 1L << 30, null, null, false, List.of(part("vda1", "vda")));
        DeviceInfo sdb = disk("sdb", 1L << 30, "A", "usb", true, List.of());
        assertFalse(w.started());
        assertTrue(w.observe(List.of(vda, sdb)).isEmpty(), "present at the start: not appeared");
        assertTrue(w.started());
        assertTrue(w.observe(List.of(vda, sdb)).isEmpty());
        DeviceInfo sdc = disk("sdc", 1L << 30, "C", "usb", true, List.of(part("sdc1", "sdc")));
        HotplugWatcher.Change c = w.observe(List.of(vda, sdb, sdc));
        assertEquals(List.of(sdc), c.appeared(), "the disk, not its partition");
        assertEquals(List.of(), c.gone());
        c = w.observe(List.of(vda, sdc));
        assertEquals(List.of(new HotplugWatcher.Key("sdb", "A")), c.gone());
        // another stick under the name sdc: the old one went, a new one came
        DeviceInfo other = disk("sdc", 1L << 30, "D", "usb", true, List.of());
        c = w.observe(List.of(vda, other));
        assertEquals(List.of(other), c.appeared());
        assertEquals(List.of(new HotplugWatcher.Key("sdc", "C")), c.gone());
    }

    @Test
    void aCardReaderWithoutItsCardIsAbsentUntilTheCardGoesIn() {
        HotplugWatcher w = new HotplugWatcher();
        w.observe(List.of(disk("sdd", 0, "R", "usb", true, List.of())));
        DeviceInfo card = disk("sdd", 8L << 30, "R", "usb", true, List.of());
        assertEquals(List.of(card), w.observe(List.of(card)).appeared());
    }

    @Test
    void removableIsTheRmFlagOrAHotPluggedBus() {
        assertTrue(HotplugWatcher.removable(disk("sdb", 1, null, "sata", true, List.of())));
        assertTrue(HotplugWatcher.removable(disk("sdb", 1, null, "usb", false, List.of())), "a USB SSD says RM 0");
        assertTrue(HotplugWatcher.removable(disk("mmcblk0", 1, null, null, false, List.of())));
        assertFalse(HotplugWatcher.removable(disk("sda", 1, null, "sata", false, List.of())));
        assertFalse(HotplugWatcher.removable(disk("loop3", 1, null, null, false, List.of())));
        assertFalse(HotplugWatcher.removable(disk("nvme0n1", 1, null, "nvme", false, List.of())));
    }
}
