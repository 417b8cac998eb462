package org.kclone.device;

import java.nio.file.Path;

/**
 * A source or destination resolved against the machine: what the path is, where the region
 * lies on it, and (for a block device) what lsblk knows about it.
 *
 * @param start first sector of the region (512-byte sectors)
 * @param count sectors in the region
 * @param sizeBytes the device's or file's size now (0 for a file still to be created)
 * @param byteLength the region's exact length in bytes: {@code count * 512}, or less when its last
 *     sector is partial (an image file of a size that is not whole sectors)
 */
public record Endpoint(String field, Path path, Kind kind, DeviceInfo device, long start, long count, long sizeBytes,
        int logicalSectorSize, long byteLength) {

    public Endpoint {
        long whole = Math.multiplyExact(count, (long) Sizes.SECTOR);
        if (byteLength > whole || byteLength <= whole - Sizes.SECTOR || byteLength < 0) {
            throw new IllegalArgumentException("a region of " + count + " sectors cannot hold " + byteLength
                    + " bytes");
        }
    }

    /** A region of whole sectors: {@code byteLength} is {@code count * 512}. */
    public Endpoint(String field, Path path, Kind kind, DeviceInfo device, long start, long count, long sizeBytes,
            int logicalSectorSize) {
        this(field, path, kind, device, start, count, sizeBytes, logicalSectorSize,
                Math.multiplyExact(count, (long) Sizes.SECTOR));
    }

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

    /** The region's first byte on the device or file. */
    public long startByte() {
        return start * Sizes.SECTOR;
    }

    /** One past the region's last byte. */
    public long endByte() {
        return startByte() + byteLength;
    }

    /** Whether the region's last sector is partial (it ends at an image file's odd end). */
    public boolean partialTail() {
        return byteLength != count * Sizes.SECTOR;
    }

    /** One line for a person who must decide whether this is the right target. */
    public String describe() {
        return switch (kind) {
            case BLOCK -> device.describe();
            case IMAGE -> path + "  image file  " + Sizes.human(sizeBytes)
                    + (sizeBytes % Sizes.SECTOR != 0 && sizeBytes >= 1024 ? " (" + sizeBytes + " bytes)" : "");
            case NEW_IMAGE -> path + "  new image file";
        } + "  (sectors " + start + "+" + count + ", " + (partialTail()
                ? byteLength + " bytes: the last sector is partial, " + (byteLength % Sizes.SECTOR) + " of 512 bytes"
                : Sizes.human(byteLength)) + ")";
    }
}
