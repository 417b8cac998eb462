package org.kclone.ui.resume;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.kclone.device.CopyPlanner;
import org.kclone.device.resume.MapStore;

/**
 * The window's offers for interrupted jobs, from the automatic maps ({@link MapStore}): at start-up
 * one line per unfinished job ({@link #pending()}: Resume fills the form, Discard deletes the map),
 * and beside Start, when the form's job is one of them, {@link #offer()} (Resume continues it;
 * Start copies everything again). The maps are read on {@code background}, never on the caller's
 * (the FX) thread; results come back through {@code onFx}. Needs no toolkit: tests hand in
 * executors that run at once.
 */
public final class ResumeViewModel {

    private final MapStore store;
    private final Executor background;
    private final Consumer<Runnable> onFx;
    private final StringProperty offer = new SimpleStringProperty("");
    private final ObjectProperty<MapStore.Unfinished> forForm = new SimpleObjectProperty<>();
    private final ObservableList<MapStore.Unfinished> pending = FXCollections.observableArrayList();
    /** Counts the form's changes: a late answer about an older form is dropped. */
    private final AtomicLong asked = new AtomicLong();
    private volatile CopyPlanner.Plan lastPlan;
    /** The running job's map and helper note (FX thread only): its start-up line is not shown while it runs. */
    private final java.util.Set<java.nio.file.Path> runningJob = new java.util.HashSet<>();
    /** Counts job starts and ends: a late answer about a job that has ended already is dropped. */
    private long jobs;

    public ResumeViewModel(MapStore store, Executor background, Consumer<Runnable> onFx) {
        this.store = store;
        this.background = background;
        this.onFx = onFx;
    }

    /** What the window says beside Start about the form's job ("" when there is nothing to resume). */
    public StringProperty offer() {
        return offer;
    }

    /** The form's interrupted job, or null: Resume is offered while it is set. */
    public ObjectProperty<MapStore.Unfinished> forForm() {
        return forForm;
    }

    /** The interrupted jobs found (at start-up, and after each job), oldest first. */
    public ObservableList<MapStore.Unfinished> pending() {
        return pending;
    }

    /** The lines the window shows for {@link #pending()}. */
    public static String line(MapStore.Unfinished u) {
        return ResumeText.pending(u);
    }

    /** Looks for unfinished maps (finished ones are deleted on the way). */
    public void scan() {
        background.execute(() -> {
            store.pruneFinished();
            List<MapStore.Unfinished> found = store.unfinished();
            onFx.accept(() -> pending.setAll(notRunning(found)));
        });
    }

    private List<MapStore.Unfinished> notRunning(List<MapStore.Unfinished> found) {
        return found.stream().filter(u -> !runningJob.contains(u.file())).toList();
    }

    /**
     * A job of this plan started (resumed from its map, or started over): its start-up line goes (the
     * job's own rows say how it does now) and is not listed while it runs. Once it has ended ({@link
     * #jobEnded}) the maps say again: a finished job's went; an interrupted one is listed afresh.
     */
    public void jobStarted(CopyPlanner.Plan plan) {
        long n = ++jobs;
        background.execute(() -> {
            List<java.nio.file.Path> files;
            try {
                files = store.filesFor(plan);
            } catch (IOException | RuntimeException e) {
                return; // no map for such a plan: no line to hide
            }
            onFx.accept(() -> {
                if (jobs == n) {
                    runningJob.addAll(files);
                    pending.setAll(notRunning(pending));
                }
            });
        });
    }

    /** The form now makes this plan (null: it makes none): the offer follows, once the map is read. */
    public void formChanged(CopyPlanner.Plan plan) {
        long n = asked.incrementAndGet();
        lastPlan = plan;
        if (plan == null || plan.source() == null) {
            forForm.set(null);
            offer.set("");
            return;
        }
        background.execute(() -> {
            Optional<MapStore.Unfinished> u;
            try {
                u = store.find(plan);
            } catch (IOException | RuntimeException e) {
                u = Optional.empty();
            }
            MapStore.Unfinished found = u.orElse(null);
            onFx.accept(() -> {
                if (asked.get() == n) {
                    forForm.set(found);
                    offer.set(found == null ? "" : ResumeText.offer(found));
                }
            });
        });
    }

    /** After a job (finished: its map went; interrupted: it has one now): the list and the offer again. */
    public void jobEnded() {
        jobEnded(lastPlan);
    }

    /**
     * As {@link #jobEnded()}, for the plan the form makes now: while the job ran the form could make
     * none (its destinations held by the job itself), and the last plan asked about was then null.
     */
    public void jobEnded(CopyPlanner.Plan now) {
        jobs++;
        runningJob.clear();
        scan();
        formChanged(now);
    }

    /** Deletes the interrupted job's map (Discard): it can no longer be resumed. */
    public void discard(MapStore.Unfinished u) {
        background.execute(() -> {
            try {
                store.discard(u.file());
            } catch (IOException | IllegalArgumentException ignored) {
                // gone already, or not ours: the scan shows what is left
            }
            List<MapStore.Unfinished> found = store.unfinished();
            onFx.accept(() -> {
                pending.setAll(found);
                if (forForm.get() != null && forForm.get().file().equals(u.file())) {
                    forForm.set(null);
                    offer.set("");
                }
            });
        });
    }
}
