package org.kclone.device.mount;

import java.util.ArrayList;
import java.util.List;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;

/**
 * A source whose file system is in use: copying a file system mounted read-write (or active swap)
 * gives a clone that is not consistent, since it changes while it is read. Such a source is refused
 * unless forced; a read-only mount is fine. Only what lies inside the source region counts: a whole
 * disk's partition outside the region may be mounted as it likes.
 */
public final class LiveSourceGuard {

    private LiveSourceGuard() {
    }

    /** Refuses {@code source} when part of its region is mounted read-write or is active swap, unless {@code force}. */
    public static void check(Endpoint source, boolean force, MountTable mounts) throws RefusedException {
        if (force || source.kind() != Endpoint.Kind.BLOCK || source.device() == null) {
            return;
        }
        List<String> live = new ArrayList<>();
        collect(source.device(), 0, source, mounts, live);
        if (live.isEmpty()) {
            return;
        }
        throw new RefusedException(source.field(), source.path() + " is in use: " + String.join(", ", live)
                + "; a copy of a file system that changes while it is read is not consistent: unmount it or"
                + " remount it read-only (mount -o remount,ro MOUNTPOINT) first (or --force)");
    }

    /** {@code offset}: where {@code d} starts on the source device, in sectors. */
    private static void collect(DeviceInfo d, long offset, Endpoint source, MountTable mounts, List<String> live) {
        long sectors = d.size() / 512;
        if (offset + sectors <= source.start() || offset >= source.start() + source.count()) {
            return; // outside the region
        }
        for (String m : d.mountpoints()) {
            if (m.equals("[SWAP]")) {
                live.add(d.path() + " is active swap");
            } else if (!mounts.readOnly(m)) {
                live.add(d.path() + " is mounted read-write at " + m);
            }
        }
        for (DeviceInfo c : d.children()) {
            // a partition's START is on its disk; holders (dm, md) cover their parent whole
            collect(c, c.isPartition() ? c.start() : offset, source, mounts, live);
        }
    }
}
