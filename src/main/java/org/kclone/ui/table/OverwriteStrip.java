package org.kclone.ui.table;

import java.util.List;

/**
 * What a destination row's strip shows: the destination disk's partitions as they are now, each
 * a share of the strip, those the copy will overwrite (wholly or in part) marked, where the
 * written region lies (as shares of the disk), and a tooltip naming what will be overwritten.
 * A strip without parts is plain (an image file, a disk without partitions): its tooltip says so.
 * Worked out without a toolkit (see {@code org.kclone.ui.OverwriteMap}); the table draws it.
 */
public record OverwriteStrip(List<Part> parts, double regionFrom, double regionTo, String tip) {

    /**
     * One segment of the strip.
     *
     * @param share its part of the strip's width, 0 to 1
     * @param free free space, not a partition
     * @param hit the copy writes over (some of) it
     */
    public record Part(double share, boolean free, boolean hit) {
    }

    public OverwriteStrip {
        parts = List.copyOf(parts);
    }

    /** A strip with no partitions to show; {@code from}/{@code to}: the written region as shares of the device (0, 0: unknown). */
    public static OverwriteStrip plain(double from, double to, String tip) {
        return new OverwriteStrip(List.of(), from, to, tip);
    }

    public boolean isPlain() {
        return parts.isEmpty();
    }
}
