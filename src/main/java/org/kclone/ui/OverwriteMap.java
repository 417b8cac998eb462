package org.kclone.ui;

import java.util.ArrayList;
import java.util.List;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;
import org.kclone.device.Sizes;
import org.kclone.ui.table.OverwriteStrip;

/**
 * A destination's strip of what is about to be overwritten: its disk's partitions (the same
 * {@link PartitionMap} as the source's), the written region on them, and the partitions it
 * touches named in the tooltip. No toolkit.
 */
final class OverwriteMap {

    /** The narrowest a segment is drawn in a row's small strip, as a share of it. */
    static final double MIN_SHARE = 0.04;

    private OverwriteMap() {
    }

    /**
     * The strip for destination {@code path} written from sector {@code start} (relative to
     * {@code path}) for {@code count} sectors (0: not known yet, no source region).
     */
    static OverwriteStrip of(List<DeviceInfo> roots, String path, long start, long count) {
        DeviceInfo dev = Lsblk.flatten(roots).stream().filter(d -> path.equals(d.path())).findFirst().orElse(null);
        String what = count > 0 ? Sizes.human(count * Sizes.SECTOR) + " from sector " + start : "nothing yet (no source region)";
        if (dev == null) {
            return OverwriteStrip.plain(0, 0, path + ": an image file, no partitions shown.\nWritten: " + what + ".");
        }
        PartitionMap.Strip s = PartitionMap.of(roots, path, start, Math.max(1, count));
        if (s == null) {
            double size = Math.max(1, dev.size() / Sizes.SECTOR);
            return OverwriteStrip.plain(count > 0 ? Math.min(1, start / size) : 0,
                    count > 0 ? Math.min(1, (start + count) / size) : 0,
                    path + ": no partitions.\nWritten: " + what + ".");
        }
        if (count <= 0) {
            s = new PartitionMap.Strip(s.disk(), s.segments(), s.regionStart(), 0);
        }
        double[] share = PartitionMap.shares(s, MIN_SHARE);
        List<OverwriteStrip.Part> parts = new ArrayList<>();
        List<String> hit = new ArrayList<>();
        long firstPart = s.segments().stream().filter(g -> !g.free()).mapToLong(PartitionMap.Segment::start).min()
                .orElse(0);
        if (s.regionCount() > 0 && s.regionStart() < Math.min(firstPart, 2048)) {
            hit.add("the partition table (the disk's first sectors)");
        }
        for (int i = 0; i < share.length; i++) {
            PartitionMap.Segment g = s.segments().get(i);
            boolean over = PartitionMap.overlaps(s, g);
            parts.add(new OverwriteStrip.Part(share[i], g.free(), over));
            if (over && !g.free()) {
                hit.add(g.path() + ": " + g.text() + (PartitionMap.inRegion(s, g) ? "" : " (in part)"));
            }
        }
        double total = s.diskSectors();
        String head = path.equals(s.disk().path()) ? path : path + " on " + s.disk().path();
        String tip = count <= 0 ? head + ": " + what + "."
                : hit.isEmpty() ? head + ": " + what + " overwrites no partition (free space only)."
                : head + ": " + what + " overwrites\n" + String.join("\n", hit);
        return new OverwriteStrip(parts, s.regionStart() / total, (s.regionStart() + s.regionCount()) / total, tip);
    }
}
