package org.kclone.engine;

import java.util.Objects;

/**
 * kcopyd's {@code io_region}: a device, a start sector and a sector count, in 512-byte sectors
 * whatever the device's logical sector size.
 */
public record IoRegion(BlockDevice device, long sector, long count) {

    public static final int SECTOR_SIZE = 512;

    public IoRegion {
        Objects.requireNonNull(device, "device");
        if (sector < 0) {
            throw new IllegalArgumentException("sector must not be negative: " + sector);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        if (count > Long.MAX_VALUE / SECTOR_SIZE - sector) {
            throw new IllegalArgumentException("region too large: sector " + sector + " count " + count);
        }
    }

    public long byteOffset() {
        return sector * SECTOR_SIZE;
    }

    public long byteLength() {
        return count * SECTOR_SIZE;
    }

    /** One past the last sector. */
    public long endSector() {
        return sector + count;
    }

    @Override
    public String toString() {
        return device.name() + "@" + sector + "+" + count;
    }
}
