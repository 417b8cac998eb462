package org.kclone.ui.duplicator;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import org.kclone.device.DeviceInfo;
import org.kclone.device.RegionSpec;
import org.kclone.device.hotplug.HotplugWatcher;

/**
 * The poller thread's half of duplicator mode: while armed, each lsblk listing is compared with
 * the one before ({@link HotplugWatcher}, the first listing of a session being its baseline); each
 * removable drive that appeared goes through {@link DriveIntake} (checked, and its job started),
 * and drives asked to be written anyway are taken again while still plugged in. What it finds
 * (drives arrived, drives gone, listings failing or working again) is queued, never pushed: the
 * {@link DuplicatorViewModel} takes it on the FX thread with {@link #next()}. No toolkit.
 */
final class DriveWatch {

    /** What the poller thread found, handed to the FX thread through the queue. */
    interface Found {
    }

    record Gone(String name) implements Found {
    }

    record ListingFailed(String why) implements Found {
    }

    record ListingWorks() implements Found {
    }

    /** One armed period: its source and its baseline. Listings of an older session are dropped. */
    private static final class Session {
        final RegionSpec source;
        final long sourceBytes;
        final String key;
        final HotplugWatcher watcher = new HotplugWatcher();

        Session(RegionSpec source, long sourceBytes) {
            this.source = source;
            this.sourceBytes = sourceBytes;
            this.key = WrittenDrives.sourceKey(source.path(), sourceBytes);
        }
    }

    private final DriveStarter starter;
    private final UnaryOperator<String> words;
    /** Drives written and verified in this window: one plugged in again is not written again. */
    private final WrittenDrives written;
    private DuplicatorViewModel.Planner planner = DuplicatorViewModel.GUARDS;
    private final ConcurrentLinkedQueue<Found> found = new ConcurrentLinkedQueue<>();
    /** Drives to write although this window wrote them already ({@link #writeAgain}); for the poller's thread. */
    private final ConcurrentLinkedQueue<DeviceInfo> writeAgain = new ConcurrentLinkedQueue<>();
    private volatile Session session;
    /** Set on the poller's thread when a listing failed, cleared by the next that works. */
    private volatile boolean listingFailed;

    DriveWatch(DriveStarter starter, UnaryOperator<String> words, WrittenDrives written) {
        this.starter = starter;
        this.words = words;
        this.written = written;
    }

    void planner(DuplicatorViewModel.Planner p) {
        this.planner = p;
    }

    /** A new session: drives are written with {@code source}; the next listing is its baseline. */
    void start(RegionSpec source, long sourceBytes) {
        session = new Session(source, sourceBytes);
    }

    /** No session: listings are dropped, nothing more is started. */
    void stop() {
        session = null;
    }

    boolean watching() {
        return session != null;
    }

    /** Takes {@code drive} again at the next listing, as a new drive, if it is still plugged in then. */
    void writeAgain(DeviceInfo drive) {
        writeAgain.add(drive);
    }

    /** The next thing found, or null; on the FX thread. */
    Found next() {
        return found.poll();
    }

    /** A listing failed, on the poller's thread. */
    void listingFailed(Exception e) {
        listingFailed = true;
        found.add(new ListingFailed(e.getMessage()));
    }

    /** One lsblk snapshot, on the poller's thread (see {@link DuplicatorViewModel#observe}). */
    void observe(List<DeviceInfo> roots) {
        Session s = session;
        if (s == null) {
            return;
        }
        if (listingFailed) {
            listingFailed = false;
            found.add(new ListingWorks());
        }
        HotplugWatcher.Change change;
        synchronized (s) {
            change = s.watcher.observe(roots);
        }
        for (HotplugWatcher.Key k : change.gone()) {
            found.add(new Gone(k.name()));
        }
        for (DeviceInfo d : change.appeared()) {
            if (session != s) {
                return; // disarmed meanwhile: nothing more is started
            }
            if (!HotplugWatcher.removable(d)) {
                continue; // a fixed disk (or a loop device) that appeared is never a duplicator target
            }
            found.add(DriveIntake.take(planner, starter, words, written, s.source, s.sourceBytes, s.key, d, roots));
        }
        DeviceInfo again;
        while ((again = writeAgain.poll()) != null) {
            WrittenDrives.Identity id = WrittenDrives.Identity.of(again);
            for (DeviceInfo d : roots) { // still plugged in under that name: else nothing is written
                if (d.name().equals(again.name()) && id != null && id.equals(WrittenDrives.Identity.of(d)) && session == s) {
                    found.add(DriveIntake.take(planner, starter, words, null, s.source, s.sourceBytes, s.key, d, roots));
                }
            }
        }
    }
}
