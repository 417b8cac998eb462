package org.kclone.device.resume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceOpener;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.image.compress.CompressedImages;
import org.kclone.device.image.compress.Format;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.IoRegion;

/**
 * Before a run ({@link JobMap#prepare}): the job can keep a map at all, the map file can be written,
 * and an existing map is read and checked against the plan ({@link MapChecks}); nothing is written here.
 */
final class MapPreparation {

    private MapPreparation() {
    }

    /**
     * What {@link JobMap#prepare} found: the map an earlier run left (null for a new job), the bytes of
     * each region already durably on every destination, the map's destinations this command does not
     * name, and with --used-only the source's extents planned again (else null).
     */
    record Prepared(MapFile stored, long skip, List<String> leftOut, UsedExtents used) {
    }

    /**
     * {@link JobMap#prepare(Path, long, CopyPlanner.Plan, Boolean, DeviceOpener)}'s checks and reading;
     * the devices are opened read only, through {@code opener} only.
     */
    static Prepared prepare(Path file, long every, CopyPlanner.Plan plan, Boolean usedOnly, DeviceOpener opener)
            throws RefusedException {
        if (every < 4096) {
            throw new RefusedException("--map-every", "must be at least 4K");
        }
        if (plan.source() == null) {
            throw new RefusedException("--map", "only a copy keeps a map");
        }
        if (CompressedImages.isCompressedSource(plan.source())) {
            throw new RefusedException("--map", "SOURCE " + plan.source().path() + " is a compressed image, read as"
                    + " one stream from its start: such a copy cannot resume; nothing was written");
        }
        for (Endpoint e : plan.destinations()) {
            if (e.isFile() && Format.forNewFile(e.path()).isPresent()) {
                throw new RefusedException("--map", e.field() + " " + e.path() + " is a compressed image, written as"
                        + " one stream from its start: such a copy cannot resume; nothing was written");
            }
        }
        List<Endpoint> all = new ArrayList<>(plan.destinations());
        all.add(0, plan.source());
        for (Endpoint e : all) {
            if (samePath(file, e.path())) {
                throw new RefusedException("--map", file + " is " + e.field() + " of this job: give the map a file of"
                        + " its own; nothing was written");
            }
        }
        if (Files.isSymbolicLink(file)) { // never followed: read with O_NOFOLLOW, and a save renames over the link
            throw new RefusedException("--map", file + " is a symbolic link; give the map file's own path;"
                    + " nothing was written");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new RefusedException("--map", file + " is not a regular file (a map is a small text file);"
                    + " nothing was written");
        }
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new RefusedException("--map", "the folder of " + file + " does not exist; nothing was written");
            }
            if (!Files.isWritable(dir)) {
                throw new RefusedException("--map", "the folder of " + file + " is not writable (the map is written"
                        + " beside it, then renamed); nothing was written");
            }
            return new Prepared(null, 0, List.of(), null);
        }
        MapFile m;
        try {
            if (Files.size(file) > JobMap.MAX_MAP_BYTES) {
                throw new MapFile.BadMapException(Files.size(file) + " bytes, more than a map ever holds");
            }
            m = MapFile.read(file);
        } catch (MapFile.BadMapException e) {
            throw new RefusedException("--map", file + " is not a kclone map: " + e.getMessage()
                    + "; nothing was written");
        } catch (IOException e) {
            throw new RefusedException("--map", "cannot read " + file + ": " + e.getMessage()
                    + "; nothing was written");
        }
        List<String> leftOut = new ArrayList<>();
        m = MapChecks.forPlan(file, m, plan, leftOut);
        if (usedOnly != null && usedOnly != (m.used != null)) {
            MapChecks.samePlan(file, m, null);
            throw MapChecks.refused(file + " is the map of a copy of every sector: run the same command without"
                    + " --used-only");
        }
        UsedExtents used = null;
        if (!m.complete()) {
            try (BlockDevice src = opener.open(plan.source(), false)) {
                if (m.used != null) {
                    used = plannedAgain(plan.source(), src);
                    MapChecks.samePlan(file, m, used);
                }
                MapChecks.sourceUnchanged(file, m, src, plan.source(), used);
            } catch (IOException e) {
                throw new RefusedException("--map", "cannot read SOURCE " + plan.source().path() + " to check it"
                        + " against " + file + ": " + e.getMessage() + "; nothing was written");
            }
            for (int i = 0; i < plan.destinations().size(); i++) {
                Endpoint e = plan.destinations().get(i);
                try (BlockDevice d = opener.open(e, false)) {
                    MapChecks.destinationUnchanged(file, m, i, e, d, used);
                } catch (IOException x) {
                    throw new RefusedException("--map", "cannot read " + e.field() + " " + e.path() + " to check it"
                            + " against " + file + ": " + x.getMessage() + "; nothing was written");
                }
            }
        }
        return new Prepared(m, m.complete() ? m.source.bytes() : m.resumePoint(), List.copyOf(leftOut), used);
    }

    /** A --used-only source's extents, planned again from its file systems as the run will plan them. */
    private static UsedExtents plannedAgain(Endpoint source, BlockDevice src) throws IOException {
        org.kclone.device.used.UsedPlan p = org.kclone.device.used.UsedCopy.plan(new IoRegion(src, source.start(),
                source.count()), source.byteLength(), source.logicalSectorSize(), false).plan();
        return new UsedExtents(p.extents(), source.count(), source.byteLength());
    }

    private static boolean samePath(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
