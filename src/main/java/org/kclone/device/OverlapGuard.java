package org.kclone.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The overlap guard: where each region lies on the whole device or file underneath (a partition
 * on its disk, a loop device or its partition on its backing file), and a refusal for a
 * destination that overlaps the source or another destination there.
 */
final class OverlapGuard {

    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private final Map<String, DeviceInfo> byPath;
    private final Map<String, DeviceInfo> byName;
    private final LoopBacking loops;

    OverlapGuard(Map<String, DeviceInfo> byPath, Map<String, DeviceInfo> byName, LoopBacking loops) {
        this.byPath = byPath;
        this.byName = byName;
        this.loops = loops;
    }

    /** Refuses a destination that overlaps the source or another destination, also across partition and disk. */
    void check(Endpoint source, List<Endpoint> dests) throws RefusedException {
        List<Extent> extents = new ArrayList<>();
        for (Endpoint d : dests) {
            extents.add(extentOf(d));
        }
        Extent src = source != null ? extentOf(source) : null;
        for (int i = 0; i < dests.size(); i++) {
            Extent a = extents.get(i);
            if (src != null && a.overlaps(src)) {
                throw new RefusedException(dests.get(i).field(), dests.get(i).path() + " sectors "
                        + dests.get(i).start() + "+" + dests.get(i).count() + " overlap the source region ("
                        + source.path() + " " + source.start() + "+" + source.count() + ")" + Extent.why(a, src));
            }
            for (int j = 0; j < i; j++) {
                Extent b = extents.get(j);
                if (a.overlaps(b)) {
                    boolean same = a.start() == b.start() && a.end() == b.end();
                    throw new RefusedException(dests.get(i).field(), (same
                            ? "is the same destination as " + dests.get(j).field() + " (" + dests.get(j).path() + ")"
                            : dests.get(i).path() + " overlaps " + dests.get(j).field() + " (" + dests.get(j).path()
                                    + ")") + Extent.why(a, b));
                }
            }
        }
    }

    /**
     * Refuses a destination (an image file, or a block device a loop device is stacked on) whose
     * region lies under a loop device that is mounted or held: the file system on it would be
     * overwritten underneath (the planner lets it through with --force, as it does the loop device
     * itself). lsblk does not show loop stacking: it is found from each loop device's backing.
     */
    void checkImagesUnderMountedLoops(List<Endpoint> dests) throws RefusedException {
        for (Endpoint e : dests) {
            if (e.kind() == Endpoint.Kind.NEW_IMAGE) {
                continue;
            }
            Extent region = extentOf(e);
            String ownDisk = e.kind() == Endpoint.Kind.BLOCK ? topOf(e.device()).name() : null;
            for (DeviceInfo d : byName.values()) {
                if (d.isPartition() || !(d.mountedAnywhere() || d.heldAnywhere()) || d.name().equals(ownDisk)) {
                    continue; // a device's own mounts and holders are the planner's "is mounted" check
                }
                Extent whole = onDevice(e, d, 0, d.size(), null, 0);
                if (whole.via() != null && region.overlaps(whole)) {
                    String state = d.mountedAnywhere() ? "mounted at " + String.join(", ", d.allMountpoints())
                            : "held by LVM, md or dm";
                    throw new RefusedException(e.field(), e.kind() == Endpoint.Kind.BLOCK
                            ? e.path() + " is under " + d.path() + ", " + state + " (" + whole.via()
                                    + "); unmount it first (or --force)"
                            : e.path() + " lies under loop device " + d.path() + ", which is " + state
                                    + "; unmount it first (or --force)");
                }
            }
        }
    }

    private DeviceInfo topOf(DeviceInfo d) {
        DeviceInfo cur = d;
        while (cur.isPartition() && cur.parent() != null && byName.containsKey(cur.parent())) {
            cur = byName.get(cur.parent());
        }
        return cur;
    }

    /**
     * Where a region lies, in bytes, on the whole device or file underneath: a partition on its
     * disk, a loop device (or its partition) on its backing file.
     *
     * @param via how a loop device led there, for the message (null when it did not)
     */
    private record Extent(Object key, long start, long end, String via) {
        boolean overlaps(Extent o) {
            return key.equals(o.key) && start < o.end && o.start < end;
        }

        /** The loop devices that led two extents to one file, for a person to see why. */
        static String why(Extent a, Extent b) {
            List<String> vias = new ArrayList<>();
            for (Extent x : List.of(a, b)) {
                if (x.via() != null && !vias.contains(x.via())) {
                    vias.add(x.via());
                }
            }
            return vias.isEmpty() ? "" : ": " + String.join("; ", vias);
        }
    }

    private Extent extentOf(Endpoint e) throws RefusedException {
        if (e.kind() == Endpoint.Kind.BLOCK) {
            return onDevice(e, e.device(), e.start() * Sizes.SECTOR, e.count() * Sizes.SECTOR, null, 0);
        }
        Object key;
        try {
            key = e.kind() == Endpoint.Kind.NEW_IMAGE ? "file:" + e.path().toAbsolutePath().normalize()
                    : fileKey(e.path());
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot examine " + e.path() + ": " + ex.getMessage());
        }
        return new Extent(key, e.start() * Sizes.SECTOR, (e.start() + e.count()) * Sizes.SECTOR, null);
    }

    /** A file's identity, as a loop device's backing file is keyed: device and inode. */
    private static Object fileKey(Path p) throws IOException {
        try {
            return LoopBacking.idOf(p);
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            return Objects.requireNonNullElse(Files.readAttributes(p, BasicFileAttributes.class).fileKey(),
                    "file:" + p.toRealPath());
        }
    }

    /**
     * Bytes {@code from}..{@code from+length} of device {@code d}, placed on its whole disk, and
     * on a loop device's backing file (a file, or a block device that is placed in turn).
     */
    private Extent onDevice(Endpoint e, DeviceInfo d, long from, long length, String via, int depth)
            throws RefusedException {
        long at = from;
        while (d.isPartition() && d.parent() != null && byName.containsKey(d.parent())) {
            at += d.start() * Sizes.SECTOR;
            d = byName.get(d.parent());
        }
        LoopBacking.Backing b;
        try {
            b = depth < 8 ? loops.of(d.name()).orElse(null) : null;
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot read what lies under loop device " + d.path() + ": "
                    + ex.getMessage());
        }
        if (b == null) {
            return new Extent("dev:" + d.name(), at, at + length, via);
        }
        String how = d.path() + " is a loop device on " + b.file() + (b.offset() != 0 ? " from byte " + b.offset()
                : "");
        String vias = via == null ? how : via + ", " + how;
        long onFile = b.offset() + at;
        if (b.id() == null) {
            // deleted or not visible from here: two loop devices on it still meet by its name
            return new Extent("gone:" + b.file(), onFile, onFile + length, vias);
        }
        DeviceInfo under = blockDeviceAt(b.file());
        if (under != null) {
            return onDevice(e, under, onFile, length, vias, depth + 1);
        }
        return new Extent(b.id(), onFile, onFile + length, vias);
    }

    /** The lsblk entry of a loop device's backing file when that is a block device, else null. */
    private DeviceInfo blockDeviceAt(Path file) {
        try {
            int mode = (Integer) Files.getAttribute(file, "unix:mode");
            if ((mode & S_IFMT) != S_IFBLK) {
                return null;
            }
            String real = file.toRealPath().toString();
            DeviceInfo d = byPath.get(real);
            return d != null ? d : byName.get(Path.of(real).getFileName().toString());
        } catch (IOException | UnsupportedOperationException ex) {
            return null;
        }
    }
}
