package org.kclone.device.used;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kclone.device.fs.ByteSource;
import org.kclone.device.fs.Extent;
import org.kclone.device.fs.FsFormatException;
import org.kclone.device.fs.FsUsage;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.Extents;
import org.kclone.engine.SectorRange;

/**
 * Plans a used-blocks-only copy of a source region. A region that is itself a supported file
 * system (a partition, an image of one, a disk without a table) is probed as such. Otherwise its
 * partition table ({@link PartitionTable}) is read: the tables, boot areas, gaps between
 * partitions and partitions without a supported file system are copied whole, and of each
 * partition with one only what it uses ({@link FsUsage}). A file system whose structures do not
 * add up ({@link FsFormatException}) is copied whole, and the plan says why.
 *
 * <p>Skipped space is shrunk to whole 4 KiB blocks of the device (what is copied grows to them),
 * so every transfer and every verification read can bypass the page cache; gaps of up to
 * {@link Extents#READ_THROUGH_BYTES} are copied too (reading through is cheaper than skipping).
 */
public final class UsedPlanner {

    private static final long BLOCK = 4096;

    private UsedPlanner() {
    }

    /**
     * @param regionOffset the region's first byte on {@code device}
     * @param regionSectors the region's length in 512-byte sectors
     * @param sectorSize the device's logical sector size (where a GPT's LBAs lie)
     */
    public static UsedPlan plan(BlockDevice device, long regionOffset, long regionSectors, int sectorSize,
            UsageProbe probe) throws IOException {
        long regionBytes = Math.min(regionSectors * 512, device.size() - regionOffset);
        ByteSource region = ByteSource.of(device, regionOffset, regionBytes);
        List<long[]> skip = new ArrayList<>(); // byte ranges of the region, ascending
        List<Found> found = new ArrayList<>();
        PartitionTable.Found table = PartitionTable.read(region, sectorSize);
        if (table.partitions().isEmpty() || !sane(table.partitions(), regionBytes)) {
            // a partition itself, an image of one, a disk without a table (or with one that does not add up)
            Found whole = probeArea("region", region, 0, regionBytes, probe);
            found.add(whole.usage != null || whole.failed ? whole : new Found("region", 0, regionBytes, null,
                    "no supported file system and no partition table found: copied whole", false));
        } else {
            for (PartitionTable.Partition p : table.partitions()) {
                ByteSource part = ByteSource.of(device, regionOffset + p.offset(), p.length());
                found.add(probeArea("partition " + p.number(), part, p.offset(), p.length(), probe));
            }
        }
        for (Found f : found) {
            if (f.usage != null) {
                long at = 0;
                for (Extent e : f.usage.used()) {
                    addSkip(skip, regionOffset, f.offset + at, f.offset + e.offset());
                    at = e.end();
                }
                addSkip(skip, regionOffset, f.offset + at, f.offset + f.usage.size()); // past the fs's end: copied
            }
        }
        skip.sort((a, b) -> Long.compare(a[0], b[0]));
        List<SectorRange> copied = new ArrayList<>();
        long at = 0;
        for (long[] s : skip) {
            if (s[0] < at) {
                continue; // overlapping partitions: a damaged table; the first one's view stands
            }
            if (s[0] > at) {
                copied.add(new SectorRange(at / 512, (s[0] - at) / 512));
            }
            at = s[1];
        }
        if (regionSectors * 512 > at) {
            copied.add(new SectorRange(at / 512, regionSectors - at / 512));
        }
        Extents extents = Extents.of(copied).bridged(Extents.READ_THROUGH_BYTES / 512);
        List<UsedPlan.Area> areas = new ArrayList<>();
        for (Found f : found) {
            long c = intersect(extents, f.offset, f.length);
            areas.add(new UsedPlan.Area(f.name, f.usage != null ? f.usage.type() : f.type, f.offset / 512,
                    (f.length + 511) / 512, c, f.length - c, f.note));
        }
        return new UsedPlan(regionSectors, extents, areas);
    }

    /** Partitions that start past the first sector, lie inside the region and do not overlap. */
    private static boolean sane(List<PartitionTable.Partition> parts, long regionBytes) {
        List<PartitionTable.Partition> sorted = new ArrayList<>(parts);
        sorted.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        long end = 512;
        for (PartitionTable.Partition p : sorted) {
            if (p.offset() < end || p.end() > regionBytes) {
                return false;
            }
            end = p.end();
        }
        return true;
    }

    /** A skipped byte range, shrunk to whole 4 KiB blocks of the device. */
    private static void addSkip(List<long[]> skip, long regionOffset, long from, long to) {
        long a = (regionOffset + from + BLOCK - 1) / BLOCK * BLOCK - regionOffset;
        long b = (regionOffset + to) / BLOCK * BLOCK - regionOffset;
        if (b > a) {
            skip.add(new long[] {a, b});
        }
    }

    private static long intersect(Extents extents, long offset, long length) {
        long n = 0;
        for (SectorRange r : extents.ranges()) {
            long a = Math.max(r.start() * 512, offset);
            long b = Math.min(r.end() * 512, offset + length);
            if (b > a) {
                n += b - a;
            }
        }
        return n;
    }

    private record Found(String name, long offset, long length, FsUsage usage, String note, boolean failed,
            String type) {
        Found(String name, long offset, long length, FsUsage usage, String note, boolean failed) {
            this(name, offset, length, usage, note, failed, null);
        }
    }

    private static Found probeArea(String name, ByteSource src, long offset, long length, UsageProbe probe) {
        try {
            Optional<FsUsage> u = probe.probe(src);
            if (u.isEmpty()) {
                return new Found(name, offset, length, null, "no supported file system found: copied whole", false);
            }
            if (u.get().size() > length) {
                return new Found(name, offset, length, null, u.get().type() + " says it spans " + u.get().size()
                        + " bytes, more than the " + length + " there: copied whole", true, u.get().type());
            }
            return new Found(name, offset, length, u.get(), null, false);
        } catch (FsFormatException e) {
            return new Found(name, offset, length, null, "copied whole: " + e.getMessage(), true);
        } catch (IOException | RuntimeException e) {
            return new Found(name, offset, length, null, "copied whole: its file system could not be read ("
                    + e.getMessage() + ")", true);
        }
    }
}
