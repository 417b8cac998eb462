package org.kclone.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.kclone.device.image.compress.CompressedImages;
import org.kclone.device.mount.LiveSourceGuard;
import org.kclone.device.mount.MountTable;

/**
 * Resolves the regions of a copy or zero request and applies every guard against writing the
 * wrong thing, before anything is opened for writing. Each refusal names the argument and the
 * reason.
 */
public final class CopyPlanner {

    /** What the user explicitly allowed. */
    /** How the free room of an image's file system is found (tests give their own). */
    private org.kclone.device.image.FreeSpace.Probe freeSpace = org.kclone.device.image.FreeSpace.SYSTEM;

    /** Finds the free room of image files' file systems with {@code probe} (tests). */
    CopyPlanner withFreeSpace(org.kclone.device.image.FreeSpace.Probe probe) {
        this.freeSpace = probe;
        return this;
    }

    public record Options(boolean force, boolean allowSystemDisk, boolean grow) {
        public static final Options NONE = new Options(false, false, false);
    }

    /** A request that passed every guard. {@code source} is null for a zero request. */
    public record Plan(Endpoint source, List<Endpoint> destinations, Map<String, LoopBacking.Backing> loopsUnder,
            LoopBacking loops) {

        /**
         * @param loopsUnder by field, what lies under each loop device (or partition of one) among
         *     the endpoints: its backing file's identity and offset, so that a loop device
         *     re-attached to another file of the same size is not taken for the one confirmed
         * @param loops the loop devices as this plan was made with them (its claims look there too)
         */
        public Plan {
            loopsUnder = Map.copyOf(loopsUnder);
        }

        /** A plan with {@code loopsUnder} given and this machine's loop devices. */
        public Plan(Endpoint source, List<Endpoint> destinations, Map<String, LoopBacking.Backing> loopsUnder) {
            this(source, destinations, loopsUnder, LoopBacking.system());
        }

        /** A plan whose loop devices are looked up on this machine now. */
        public Plan(Endpoint source, List<Endpoint> destinations) {
            this(source, destinations, LoopBacking.system());
        }

        /** A plan whose loop devices are looked up in {@code loops}. */
        public Plan(Endpoint source, List<Endpoint> destinations, LoopBacking loops) {
            this(source, destinations, loops.underneath(source, destinations), loops);
        }

        public long count() {
            return destinations.get(0).count();
        }

        /**
         * Refuses when this plan (made again from a fresh discovery, right before opening for
         * writing) no longer targets what the person confirmed in {@code confirmed}: another
         * device behind a path (model, serial, size, a loop device's backing file), another
         * region, another mounted or held state, or an image file that appeared or changed size
         * meanwhile. The guards themselves ran again in making this plan; this adds "is it still
         * the same thing" ({@link PlanRecheck}).
         */
        public void checkUnchangedSince(Plan confirmed) throws RefusedException {
            PlanRecheck.check(confirmed, this);
        }
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private final List<DeviceInfo> all;
    private final Map<String, DeviceInfo> byPath = new HashMap<>();
    private final Map<String, DeviceInfo> byName = new HashMap<>();
    private final Options options;
    private final LoopBacking loops;

    public CopyPlanner(List<DeviceInfo> devices, Options options) {
        this(devices, options, LoopBacking.system());
    }

    /** @param loops what lies under each loop device (sysfs; a test describes its own) */
    public CopyPlanner(List<DeviceInfo> devices, Options options, LoopBacking loops) {
        this.loops = loops;
        this.all = Lsblk.flatten(devices);
        for (DeviceInfo d : all) {
            if (d.path() != null) {
                byPath.putIfAbsent(d.path(), d);
            }
            byName.putIfAbsent(d.name(), d);
        }
        this.options = options;
    }

    /** Plans a copy of {@code source} to every destination. */
    public Plan copy(RegionSpec source, List<RegionSpec> dests) throws RefusedException {
        if (dests.isEmpty()) {
            throw new RefusedException("DEST", "give at least one destination");
        }
        Endpoint src = resolveCopySource(source);
        List<Endpoint> out = new ArrayList<>();
        for (RegionSpec d : dests) {
            out.add(resolveDestination(d, src.count(), src.byteLength(), true));
        }
        checkOverlaps(src, out);
        return new Plan(src, out, loops);
    }

    /** Plans zeroing every destination; each region defaults to the rest of its device. */
    public Plan zero(List<RegionSpec> dests) throws RefusedException {
        if (dests.isEmpty()) {
            throw new RefusedException("DEST", "give at least one destination");
        }
        List<Endpoint> out = new ArrayList<>();
        Long count = null;
        long bytes = -1;
        for (RegionSpec d : dests) {
            // every destination gets exactly the first one's bytes (an image file's odd end included)
            Endpoint e = resolveDestination(d, count, bytes, false);
            count = e.count();
            bytes = e.byteLength();
            out.add(e);
        }
        checkOverlaps(null, out);
        return new Plan(null, out, loops);
    }

    /**
     * Plans a comparison: the source as for a copy; each destination must exist and hold a region
     * as long as the source's. Nothing will be written, so the write guards do not apply.
     */
    public Plan verify(RegionSpec source, List<RegionSpec> dests) throws RefusedException {
        if (dests.isEmpty()) {
            throw new RefusedException("DEST", "give at least one destination to compare with");
        }
        Endpoint src = resolveSource(source);
        List<Endpoint> out = new ArrayList<>();
        for (RegionSpec spec : dests) {
            Path path = Path.of(spec.path());
            if (!Files.exists(path)) {
                throw new RefusedException(spec.field(), spec.path() + " does not exist");
            }
            if (spec.length() != null && spec.length().longValue() != src.count()) {
                throw new RefusedException(spec.field(), "LENGTH " + spec.length() + " differs from the source's "
                        + src.count() + " sectors");
            }
            Endpoint e = identify(spec.field(), path);
            long start = spec.start() != null ? spec.start() : 0;
            RegionChecks.checkAddressable(spec, start, src.count());
            // A destination shorter than the region is compared as far as it goes; the rest is a mismatch.
            out.add(new Endpoint(spec.field(), path, e.kind(), e.device(), start, src.count(), e.sizeBytes(),
                    e.logicalSectorSize(), src.byteLength()));
        }
        return new Plan(src, out, loops);
    }

    private MountTable mounts = MountTable.system();

    /** The kernel's mount table to tell read-only from read-write mounts (tests give their own). */
    public CopyPlanner mounts(MountTable table) {
        this.mounts = table;
        return this;
    }

    /**
     * Resolves the source of a copy: as {@link #resolveSource}, and refused where a file system in
     * its region is mounted read-write or is active swap, unless forced ({@link LiveSourceGuard}).
     */
    public Endpoint resolveCopySource(RegionSpec spec) throws RefusedException {
        Endpoint src = resolveSource(spec);
        LiveSourceGuard.check(src, options.force(), mounts);
        return src;
    }

    /** Resolves the source of a verify or copy: it must exist; the region defaults to the rest. */
    public Endpoint resolveSource(RegionSpec spec) throws RefusedException {
        String field = spec.field();
        Path path = Path.of(spec.path());
        if (!Files.exists(path)) {
            throw new RefusedException(field, spec.path() + " does not exist");
        }
        // a compressed image is sized by its uncompressed length (CompressedImages)
        Endpoint e = CompressedImages.sized(identify(field, path), spec.start(), spec.length());
        // An image file's last sector may be partial: it counts, and reads as zeros past the file's end.
        long sectors = RegionChecks.sectorsOf(e);
        long start = spec.start() != null ? spec.start() : 0;
        RegionChecks.checkAddressable(spec, start, 0);
        if (start > 0 && start >= sectors) { // START 0 of an empty file: refused below as an empty region
            throw new RefusedException(field, "START " + start + " is beyond the end of " + path + " ("
                    + RegionChecks.sizeText(e) + ")");
        }
        long count = spec.length() != null ? spec.length() : sectors - start;
        RegionChecks.checkAddressable(spec, start, count);
        if (count == 0) {
            throw new RefusedException(field, "the region is empty (zero length): nothing to copy");
        }
        if (start + count > sectors) {
            throw new RefusedException(field, "the region " + start + "+" + count + " runs beyond the end of " + path
                    + " (" + RegionChecks.sizeText(e) + ")");
        }
        long byteLength = Math.min(count * Sizes.SECTOR, e.sizeBytes() - start * Sizes.SECTOR);
        Endpoint r = new Endpoint(field, e.path(), e.kind(), e.device(), start, count, e.sizeBytes(),
                e.logicalSectorSize(), byteLength);
        RegionChecks.checkAlignment(r, false);
        return r;
    }

    /**
     * @param sourceBytes the source region's exact length in bytes (its last sector may be partial);
     *     ignored when {@code sourceCount} is null (a zero request)
     * @param copying a copy's destination, whose length is the source region's (a zero's is typed)
     */
    private Endpoint resolveDestination(RegionSpec spec, Long sourceCount, long sourceBytes, boolean copying)
            throws RefusedException {
        String field = spec.field();
        Path path = Path.of(spec.path());
        Endpoint e;
        if (Files.exists(path)) {
            e = identify(field, path);
        } else {
            if (path.toAbsolutePath().startsWith("/dev")) {
                throw new RefusedException(field, spec.path() + " does not exist (no such device; kclone creates"
                        + " image files, not device nodes)");
            }
            if (sourceCount == null) {
                throw new RefusedException(field, spec.path() + " does not exist");
            }
            Path parent = path.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new RefusedException(field, "cannot create image file " + spec.path() + ": folder " + parent
                        + " does not exist");
            }
            e = new Endpoint(field, path, Endpoint.Kind.NEW_IMAGE, null, 0, 0, 0, Sizes.SECTOR);
        }
        long start = spec.start() != null ? spec.start() : 0;
        RegionChecks.checkAddressable(spec, start, 0);
        long sectors = RegionChecks.sectorsOf(e);
        long count;
        if (sourceCount != null) {
            if (spec.length() != null && spec.length().longValue() != sourceCount) {
                throw new RefusedException(field, "LENGTH " + spec.length() + " differs from the source's " + sourceCount
                        + " sectors; a destination's length, when given, must equal the source's");
            }
            count = sourceCount;
        } else {
            count = spec.length() != null ? spec.length() : sectors - start;
            if (count < 0) {
                throw new RefusedException(field, "START " + start + " is beyond the end of " + path + " ("
                        + RegionChecks.sizeText(e) + ")");
            }
        }
        if (count == 0) {
            throw new RefusedException(field, "the region is empty (zero length)");
        }
        RegionChecks.checkAddressable(spec, start, count);
        long byteLength;
        if (sourceCount != null) {
            byteLength = sourceBytes;
        } else if (e.kind() == Endpoint.Kind.IMAGE && start + count == sectors) {
            // zeroing up to an image file's end: zero its last bytes (an odd end too), do not extend it
            byteLength = e.sizeBytes() - start * Sizes.SECTOR;
        } else {
            byteLength = count * Sizes.SECTOR;
        }
        Endpoint r = new Endpoint(field, e.path(), e.kind(), e.device(), start, count, e.sizeBytes(),
                e.logicalSectorSize(), byteLength);
        RegionChecks.checkFits(r, options.grow());
        CompressedImages.checkDestination(r);
        checkWritable(r);
        RegionChecks.checkAlignment(r, copying);
        org.kclone.device.image.FreeSpace.check(r, freeSpace); // last: a read-only file says so first
        return r;
    }

    private Endpoint identify(String field, Path path) throws RefusedException {
        try {
            if (Files.isRegularFile(path)) {
                return new Endpoint(field, path, Endpoint.Kind.IMAGE, null, 0, 0, Files.size(path), Sizes.SECTOR);
            }
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            if ((mode & S_IFMT) != S_IFBLK) {
                throw new RefusedException(field, path + " is neither a block device nor an image file");
            }
            String real = path.toRealPath().toString();
            DeviceInfo d = byPath.get(real);
            if (d == null) {
                d = byName.get(Path.of(real).getFileName().toString());
            }
            if (d == null) {
                throw new RefusedException(field, path + " (" + real + ") is a block device lsblk does not list;"
                        + " refusing to guess what it is");
            }
            return new Endpoint(field, path, Endpoint.Kind.BLOCK, d, 0, 0, d.size(), d.logicalSectorSize());
        } catch (IOException e) {
            throw new RefusedException(field, "cannot examine " + path + ": " + e.getMessage());
        }
    }

    private void checkWritable(Endpoint e) throws RefusedException {
        if (e.kind() == Endpoint.Kind.IMAGE && !Files.isWritable(e.path())) {
            throw new RefusedException(e.field(), e.path() + " is read-only");
        }
        if (e.kind() != Endpoint.Kind.BLOCK) {
            return;
        }
        DeviceInfo d = e.device();
        if (d.readOnly()) {
            throw new RefusedException(e.field(), e.path() + " is read-only (write-protected)");
        }
        DeviceInfo disk = topOf(d);
        if (disk.system() && !(options.force() && options.allowSystemDisk())) {
            throw new RefusedException(e.field(), e.path() + " is on the system disk " + disk.path() + " (it holds "
                    + String.join(", ", systemMounts(disk)) + "); refused: only --force together with"
                    + " --allow-system-disk writes there");
        }
        if (!options.force()) {
            if (d.mountedAnywhere()) {
                throw new RefusedException(e.field(), e.path() + " is mounted at "
                        + String.join(", ", d.allMountpoints()) + "; unmount it first (or --force)");
            }
            if (d.heldAnywhere()) {
                throw new RefusedException(e.field(), e.path() + " is in use by " + String.join(", ", holders(d))
                        + " (LVM, md or dm); stop that first (or --force)");
            }
        }
    }

    /** Refuses a destination that overlaps the source or another destination, also across partition and disk. */
    private void checkOverlaps(Endpoint source, List<Endpoint> dests) throws RefusedException {
        OverlapGuard guard = new OverlapGuard(byPath, byName, loops);
        guard.check(source, dests);
        if (!options.force()) {
            guard.checkImagesUnderMountedLoops(dests);
        }
    }

    private DeviceInfo topOf(DeviceInfo d) {
        DeviceInfo cur = d;
        while (cur.parent() != null && byName.containsKey(cur.parent())) {
            cur = byName.get(cur.parent());
        }
        return cur;
    }

    private static List<String> systemMounts(DeviceInfo d) {
        return d.allMountpoints().stream().filter(Lsblk.SYSTEM_MOUNTS::contains).distinct().toList();
    }

    private static List<String> holders(DeviceInfo d) {
        List<String> out = new ArrayList<>(d.holders());
        for (DeviceInfo c : d.children()) {
            if (c.isPartition()) {
                out.addAll(holders(c));
            }
        }
        return out;
    }
}
