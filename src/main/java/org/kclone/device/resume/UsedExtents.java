package org.kclone.device.resume;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.kclone.device.used.CompactView;
import org.kclone.engine.Extents;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;

/**
 * The map of a {@code --used-only} job ({@link JobMap}): its extent list (ascending, relative to
 * the region), what the map counts as done and where a resumed run goes on.
 *
 * <ul>
 *   <li>The skipped space (the gaps between the extents) counts as done on every destination from
 *       the start: nothing is written there by the copy, so "durable up to byte S" means every
 *       extent below S is on the destination, flushed.
 *   <li>The map keeps {@link #line()}: the count and a SHA-256 of the extent list. A resumed run
 *       plans again from the source's file systems; another list means the file system on the
 *       source changed since the interrupted run, and the map is refused.
 *   <li>The source and destination hashes ({@link SourceHashes}) are of the copied bytes laid end
 *       to end ({@link CompactView}): the skipped space of a destination keeps what it held, so
 *       only the extents can be compared with the source's.
 * </ul>
 */
public final class UsedExtents {

    private final Extents extents;
    private final long regionSectors;
    private final long regionBytes;
    private final CompactView view;

    /**
     * @param regionSectors the region's sectors
     * @param regionBytes its exact bytes (fewer than its sectors' when the last is partial)
     */
    public UsedExtents(Extents extents, long regionSectors, long regionBytes) {
        this.extents = extents;
        this.regionSectors = regionSectors;
        this.regionBytes = regionBytes;
        this.view = new CompactView(extents, regionSectors, regionBytes);
    }

    /** What the map's {@code used} line says: {@code extents=N bytes=B sha256=H} of the extent list. */
    String line() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
        md.update(("region " + regionSectors + "\n").getBytes(StandardCharsets.US_ASCII));
        for (SectorRange r : extents.ranges()) {
            md.update((r.start() + "+" + r.count() + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return "extents=" + extents.ranges().size() + " bytes=" + view.bytes() + " sha256="
                + HexFormat.of().formatHex(md.digest());
    }

    /** The skipped space, in bytes of the region (done from the start on every destination). */
    Ranges gaps() {
        Ranges out = new Ranges();
        for (SectorRange g : extents.complement(regionSectors)) {
            long from = g.start() * 512;
            long to = Math.min(regionBytes, g.end() * 512);
            out.add(from, to - from);
        }
        return out;
    }

    /** Bytes of the extents below region byte {@code at} (what a run that starts there has already copied). */
    long copiedBelow(long at) {
        if (at >= regionBytes) {
            return view.bytes();
        }
        long n = 0;
        for (SectorRange r : extents.ranges()) {
            if (r.start() * 512 >= at) {
                break;
            }
            n += Math.min(r.end() * 512, at) - r.start() * 512;
        }
        return n;
    }

    /** The extents at and after region byte {@code at} (a multiple of 512), clipped there. */
    Extents from(long at) {
        long s = at / 512;
        List<SectorRange> out = new ArrayList<>();
        for (SectorRange r : extents.ranges()) {
            if (r.end() <= s) {
                continue;
            }
            long start = Math.max(s, r.start());
            out.add(new SectorRange(start, r.end() - start));
        }
        return Extents.of(out);
    }

    /** {@code region}'s extents end to end, read only (what the hashes are of). */
    IoRegion compact(IoRegion region) {
        return view.region(region);
    }

    /** Compact sector ranges (of {@link #compact}) as the source device's, its region at {@code regionSector}. */
    List<SectorRange> toSource(List<SectorRange> compact, long regionSector) {
        List<SectorRange> out = new ArrayList<>();
        for (SectorRange r : view.toRegion(compact)) {
            out.add(new SectorRange(r.start() + regionSector, r.count()));
        }
        return out;
    }

    /** The copied bytes, end to end. */
    long bytes() {
        return view.bytes();
    }
}
