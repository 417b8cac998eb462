package org.kclone.ui;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;
import org.kclone.device.Sizes;

/**
 * The partition map of a disk as a strip: each partition a segment in proportion to its size,
 * the space between them shown as free, and the source region that lies on the disk. Needs no
 * toolkit: the window draws what this works out.
 */
final class PartitionMap {

    /** Gaps of at most this many sectors (1 MiB: alignment, the partition table) are not shown as free space. */
    static final long SMALLEST_FREE = 2048;

    /**
     * One segment, in sectors of the disk.
     *
     * @param path the partition's device, or null for free space
     * @param text what the segment says: name or label, file system, size
     */
    record Segment(String path, long start, long sectors, String text) {
        boolean free() {
            return path == null;
        }
    }

    /** The disk, its segments in order, and the source region on it in disk sectors ({@code count} 0: none). */
    record Strip(DeviceInfo disk, List<Segment> segments, long regionStart, long regionCount) {
        long diskSectors() {
            return disk.size() / Sizes.SECTOR;
        }
    }

    private PartitionMap() {
    }

    /**
     * The strip for a source at {@code path} (a disk or one of its partitions), with the region
     * {@code start}/{@code count} (sectors relative to {@code path}; count 0: to its end); null
     * when the path is no disk with partitions known to lsblk.
     */
    static Strip of(List<DeviceInfo> roots, String path, long start, long count) {
        List<DeviceInfo> all = Lsblk.flatten(roots);
        DeviceInfo chosen = all.stream().filter(d -> d.path() != null && d.path().equals(path)).findFirst().orElse(null);
        if (chosen == null) {
            return null;
        }
        DeviceInfo disk = chosen;
        long offset = 0;
        if (chosen.isPartition()) {
            disk = all.stream().filter(d -> !d.isPartition() && d.name() != null && d.name().equals(chosen.parent()))
                    .findFirst().orElse(null);
            offset = chosen.start();
            if (disk == null) {
                return null;
            }
        }
        List<DeviceInfo> parts = disk.children().stream().filter(DeviceInfo::isPartition)
                .sorted(Comparator.comparingLong(DeviceInfo::start)).toList();
        if (parts.isEmpty()) {
            return null;
        }
        long sectors = chosen.size() / Sizes.SECTOR;
        long regionCount = count > 0 ? count : Math.max(0, sectors - start);
        return new Strip(disk, segments(disk.size() / Sizes.SECTOR, parts), offset + start, regionCount);
    }

    static List<Segment> segments(long diskSectors, List<DeviceInfo> parts) {
        List<Segment> out = new ArrayList<>();
        long at = 0;
        for (DeviceInfo p : parts) {
            if (p.start() - at > SMALLEST_FREE) {
                out.add(free(at, p.start() - at));
            }
            long n = p.size() / Sizes.SECTOR;
            out.add(new Segment(p.path(), p.start(), n, text(p)));
            at = Math.max(at, p.start() + n);
        }
        if (diskSectors - at > SMALLEST_FREE) {
            out.add(free(at, diskSectors - at));
        }
        return out;
    }

    private static Segment free(long start, long sectors) {
        return new Segment(null, start, sectors, "free " + Sizes.human(sectors * Sizes.SECTOR));
    }

    /** "EFI · vfat · 512.0 MiB", or the kernel name where there is no label. */
    static String text(DeviceInfo p) {
        StringBuilder b = new StringBuilder(p.label() != null && !p.label().isBlank() ? p.label() : p.name());
        if (p.fsType() != null && !p.fsType().isBlank()) {
            b.append(" · ").append(p.fsType());
        }
        return b.append(" · ").append(Sizes.human(p.size())).toString();
    }

    /** Whether segment {@code s} lies wholly in the strip's source region: it is what will be copied. */
    static boolean inRegion(Strip strip, Segment s) {
        return strip.regionCount() > 0 && s.start() >= strip.regionStart()
                && s.start() + s.sectors() <= strip.regionStart() + strip.regionCount();
    }

    /** Whether segment {@code s} shares any sector with the strip's region: on a destination, it is overwritten (in part or whole). */
    static boolean overlaps(Strip strip, Segment s) {
        return strip.regionCount() > 0 && s.start() < strip.regionStart() + strip.regionCount()
                && s.start() + s.sectors() > strip.regionStart();
    }

    /**
     * Each segment's share of the strip's width, summing to 1: in proportion to its size, with a
     * floor of {@code minShare} so a 1 MiB partition can still be seen (and clicked).
     */
    static double[] shares(Strip strip, double minShare) {
        double total = strip.diskSectors();
        double[] share = new double[strip.segments().size()];
        double floored = 0;
        double rest = 0;
        for (int i = 0; i < share.length; i++) {
            double real = strip.segments().get(i).sectors() / total;
            if (real < minShare) {
                share[i] = minShare;
                floored += minShare;
            } else {
                share[i] = -real;
                rest += real;
            }
        }
        for (int i = 0; i < share.length; i++) {
            if (share[i] < 0) {
                share[i] = -share[i] / rest * Math.max(0, 1 - floored);
            }
        }
        return share;
    }
}
