package org.kclone.ui;

import java.util.Locale;
import org.kclone.device.DeviceInfo;

/**
 * What a device is, for its badge in the device tree: told from lsblk's type, transport,
 * removable and rotational flags and the kernel's name. Needs no toolkit.
 */
enum DeviceKind {
    USB_STICK("USB", "a USB drive"),
    SD_CARD("SD", "an SD or MMC card"),
    NVME("NVMe", "an NVMe SSD"),
    SSD("SSD", "a solid-state disk"),
    HDD("HDD", "a hard disk"),
    LOOP("LOOP", "a loop device (an image file as a disk)"),
    OPTICAL("CD", "an optical drive"),
    PARTITION("PART", "a partition"),
    OTHER("DEV", "a block device");

    /** The badge's text. */
    final String badge;
    /** For a tooltip: what the badge means. */
    final String meaning;

    DeviceKind(String badge, String meaning) {
        this.badge = badge;
        this.meaning = meaning;
    }

    /** The CSS class of the badge ({@code kind-usb-stick}). */
    String styleClass() {
        return "kind-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static DeviceKind of(DeviceInfo d) {
        String type = d.type() == null ? "" : d.type();
        String name = d.name() == null ? "" : d.name();
        String tran = d.transport() == null ? "" : d.transport();
        if (d.isPartition()) {
            return PARTITION;
        }
        if (type.equals("loop")) {
            return LOOP;
        }
        if (type.equals("rom")) {
            return OPTICAL;
        }
        if (tran.equals("mmc") || name.startsWith("mmcblk")) {
            return SD_CARD;
        }
        if (tran.equals("nvme") || name.startsWith("nvme")) {
            return NVME;
        }
        if (tran.equals("usb")) {
            return d.rotational() && !d.removable() ? HDD : USB_STICK;
        }
        if (!type.equals("disk")) {
            return OTHER;
        }
        return d.rotational() ? HDD : SSD;
    }
}
