package org.kclone.device;

import java.nio.file.Path;

/**
 * A source or destination resolved against the machine: what the path is, where the region
 * lies on it, and (for a block device) what lsblk knows about it.
 *
 * @param start first sector of the region (512-byte sectors)
 * @param count sectors in the region
 * @param sizeBytes the device's or file's size now (0 for a file still to be created)
 */
public record Endpoint(String field, Path path, Kind kind, DeviceInfo device, long start, long count, long sizeBytes,
        int logicalSectorSize) {

    /** What a path turned out to be. */
    public enum Kind {
        /** A block device: disk, partition, loop device. */
        BLOCK,
        /** An existing regular file. */
        IMAGE,
        /** A regular file that the copy will create. */
        NEW_IMAGE
    }

    public boolean isFile() {
        return kind != Kind.BLOCK;
    }

    /** One line for a person who must decide whether this is the right target. */
    public String describe() {
        return switch (kind) {
            case BLOCK -> device.describe();
            case IMAGE -> path + "  image file  " + Sizes.human(sizeBytes);
            case NEW_IMAGE -> path + "  new image file";
        } + "  (sectors " + start + "+" + count + ", " + Sizes.human(count * Sizes.SECTOR) + ")";
    }
}
