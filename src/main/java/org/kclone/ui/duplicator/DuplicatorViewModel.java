package org.kclone.ui.duplicator;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.device.Sizes;
import org.kclone.device.hotplug.HotplugPoller;
import org.kclone.device.hotplug.HotplugWatcher;

/**
 * Duplicator mode: with a source chosen and the mode armed, every removable drive that appears
 * afterwards is checked by the same guards as a destination row ({@link CopyPlanner}) and, when it
 * passes and is at least as large as the source, written and verified as its own job; a drive that
 * does not pass gets a row saying why and is never written. Drives present when the mode is armed
 * are left alone. Disarming stops watching; jobs under way run to their end.
 *
 * <p>Threads: the drives are listed and the jobs started on the poller's thread ({@link #observe});
 * what it finds is queued, and {@link #poll()}, called on the FX thread by the window's 30 Hz
 * timer, turns the queue and the jobs' counters into rows. Nothing is pushed per event. Needs no
 * toolkit: tests call {@link #observe} with lsblk snapshots of their own and then {@link #poll()}.
 */
public final class DuplicatorViewModel {

    /** What the poller thread found, handed to the FX thread through the queue. */
    private sealed interface Found {
    }

    private record Arrived(DeviceInfo drive, DriveJob job, String refusal) implements Found {
    }

    private record Gone(String name) implements Found {
    }

    private record ListingFailed(String why) implements Found {
    }

    private record ListingWorks() implements Found {
    }

    /** One armed period: its source and its baseline. Listings of an older session are dropped. */
    private static final class Session {
        final RegionSpec source;
        final long sourceBytes;
        final HotplugWatcher watcher = new HotplugWatcher();

        Session(RegionSpec source, long sourceBytes) {
            this.source = source;
            this.sourceBytes = sourceBytes;
        }
    }

    /** Plans the copy to one drive with every guard (the window's {@link CopyPlanner}; tests their own). */
    interface Planner {
        CopyPlanner.Plan plan(List<DeviceInfo> roots, RegionSpec source, RegionSpec drive) throws RefusedException;
    }

    static final Planner GUARDS = (roots, source, drive) -> new CopyPlanner(roots, CopyPlanner.Options.NONE)
            .copy(source, List.of(drive));

    private final Callable<List<DeviceInfo>> discovery;
    private Planner planner = GUARDS;
    private final DriveStarter starter;
    private final UnaryOperator<String> words;
    private final ConcurrentLinkedQueue<Found> found = new ConcurrentLinkedQueue<>();
    private final ObservableList<DriveRow> rows = FXCollections.observableArrayList();
    private final ReadOnlyBooleanWrapper armed = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper active = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Off.");
    private final ReadOnlyIntegerWrapper done = new ReadOnlyIntegerWrapper();
    private final ReadOnlyIntegerWrapper failed = new ReadOnlyIntegerWrapper();
    private final ReadOnlyIntegerWrapper refused = new ReadOnlyIntegerWrapper();
    private final ReadOnlyIntegerWrapper cancelled = new ReadOnlyIntegerWrapper();
    private final ReadOnlyStringWrapper counters = new ReadOnlyStringWrapper("");
    private volatile Session session;
    private HotplugPoller poller;
    private long periodMillis = 1000;
    /** The status while armed (shown again once a failed listing works again). */
    private String armedText = "";
    /** Set on the poller's thread when a listing failed, cleared by the next that works. */
    private volatile boolean listingFailed;

    /**
     * @param discovery lists the devices (lsblk in the window; tests give snapshots)
     * @param starter starts one drive's job
     * @param words a guard's refusal in the window's words
     */
    public DuplicatorViewModel(Callable<List<DeviceInfo>> discovery, DriveStarter starter, UnaryOperator<String> words) {
        this.discovery = discovery;
        this.starter = starter;
        this.words = words;
        updateCounters();
    }

    /** Tests: plans with {@code p} instead of the guards over real devices. */
    void planner(Planner p) {
        this.planner = p;
    }

    /** Tests: no poller thread (they call {@link #observe} themselves) when {@code millis} is 0. */
    void pollEvery(long millis) {
        this.periodMillis = millis;
    }

    public ObservableList<DriveRow> rows() {
        return rows;
    }

    public ReadOnlyBooleanProperty armed() {
        return armed.getReadOnlyProperty();
    }

    /** Armed, or jobs still running: the window keeps polling while this is true. */
    public ReadOnlyBooleanProperty active() {
        return active.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty status() {
        return status.getReadOnlyProperty();
    }

    /** Drives written and verified. */
    public ReadOnlyIntegerProperty done() {
        return done.getReadOnlyProperty();
    }

    /** Drives whose job failed (or did not verify). */
    public ReadOnlyIntegerProperty failed() {
        return failed.getReadOnlyProperty();
    }

    /** Drives refused before anything was written. */
    public ReadOnlyIntegerProperty refused() {
        return refused.getReadOnlyProperty();
    }

    /** "n done, n failed, n refused, n running". */
    public ReadOnlyStringProperty counters() {
        return counters.getReadOnlyProperty();
    }

    /**
     * Arms: from now on, each removable drive that appears is written with {@code source} (the
     * source as chosen now; changing it later does not change an armed session). Refused, saying
     * why in {@link #status()}, while there is no valid source.
     *
     * @param sourceBytes the source region's length
     * @return whether it is armed now
     */
    public boolean arm(RegionSpec source, long sourceBytes) {
        if (armed.get()) {
            return true;
        }
        if (source == null || sourceBytes <= 0) {
            status.set("Choose a valid source first: every drive plugged in gets a copy of it.");
            return false;
        }
        session = new Session(source, sourceBytes);
        armed.set(true);
        active.set(true);
        armedText = "Armed: plug in drives of at least " + Sizes.human(sourceBytes) + "; each one is written with "
                + source.path() + " and verified. Drives already plugged in are left alone.";
        status.set(armedText);
        if (periodMillis > 0) {
            poller = new HotplugPoller(discovery, periodMillis, this::observe, e -> {
                listingFailed = true;
                found.add(new ListingFailed(e.getMessage()));
            });
        }
        return true;
    }

    /** Stops watching for drives; jobs under way run to their end (flushed and verified). */
    public void disarm() {
        if (!armed.get()) {
            return;
        }
        session = null;
        if (poller != null) {
            poller.close();
            poller = null;
        }
        armed.set(false);
        starter.closeWhenIdle();
        long running = rows.stream().filter(r -> r.job != null && !r.counted).count();
        status.set(running > 0 ? "Off: " + running + " job" + (running == 1 ? "" : "s")
                + " still running to the end; new drives are left alone." : "Off.");
    }

    /**
     * One lsblk snapshot, on the poller's thread: the first of a session is the baseline; each
     * removable drive that appeared after it is checked and, when it passes, its job started.
     */
    public void observe(List<DeviceInfo> roots) {
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
            found.add(take(s, d, roots));
        }
    }

    /** Checks one plugged drive against the guards and starts its job; a refusal names the reason. */
    private Arrived take(Session s, DeviceInfo d, List<DeviceInfo> roots) {
        if (d.size() < s.sourceBytes) {
            return new Arrived(d, null, "too small: " + Sizes.human(d.size()) + ", the source needs "
                    + Sizes.human(s.sourceBytes));
        }
        CopyPlanner.Plan plan;
        try {
            plan = planner.plan(roots, s.source, new RegionSpec("DEST 1", d.path(), d.path(), 0L, null));
        } catch (RefusedException e) {
            return new Arrived(d, null, words.apply(e.reason()));
        } catch (RuntimeException e) {
            return new Arrived(d, null, "could not be checked: " + e.getMessage());
        }
        try {
            return new Arrived(d, starter.start(plan), null);
        } catch (RefusedException e) {
            return new Arrived(d, null, words.apply(e.reason()));
        } catch (RuntimeException e) {
            return new Arrived(d, null, "could not start: " + e.getMessage());
        }
    }

    /** On the FX thread, from the window's timer: new drives become rows, running rows move. */
    public void poll() {
        Found f;
        while ((f = found.poll()) != null) {
            if (f instanceof Arrived a) {
                DriveRow r = new DriveRow(a.drive(), a.job(), a.refusal());
                rows.add(r);
                if (a.job() == null) {
                    r.counted = true;
                    refused.set(refused.get() + 1);
                }
            } else if (f instanceof Gone g) {
                for (DriveRow r : rows) {
                    if (r.path.equals("/dev/" + g.name()) && r.present.get()) {
                        r.present.set(false);
                        if (r.safeToRemove.get()) {
                            r.message.set(r.message.get() + " (removed)");
                        }
                    }
                }
            } else if (f instanceof ListingFailed l && armed.get()) {
                status.set("Cannot list the drives: " + l.why() + " (trying again every second)");
            } else if (f instanceof ListingWorks && armed.get()) {
                status.set(armedText);
            }
        }
        boolean running = false;
        for (DriveRow r : rows) {
            if (r.job != null && !r.counted) {
                update(r);
                running |= !r.counted;
            }
        }
        updateCounters();
        active.set(armed.get() || running);
        if (!armed.get() && !running && (status.get().startsWith("Off: ") || status.get().startsWith("Stopping:"))) {
            status.set("Off.");
        }
    }

    private void update(DriveRow r) {
        DriveJob j = r.job;
        long total = Math.max(1, j.totalBytes());
        if (j.isDone()) {
            r.counted = true;
            r.safeToRemove.set(true);
            String removed = r.present.get() ? "" : " (removed)";
            org.kclone.device.Report.Destination d;
            try {
                d = j.report().destinations().get(0);
            } catch (RuntimeException e) {
                r.state.set("failed");
                r.message.set("failed: " + e.getMessage() + "; safe to remove" + removed);
                failed.set(failed.get() + 1);
                return;
            }
            if (j.report().cancelled() && !"ok".equals(d.status())) {
                r.state.set("cancelled");
                r.message.set("cancelled: " + Sizes.human(j.written()) + " of " + Sizes.human(total)
                        + " written, partly overwritten; safe to remove" + removed);
                cancelled.set(cancelled.get() + 1);
            } else if ("ok".equals(d.status())) {
                r.state.set("done");
                r.progress.set(1);
                r.message.set("written and verified: safe to remove" + removed);
                done.set(done.get() + 1);
            } else {
                r.state.set("mismatch".equals(d.status()) ? "mismatch" : "failed");
                String why = "mismatch".equals(d.status()) ? "verification found " + d.mismatches().size()
                        + " differing range" + (d.mismatches().size() == 1 ? "" : "s") : d.error();
                r.message.set(r.state.get() + ": " + why + "; not a good copy, safe to remove" + removed);
                failed.set(failed.get() + 1);
            }
            return;
        }
        String error = j.error();
        if (error != null) {
            r.state.set("failed");
            r.message.set("failed: " + error + "; finishing, do not remove yet");
            return;
        }
        double seconds = Math.max(1e-3, (System.nanoTime() - r.startNanos) / 1e9);
        if (j.probing()) {
            r.state.set("checking");
            r.message.set("checking for fake capacity (a few seconds); do not remove");
        } else if (j.phase() == org.kclone.device.CloneRun.Phase.VERIFYING) {
            r.state.set("verifying");
            r.progress.set(0.5 + 0.5 * j.verifiedBytes() / total); // the bar never goes back: writing is its first half
            r.message.set("verifying: " + Sizes.human(j.verifiedBytes()) + " of " + Sizes.human(total)
                    + " read back; do not remove yet");
        } else {
            long w = j.written();
            r.state.set("writing");
            r.progress.set(0.5 * w / total);
            r.message.set(String.format(Locale.ROOT, "writing: %s of %s, %s/s; do not remove", Sizes.human(w),
                    Sizes.human(total), Sizes.human((long) (w / seconds))));
        }
    }

    private void updateCounters() {
        long running = rows.stream().filter(r -> r.job != null && !r.counted).count();
        counters.set(done.get() + " done, " + failed.get() + " failed, " + refused.get() + " refused, " + running
                + " running" + (cancelled.get() > 0 ? ", " + cancelled.get() + " cancelled" : ""));
    }

    /** Jobs still writing or verifying. */
    public int running() {
        return (int) rows.stream().filter(r -> r.job != null && !r.counted).count();
    }

    /**
     * Disarms and stops every job under way: writes in flight finish, each drive is flushed and
     * closed, and its row then says it was cancelled and is safe to remove.
     */
    public void stopAll() {
        disarm();
        for (DriveRow r : rows) {
            if (r.job != null && !r.counted) {
                r.job.cancel();
            }
        }
        status.set("Stopping: the drives being written are flushed; wait until their rows say safe to remove.");
    }

    /** The window closes: stop watching (a job under way still ends with its flush). */
    public void close() {
        disarm();
        starter.closeWhenIdle();
    }
}
