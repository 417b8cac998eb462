package org.kclone.device.used;

import java.util.List;
import org.kclone.engine.Extents;
import org.kclone.engine.SectorRange;

/**
 * What a used-blocks-only copy copies of a source region: the sector ranges (relative to the
 * region, ascending, small gaps read through) and, per file system found, what was copied and
 * skipped and, where a region was copied whole, why.
 */
public record UsedPlan(long regionSectors, Extents extents, List<Area> areas) {

    /**
     * One partition (or the region itself): {@code name} as "partition 2" or "region", {@code type}
     * as blkid names it (null: no supported file system), where it lies (sectors of the region),
     * the bytes the copy takes from it and skips, and why it was copied whole (null when it was not).
     */
    public record Area(String name, String type, long sector, long count, long copiedBytes, long skippedBytes,
            String note) {
    }

    public UsedPlan {
        areas = List.copyOf(areas);
    }

    public long copiedBytes() {
        return extents.bytes();
    }

    public long skippedBytes() {
        return regionSectors * 512 - extents.bytes();
    }

    /** The gaps: sector ranges of the region that are not copied. */
    public List<SectorRange> skipped() {
        return extents.complement(regionSectors);
    }
}
