package org.kclone.device.claim;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;
import org.kclone.device.LoopBacking;
import org.kclone.device.RefusedException;

/**
 * One writer per destination: what a run holds from before it opens a destination for writing
 * until it has closed them all. A block device is opened exclusively (the kernel refuses that
 * while another program holds it so, or it is mounted or held), and its whole disk is locked with
 * {@code flock(LOCK_EX)}, as systemd asks of partitioning tools so udev keeps away (one lock per
 * disk, however many of its partitions are destinations). An image file is locked with a file
 * lock ({@code FileChannel.tryLock}) and, where JNA loads, also with {@code flock}, which no other
 * descriptor of this process closing can release. The second writer is refused, naming the
 * destination as in use.
 *
 * <p>A destination that lsblk listed as mounted or held got through the planner only with
 * --force; the exclusive open cannot succeed there, so it is skipped and the disk lock alone keeps
 * two kclones apart. One that lsblk listed as free but the kernel refuses is refused.
 *
 * <p>Where JNA cannot load, block devices get a file lock on the whole disk instead (other
 * kclones are kept away, a mount or another program is not): {@link #degraded} says so.
 */
public final class Claims implements Closeable {

    private final NativeLocks nat;
    private final LoopBacking loops;
    /** Where the device nodes are ({@code /dev}; a test names its own). */
    private final Path devDir;
    /** Which block device is a partition of which disk ({@code /sys/class/block}; a test names its own). */
    private final Path sysClassBlock;
    private final Locks locks;
    private final Set<String> disksLocked = new HashSet<>();
    /** Image files already claimed by this run (two regions of one file, side by side, are one claim). */
    private final Set<Object> imagesLocked = new HashSet<>();

    private Claims(NativeLocks nat, LoopBacking loops, Path devDir, Path sysClassBlock) {
        this.nat = nat;
        this.loops = loops;
        this.devDir = devDir;
        this.sysClassBlock = sysClassBlock;
        this.locks = new Locks(nat);
    }

    /**
     * Claims every existing destination of {@code plan} (new image files are claimed with
     * {@link #claimNewImage} once created).
     *
     * @throws RefusedException naming the destination in use; whatever was claimed is released
     */
    public static Claims take(CopyPlanner.Plan plan) throws RefusedException {
        return take(plan, NativeLocks.system());
    }

    /**
     * As {@link #take(CopyPlanner.Plan)} with these native calls (null: as where JNA cannot load);
     * what lies under loop devices is read as the plan was made (one look at them per planning pass).
     */
    static Claims take(CopyPlanner.Plan plan, NativeLocks nat) throws RefusedException {
        return take(plan, nat, plan.loops());
    }

    /** As {@link #take(CopyPlanner.Plan, NativeLocks)}, with what lies under loop devices read from {@code loops}. */
    static Claims take(CopyPlanner.Plan plan, NativeLocks nat, LoopBacking loops) throws RefusedException {
        return take(plan, nat, loops, Path.of("/dev"));
    }

    /** As above, with the device nodes in {@code devDir}. */
    static Claims take(CopyPlanner.Plan plan, NativeLocks nat, LoopBacking loops, Path devDir)
            throws RefusedException {
        return take(plan, nat, loops, devDir, Path.of("/sys/class/block"));
    }

    /** As above, with partitions told from disks in {@code sysClassBlock}. */
    static Claims take(CopyPlanner.Plan plan, NativeLocks nat, LoopBacking loops, Path devDir, Path sysClassBlock)
            throws RefusedException {
        Claims c = new Claims(nat, loops, devDir, sysClassBlock);
        try {
            for (Endpoint e : plan.destinations()) {
                switch (e.kind()) {
                    case BLOCK -> c.claimBlock(e);
                    case IMAGE -> c.claimImage(e);
                    case NEW_IMAGE -> {
                        // claimed by claimNewImage once it exists
                    }
                }
            }
            if (plan.source() != null) {
                c.claimSource(plan.source());
            }
            return c;
        } catch (RefusedException | RuntimeException ex) {
            c.close();
            throw ex;
        }
    }

    /**
     * Null where the block devices of {@code plan} can be opened exclusively and locked as
     * described; otherwise what is missing and why, for the person to read.
     */
    public static String degraded(CopyPlanner.Plan plan) {
        return degraded(plan, NativeLocks.unavailableReason());
    }

    /** As {@link #degraded(CopyPlanner.Plan)} where JNA cannot load for the reason {@code why} (null: it loads). */
    static String degraded(CopyPlanner.Plan plan, String why) {
        if (plan.destinations().stream().noneMatch(e -> e.kind() == Endpoint.Kind.BLOCK)) {
            return null; // image files are locked alike with JNA or without
        }
        return why == null ? null : "destinations cannot be opened exclusively here: " + why + "; another kclone"
                + " is still kept away by a file lock, but a file system mounted meanwhile is not";
    }

    /**
     * The source is locked shared, after the destinations: its whole disk ({@code flock(LOCK_SH)},
     * or a shared file lock without JNA), or its image file (both kinds). Another run reading it
     * is welcome; one writing it holds the exclusive lock, so this run is refused, and one that
     * comes to write it later is refused. Storage this run writes itself (another partition of the
     * same disk, another region of the same file: the planner checked they do not overlap) is
     * already held exclusively and is not locked again.
     */
    private void claimSource(Endpoint e) throws RefusedException {
        if (e.kind() == Endpoint.Kind.BLOCK) {
            Path disk = wholeDisk(e);
            if (!disksLocked.contains(key(disk))) {
                locks.lockShared(e, disk, false, disk.equals(e.path()) ? "(another kclone?)"
                        : "(its disk " + disk + " is locked: another kclone, or a partitioning tool?)");
            }
        } else if (e.kind() == Endpoint.Kind.IMAGE && !imagesLocked.contains(fileKey(e.path()))) {
            locks.lockShared(e, e.path(), true, "(another kclone, on it or on a loop device over it?)");
        }
    }

    /** Claims an image file this run has just created. */
    public void claimNewImage(Endpoint e) throws RefusedException {
        claimImage(e);
    }

    private void claimBlock(Endpoint e) throws RefusedException {
        Path disk = wholeDisk(e);
        if (nat == null) {
            if (disksLocked.add(key(disk))) {
                locks.javaLock(e, disk, disk.equals(e.path()) ? "" : "(its disk " + disk + " is locked)");
            }
            claimUnderneath(e, disk, 0);
            return;
        }
        DeviceInfo d = e.device();
        try {
            locks.add(nat.openExclusive(e.path()));
        } catch (NativeLocks.Failure f) {
            boolean forced = d != null && (d.mountedAnywhere() || d.heldAnywhere());
            if (f.errno() == NativeLocks.EBUSY && !forced) {
                throw Locks.inUse(e, "(another kclone? or mounted or held since the check)");
            }
            if (f.errno() != NativeLocks.EBUSY) {
                throw Locks.cannot(e, e.path(), f);
            }
            // mounted or held, shown so and allowed with --force: the disk lock below still keeps kclones apart
        }
        if (disksLocked.add(key(disk))) {
            int fd;
            try {
                fd = nat.openForLock(disk);
            } catch (NativeLocks.Failure f) {
                throw Locks.cannot(e, disk, f);
            }
            locks.add(fd);
            boolean locked;
            try {
                locked = nat.tryLockExclusive(fd);
            } catch (NativeLocks.Failure f) {
                throw Locks.cannot(e, disk, f);
            }
            if (!locked) {
                throw Locks.inUse(e, disk.equals(e.path()) ? "(another kclone?)"
                        : "(its disk " + disk + " is locked: another kclone, or a partitioning tool?)");
            }
        }
        claimUnderneath(e, disk, 0);
    }

    /**
     * What a loop device writes to is claimed with it: its backing file gets the same locks an
     * image file destination takes, a backing block device the disk lock (and so on down a loop
     * over a loop), so a writer reaching the same storage through another layer is refused.
     */
    private void claimUnderneath(Endpoint e, Path disk, int depth) throws RefusedException {
        if (depth >= 8) {
            return;
        }
        LoopBacking.Backing b;
        try {
            b = loops.of(realName(disk)).orElse(null);
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot read what lies under loop device " + disk + ": "
                    + ex.getMessage());
        }
        if (b == null) {
            return;
        }
        String via = "(" + disk + " is a loop device on " + b.file() + ", which is in use: another kclone?)";
        if (isBlockDevice(b.file())) {
            Path under = devDir.resolve(wholeDiskName(realName(b.file())));
            if (disksLocked.add(key(under))) {
                locks.lockNode(e, under, via);
            }
            claimUnderneath(e, under, depth + 1);
            return;
        }
        if (b.id() != null) {
            claimLoopsOn(e, b.id()); // other loop devices on the same file, also where it has no name here
        }
        LoopBacking.FileId now;
        try {
            now = LoopBacking.idOf(b.file());
        } catch (IOException | RuntimeException ex) {
            return; // removed, or attached in another mount namespace: no name here to lock it by
        }
        if (b.id() != null && !b.id().equals(now)) {
            return; // the path names another file now: locking that one would guard nothing
        }
        if (imagesLocked.add(fileKey(b.file()))) {
            locks.lockNode(e, b.file(), via);
        }
    }

    private static String realName(Path p) {
        try {
            return p.toRealPath().getFileName().toString();
        } catch (IOException ex) {
            return p.getFileName().toString();
        }
    }

    private static boolean isBlockDevice(Path p) {
        try {
            return (((Integer) Files.getAttribute(p, "unix:mode")) & 0170000) == 0060000;
        } catch (IOException | RuntimeException ex) {
            return false;
        }
    }

    /** The whole disk a kernel block device name lies on (a partition's parent, from sysfs). */
    private String wholeDiskName(String name) {
        Path sys = sysClassBlock.resolve(name);
        try {
            if (Files.exists(sys.resolve("partition"))) {
                return sys.toRealPath().getParent().getFileName().toString();
            }
        } catch (IOException ex) {
            // removed since it was examined: taken for a disk
        }
        return name;
    }

    private void claimImage(Endpoint e) throws RefusedException {
        if (!imagesLocked.add(fileKey(e.path()))) {
            return; // another destination of this run, elsewhere in the same file: already ours
        }
        locks.lockNode(e, e.path(), "(another kclone, on it or on a loop device over it?)");
        claimLoopsOver(e);
    }

    /**
     * Also locks (as a disk) every loop device whose backing file is this image file, as the
     * kernel knows it: a kclone writing that loop device holds its lock, also where the loop's
     * backing file can no longer be reached by its own name (removed, another mount namespace) and
     * so could not be locked from that side. A loop node this user may not open is left alone
     * (whoever cannot open it cannot write through it either).
     */
    private void claimLoopsOver(Endpoint e) throws RefusedException {
        LoopBacking.FileId id;
        try {
            id = LoopBacking.idOf(e.path());
        } catch (IOException | RuntimeException ex) {
            return;
        }
        claimLoopsOn(e, id);
    }

    /** Locks, as disks, the loop devices the kernel reports on the file {@code id}. */
    private void claimLoopsOn(Endpoint e, LoopBacking.FileId id) throws RefusedException {
        for (String name : loops.loopNames()) {
            LoopBacking.Backing b;
            try {
                b = loops.of(name).orElse(null);
            } catch (IOException ex) {
                continue;
            }
            Path node = devDir.resolve(name);
            if (b == null || !id.equals(b.id()) || !Files.isWritable(node)) {
                continue;
            }
            if (disksLocked.add(key(node))) {
                locks.lockNode(e, node, "(" + node + " is a loop device on the same file, and in use: another kclone?)");
            }
        }
    }

    /** The node of the disk a partition lies on; the device itself when it is not a partition. */
    private Path wholeDisk(Endpoint e) {
        DeviceInfo d = e.device();
        if (d != null && d.isPartition() && d.parent() != null) {
            Path disk = devDir.resolve(d.parent());
            if (Files.exists(disk)) {
                return disk;
            }
        }
        return e.path();
    }

    /** The file's identity (device and inode), so two names of one file are one claim. */
    private static Object fileKey(Path p) {
        try {
            return LoopBacking.idOf(p);
        } catch (IOException | RuntimeException e) {
            return key(p); // not there: opening it to lock it is refused next
        }
    }

    private static String key(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize().toString();
        }
    }

    /** Releases every claim. */
    @Override
    public void close() {
        locks.close();
    }
}
