package org.kclone.ui.duplicator;

import java.time.Clock;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.concurrent.Callable;
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

/**
 * Duplicator mode: with a source chosen and the mode armed, every removable drive that appears
 * afterwards is checked by the same guards as a destination row ({@link CopyPlanner}) and, when it
 * passes and is at least as large as the source, written and verified as its own job; a drive that
 * does not pass gets a row saying why and is never written. Drives present when the mode is armed
 * are left alone. Disarming stops watching; jobs under way run to their end. A drive this window
 * wrote and verified with the same source is not written again when plugged in again
 * ({@link WrittenDrives}; one whose copy failed is). Each job's end keeps its report on its row
 * ({@link DriveReports}) and is told by a desktop notification, coalesced ({@link DriveNotices}).
 *
 * <p>Threads: the drives are listed and the jobs started on the poller's thread ({@link #observe},
 * done by {@link DriveWatch}); what it finds is queued, and {@link #poll()}, called on the FX thread by the window's 30 Hz
 * timer, turns the queue and the jobs' counters into rows. Nothing is pushed per event. Needs no
 * toolkit: tests call {@link #observe} with lsblk snapshots of their own and then {@link #poll()}.
 */
public final class DuplicatorViewModel {

    /** Plans the copy to one drive with every guard (the window's {@link CopyPlanner}; tests their own). */
    interface Planner {
        CopyPlanner.Plan plan(List<DeviceInfo> roots, RegionSpec source, RegionSpec drive) throws RefusedException;
    }

    static final Planner GUARDS = (roots, source, drive) -> new CopyPlanner(roots, CopyPlanner.Options.NONE)
            .copy(source, List.of(drive));

    private final Callable<List<DeviceInfo>> discovery;
    private final DriveStarter starter;
    /** The poller thread's side: the armed session, its listings, what they found. */
    private final DriveWatch watch;
    private final ObservableList<DriveRow> rows = FXCollections.observableArrayList();
    private final ReadOnlyBooleanWrapper armed = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper active = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Off.");
    private final ReadOnlyIntegerWrapper done = new ReadOnlyIntegerWrapper();
    private final ReadOnlyIntegerWrapper failed = new ReadOnlyIntegerWrapper();
    private final ReadOnlyIntegerWrapper refused = new ReadOnlyIntegerWrapper();
    private final ReadOnlyIntegerWrapper cancelled = new ReadOnlyIntegerWrapper();
    private final ReadOnlyIntegerWrapper again = new ReadOnlyIntegerWrapper();
    /** Drives written and verified in this window: one plugged in again is not written again. */
    private final WrittenDrives written = new WrittenDrives();
    private final DriveNotices notices = new DriveNotices();
    private LongSupplier nanos = System::nanoTime;
    private Clock clock = Clock.systemDefaultZone();
    private final DriveReports reports = new DriveReports();
    private final ReadOnlyStringWrapper counters = new ReadOnlyStringWrapper("");
    private HotplugPoller poller;
    private long periodMillis = 1000;
    /** The status while armed (shown again once a failed listing works again). */
    private String armedText = "";

    /**
     * @param discovery lists the devices (lsblk in the window; tests give snapshots)
     * @param starter starts one drive's job
     * @param words a guard's refusal in the window's words
     */
    public DuplicatorViewModel(Callable<List<DeviceInfo>> discovery, DriveStarter starter, UnaryOperator<String> words) {
        this.discovery = discovery;
        this.starter = starter;
        this.watch = new DriveWatch(starter, words, written);
        updateCounters();
    }

    /** Tests: plans with {@code p} instead of the guards over real devices. */
    void planner(Planner p) {
        watch.planner(p);
    }

    /** Tests: the clock of the rows' times and of the notifications' spacing. */
    void clocks(Clock wall, LongSupplier monotonic) {
        this.clock = wall;
        this.nanos = monotonic;
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

    /** Drives plugged in again after they were written: not written again. */
    public ReadOnlyIntegerProperty writtenBefore() {
        return again.getReadOnlyProperty();
    }

    /** Each drive's report: saved by hand from its row, or into a folder as its job ends. */
    public DriveReports reports() {
        return reports;
    }

    /** Whether drive ends wait to be told: the window keeps polling {@link #nextNotice()} until they are. */
    public boolean noticePending() {
        return notices.pending();
    }

    /** The desktop notification due now, if any (at most one on screen: {@link DriveNotices}). */
    public Optional<DriveNotices.Notice> nextNotice() {
        return notices.next(nanos.getAsLong());
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
        watch.start(source, sourceBytes);
        armed.set(true);
        active.set(true);
        armedText = "Armed: plug in drives of at least " + Sizes.human(sourceBytes) + "; each one is written with "
                + source.path() + " and verified. Drives already plugged in are left alone.";
        status.set(armedText);
        if (periodMillis > 0) {
            poller = new HotplugPoller(discovery, periodMillis, this::observe, watch::listingFailed);
        }
        return true;
    }

    /** Stops watching for drives; jobs under way run to their end (flushed and verified). */
    public void disarm() {
        if (!armed.get()) {
            return;
        }
        watch.stop();
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
        watch.observe(roots);
    }

    /**
     * The technician asks to write a drive said to be written before (a card reader gives every card
     * the reader's serial, so two cards of one size look alike): it is checked and written as a new drive
     * at the next listing, if it is still plugged in and the mode still armed.
     *
     * @return false when {@code r} is not such a row, is unplugged, or the mode is off
     */
    public boolean writeAnyway(DriveRow r) {
        if (!watch.watching() || !"written before".equals(r.state.get()) || !r.present.get() || r.job != null) {
            return false;
        }
        r.state.set("written again");
        r.message.set("written again as asked: see its new row");
        watch.writeAgain(r.drive);
        return true;
    }

    /** The drive as a notification names it: model and serial, and its path. */
    private static String who(DriveRow r) {
        return r.model().isBlank() ? r.path() : r.model().replaceAll("\\s+", " ") + " (" + r.path() + ")";
    }

    /** On the FX thread, from the window's timer: new drives become rows, running rows move. */
    public void poll() {
        DriveWatch.Found f;
        while ((f = watch.next()) != null) {
            if (f instanceof DriveIntake.Arrived a) {
                DriveRow r = new DriveRow(a.drive(), a.job(), a.refusal(), a.audit(), a.before());
                r.sourceKey = a.sourceKey();
                rows.add(r);
                if (a.before() != null) {
                    r.counted = true;
                    again.set(again.get() + 1);
                    notices.ended(who(r), "written before", a.before().text() + "; not written again, unplug it", true);
                } else if (a.job() == null) {
                    r.counted = true;
                    refused.set(refused.get() + 1);
                    notices.ended(who(r), "refused", "not written: " + a.refusal(), false);
                }
            } else if (f instanceof DriveWatch.Gone g) {
                for (DriveRow r : rows) {
                    if (r.path.equals("/dev/" + g.name()) && r.present.get()) {
                        r.present.set(false);
                        if (r.safeToRemove.get()) {
                            r.message.set(r.message.get() + " (removed)");
                        }
                    }
                }
            } else if (f instanceof DriveWatch.ListingFailed l && armed.get()) {
                status.set("Cannot list the drives: " + l.why() + " (trying again every second)");
            } else if (f instanceof DriveWatch.ListingWorks && armed.get()) {
                status.set(armedText);
            }
        }
        boolean running = false;
        for (DriveRow r : rows) {
            if (r.job != null && !r.counted) {
                DriveProgress.Outcome o = DriveProgress.update(r);
                running |= o == DriveProgress.Outcome.RUNNING;
                if (o != DriveProgress.Outcome.RUNNING) {
                    ended(r, o);
                }
            }
        }
        updateCounters();
        active.set(armed.get() || running);
        if (!armed.get() && !running && (status.get().startsWith("Off: ") || status.get().startsWith("Stopping:"))) {
            status.set("Off.");
        }
    }

    /** A drive's job ended: counted, remembered when verified (forgotten else), told, and its report saved where asked. */
    private void ended(DriveRow r, DriveProgress.Outcome o) {
        switch (o) {
            case DONE -> {
                done.set(done.get() + 1);
                written.remember(r.drive, r.sourceKey, LocalDateTime.now(clock));
                notices.ended(who(r), "done", "done, safe to remove", true);
            }
            case CANCELLED -> {
                cancelled.set(cancelled.get() + 1);
                written.forget(r.drive);
                notices.ended(who(r), "cancelled", r.message.get(), false);
            }
            default -> {
                failed.set(failed.get() + 1);
                written.forget(r.drive); // no good copy on it: plugged in again, it is written again
                notices.ended(who(r), r.state.get(), r.message.get(), false);
            }
        }
        reports.ended(r, LocalDateTime.now(clock));
    }

    private void updateCounters() {
        long running = rows.stream().filter(r -> r.job != null && !r.counted).count();
        counters.set(done.get() + " done, " + failed.get() + " failed, " + refused.get() + " refused, " + running
                + " running" + (cancelled.get() > 0 ? ", " + cancelled.get() + " cancelled" : "")
                + (again.get() > 0 ? ", " + again.get() + " written before" : ""));
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
