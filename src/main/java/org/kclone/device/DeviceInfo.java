package org.kclone.device;

import java.util.List;

/**
 * A disk, a partition or another block device as lsblk reports it, with its partitions and
 * holders as children.
 *
 * @param name kernel name ({@code sda}, {@code loop0p1})
 * @param path device node ({@code /dev/sda})
 * @param stableId the {@code /dev/disk/by-id} name, or null where there is none
 * @param size bytes
 * @param type lsblk's type: disk, part, loop, lvm, crypt, raid1, rom ...
 * @param start first sector of a partition on its disk (512-byte sectors), 0 for a whole device
 * @param parent kernel name of the disk a partition (or holder) sits on, or null
 * @param mountpoints where it is mounted ({@code [SWAP]} for active swap)
 * @param holders kernel names of the devices built on this one (LVM, md, dm)
 * @param system true when this device, one of its partitions or one of their holders holds
 *     {@code /}, {@code /boot}, {@code /usr}, {@code /var}, {@code /home} or active swap
 * @param rotational spinning (lsblk's ROTA): a hard disk rather than flash, for the window's icon
 */
public record DeviceInfo(
        String name,
        String path,
        String stableId,
        long size,
        String type,
        String model,
        String serial,
        String transport,
        boolean removable,
        boolean readOnly,
        int logicalSectorSize,
        int physicalSectorSize,
        long start,
        String parent,
        List<String> mountpoints,
        String fsType,
        String label,
        List<String> holders,
        boolean system,
        List<DeviceInfo> children,
        boolean rotational) {

    public DeviceInfo {
        mountpoints = List.copyOf(mountpoints);
        holders = List.copyOf(holders);
        children = List.copyOf(children);
    }

    /** A device whose rotation is not known (taken for flash). */
    public DeviceInfo(String name, String path, String stableId, long size, String type, String model, String serial,
            String transport, boolean removable, boolean readOnly, int logicalSectorSize, int physicalSectorSize,
            long start, String parent, List<String> mountpoints, String fsType, String label, List<String> holders,
            boolean system, List<DeviceInfo> children) {
        this(name, path, stableId, size, type, model, serial, transport, removable, readOnly, logicalSectorSize,
                physicalSectorSize, start, parent, mountpoints, fsType, label, holders, system, children, false);
    }

    public boolean isPartition() {
        return "part".equals(type);
    }

    /** Mounted here or anywhere below (a partition, a holder). */
    public boolean mountedAnywhere() {
        return !mountpoints.isEmpty() || children.stream().anyMatch(DeviceInfo::mountedAnywhere);
    }

    /** Held by LVM, md or dm here or on one of its partitions. */
    public boolean heldAnywhere() {
        return !holders.isEmpty() || children.stream().filter(DeviceInfo::isPartition).anyMatch(DeviceInfo::heldAnywhere);
    }

    /** Every mountpoint here and below, for messages. */
    public List<String> allMountpoints() {
        java.util.ArrayList<String> all = new java.util.ArrayList<>(mountpoints);
        children.forEach(c -> all.addAll(c.allMountpoints()));
        return all;
    }

    /**
     * What keeps this device busy for a person to read ("mounted at /mnt/x", "held by dm-0", both),
     * or null when it is neither mounted nor held, here or on a partition.
     */
    public String busy() {
        List<String> parts = new java.util.ArrayList<>();
        if (mountedAnywhere()) {
            parts.add("mounted at " + String.join(", ", allMountpoints()));
        }
        if (heldAnywhere()) {
            List<String> by = new java.util.ArrayList<>(holders);
            children.stream().filter(DeviceInfo::isPartition).forEach(c -> by.addAll(c.holders()));
            parts.add("held by " + String.join(", ", by));
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    /** Model, serial and size for a person deciding whether this is the right disk. */
    public String describe() {
        StringBuilder b = new StringBuilder(path);
        if (model != null && !model.isBlank()) {
            b.append("  ").append(model.trim());
        }
        if (serial != null && !serial.isBlank()) {
            b.append("  serial ").append(serial.trim());
        }
        b.append("  ").append(Sizes.human(size));
        if (transport != null) {
            b.append("  ").append(transport);
        }
        if (removable) {
            b.append("  removable");
        }
        return b.toString();
    }
}
