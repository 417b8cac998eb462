package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;

/** Which of the device tree's columns are shown for a width, and the row's tooltip: without a toolkit. */
class DeviceTreeColumnsTest {

    @Test
    void columnsAreShownInOrderWhileTheirMinimumWidthsFitAndTheFirstAlways() {
        double[] mins = {200, 72, 96, 92, 64, 140};
        assertEquals(1, DeviceTreeColumns.shown(100, mins), "Device even when nothing fits");
        assertEquals(3, DeviceTreeColumns.shown(368, mins), "exactly: 200 + 72 + 96");
        assertEquals(3, DeviceTreeColumns.shown(459, mins), "Label does not fit by one pixel");
        assertEquals(5, DeviceTreeColumns.shown(600, mins));
        assertEquals(5, DeviceTreeColumns.shown(600, new double[] {200, 72, 96, 92, 64, 140, 10}),
                "a narrow column after one that does not fit waits its turn");
        assertEquals(6, DeviceTreeColumns.shown(2000, mins));
        assertEquals(0, DeviceTreeColumns.shown(100, new double[0]));
    }

    @Test
    void aRowsTooltipHasWhatItsColumnsShowShownOrNot() throws Exception {
        List<DeviceInfo> devices = Lsblk.parse(MainWindowLayoutFxTest.DISKS, java.util.Map.of());
        DeviceInfo disk = devices.stream().filter(d -> d.path().equals("/dev/nvme0n1")).findFirst().orElseThrow();
        assertEquals("/dev/nvme0n1  Samsung SSD 970 EVO Plus 1TB with a long model name  serial S4EWNX0R123456  931.5 GiB"
                + "  nvme\nNot a destination: system disk", DeviceTreeColumns.tooltip(disk));
        DeviceInfo root = disk.children().get(1);
        assertEquals("/dev/nvme0n1p2  931.0 GiB\next4, label ubuntu-root, mounted at /\nNot a destination: system disk",
                DeviceTreeColumns.tooltip(root));
        DeviceInfo stick = devices.stream().filter(d -> d.path().equals("/dev/sdb")).findFirst().orElseThrow()
                .children().get(0);
        assertEquals("/dev/sdb1  29.8 GiB\nexfat, label PHOTOS-2024", DeviceTreeColumns.tooltip(stick));
    }
}
