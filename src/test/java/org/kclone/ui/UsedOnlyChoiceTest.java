package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;
import org.kclone.device.probe.ProbeMode;

/** "Used blocks only" in the window: offered and on for whole disks and supported partitions, greyed with the reason otherwise. */
class UsedOnlyChoiceTest {

    @TempDir
    Path dir;

    private static Endpoint block(String type, String fs, long start, long count) {
        DeviceInfo d = new DeviceInfo("sdx1", "/dev/sdx1", null, 64 << 20, type, "Disk", "S1", "usb", false, false,
                512, 512, 0, type.equals("part") ? "sdx" : null, List.of(), fs, null, List.of(), false, List.of());
        return new Endpoint("SOURCE", Path.of("/dev/sdx1"), Endpoint.Kind.BLOCK, d, start, count, 64 << 20, 512);
    }

    @Test
    void aWholeDiskAndASupportedPartitionAreOnAnUnsupportedOneIsGreyedWithTheReason() {
        assertNull(UsedOnlyChoice.unavailable(block("disk", null, 0, 131072)));
        assertTrue(UsedOnlyChoice.defaultOn(block("disk", null, 0, 131072)));
        assertTrue(UsedOnlyChoice.defaultOn(block("part", "ext4", 0, 131072)));
        assertTrue(UsedOnlyChoice.unavailable(block("part", "xfs", 0, 131072)).contains("xfs"));
        // lsblk names none (no udev, or not probed yet): offered but off; the copy looks when it starts
        assertNull(UsedOnlyChoice.unavailable(block("part", null, 0, 131072)));
        assertFalse(UsedOnlyChoice.defaultOn(block("part", null, 0, 131072)));
        assertFalse(UsedOnlyChoice.defaultOn(block("part", "", 0, 131072)));
        assertTrue(UsedOnlyChoice.unavailable(block("disk", null, 2048, 1000)).contains("whole"));
        assertEquals("pick a source first", UsedOnlyChoice.unavailable(null));
    }

    @Test
    void anImageIsOfferedButOffAndTheViewModelPassesTheChoiceOnlyWhenOffered() throws Exception {
        Path img = Files.write(dir.resolve("a.img"), new byte[4096]);
        Endpoint e = new Endpoint("SOURCE", img, Endpoint.Kind.IMAGE, null, 0, 8, 4096, 512);
        assertNull(UsedOnlyChoice.unavailable(e));
        assertFalse(UsedOnlyChoice.defaultOn(e));
        JobViewModel vm = new JobViewModel();
        vm.sourceChanged(block("part", "ntfs", 0, 131072));
        assertTrue(vm.usedOnly().get());
        assertTrue(vm.settings(0, java.util.Set.of(), true).usedOnly());
        vm.sourceChanged(block("part", "xfs", 0, 131072));
        assertFalse(vm.usedOnly().get());
        vm.usedOnly().set(true); // greyed: never passed on
        assertFalse(vm.settings(0, java.util.Set.of(), true).usedOnly());
        assertEquals(ProbeMode.REMOVABLE, vm.settings(0, java.util.Set.of(), true).probe());
    }
}
