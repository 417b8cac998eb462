package org.kclone.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.Report;
import org.kclone.device.Sizes;
import org.kclone.engine.KcopydFlag;
import org.kclone.engine.SectorRange;
import org.kclone.ui.table.DestinationRow;
import org.kclone.ui.table.Eta;
import org.kclone.ui.table.JobSummary;
import org.kclone.ui.table.OverallLine;

/**
 * A running copy as the window shows it. Nothing is pushed from engine threads: {@link #poll()},
 * called on the FX thread by one timer (at most 60 times a second, however many destinations),
 * reads the run's counters and updates the properties. Needs no toolkit: tests call poll().
 */
public final class JobViewModel {

    /** The Options pane's choices for the next job: verify, ignore errors, limit, probe, used blocks only. */
    private final JobOptions options = new JobOptions();
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private final BooleanProperty verifying = new SimpleBooleanProperty(false);
    private final BooleanProperty verifyRequested = new SimpleBooleanProperty(false);
    private final DoubleProperty overall = new SimpleDoubleProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final ObservableList<DestinationRow> rows = FXCollections.observableArrayList();
    private final StringProperty overallLine = new SimpleStringProperty("");
    private final ObjectProperty<JobSummary> summary = new SimpleObjectProperty<>();
    private LongSupplier clock = System::nanoTime;
    private final ObservableList<String> unreadable = FXCollections.observableArrayList();
    private final ObjectProperty<Report> report = new SimpleObjectProperty<>();
    private final StringProperty reportSaved = new SimpleStringProperty("");
    private org.kclone.device.report.PendingAudit audit;
    private final StringProperty problem = new SimpleStringProperty();
    private JobLauncher launcher = JobLauncher.automatic();
    private JobRun run;
    private boolean cancelling;
    private long startNanos;
    private long verifyStartNanos;
    private int polls;

    public BooleanProperty verify() {
        return options.verify();
    }

    /** "Used blocks only" ({@code --used-only}): copy only what the file systems use. */
    public BooleanProperty usedOnly() {
        return options.usedOnly();
    }

    /** Why "Used blocks only" is greyed for the source chosen; empty when it is offered. */
    public StringProperty usedOnlyUnavailable() {
        return options.usedOnlyUnavailable();
    }

    /** The source changed (null: none valid): offers "Used blocks only" and sets its default ({@link UsedOnlyChoice}). */
    public void sourceChanged(Endpoint source) {
        options.sourceChanged(source);
    }

    /** Whether removable destinations are probed for fake capacity before the copy (on by default). */
    public BooleanProperty probe() {
        return options.probe();
    }

    public BooleanProperty ignoreErrors() {
        return options.ignoreErrors();
    }

    public StringProperty limit() {
        return options.limit();
    }

    /** True from the start of a job until its report is in (flushed, verified): the setup is locked. */
    public BooleanProperty running() {
        return running;
    }

    /** True while the destinations are being read back. */
    public BooleanProperty verifying() {
        return verifying;
    }

    /** Whether the job now running (or last run) was asked to verify: the rows show a second bar. */
    public BooleanProperty verifyRequested() {
        return verifyRequested;
    }

    /** The whole job, 0 to 1: copying and (when asked) verifying as two halves; never goes back. */
    public DoubleProperty overall() {
        return overall;
    }

    public StringProperty status() {
        return status;
    }

    /**
     * One row per destination: before a job the window's list of destinations (queued), during and
     * after it the job's (the same row objects when the job runs the listed destinations).
     */
    public ObservableList<DestinationRow> rows() {
        return rows;
    }

    /** The line above the table: phase, counts, elapsed, total throughput, ETA (with verification). */
    public StringProperty overallLine() {
        return overallLine;
    }

    /** Set when a job ends with a report: n ok, n failed, n mismatch, elapsed, average speed. */
    public ObjectProperty<JobSummary> summary() {
        return summary;
    }

    /** The clock of elapsed times and speeds (tests: a clock they move). */
    void clock(LongSupplier nanos) {
        this.clock = nanos;
    }

    public ObservableList<String> unreadable() {
        return unreadable;
    }

    public ObjectProperty<Report> report() {
        return report;
    }

    /**
     * Set when a job ends without a report: refused before anything was written, the administrator
     * password not given, no polkit agent, the helper gone. The text says what to do.
     */
    public StringProperty problem() {
        return problem;
    }

    /** How jobs are run (tests: the helper spawned directly instead of through pkexec). */
    void launcher(JobLauncher launcher) {
        this.launcher = launcher;
    }

    /** How many times poll() ran (the coalescing is measured by it). */
    public int polls() {
        return polls;
    }

    /** Bandwidth limit in bytes per second, 0 for none; the reason when the text is not a rate. */
    public long limitBytes() throws RefusedException {
        return options.limitBytes();
    }

    /** Lines for the confirmation: exactly what will be read and overwritten. */
    public static List<String> confirmationLines(CopyPlanner.Plan plan) {
        return ConfirmationDialog.lines(plan);
    }

    /** Destinations that are fixed (non-removable) disks: the user must type their names to confirm. */
    public static List<String> namesToType(CopyPlanner.Plan plan) {
        return plan.destinations().stream()
                .filter(e -> e.kind() == Endpoint.Kind.BLOCK && !e.device().removable())
                .map(e -> e.path().getFileName().toString()).toList();
    }

    /** Starts the job afresh (an interrupted job's map of it goes). */
    public void start(CopyPlanner.Plan plan) throws RefusedException {
        start(plan, false);
    }

    /**
     * Starts; {@code resume}: continues the interrupted job of this plan from its map (the map's
     * checks refuse changed devices). Opening the devices and the map's checks may happen after this
     * returns (an in-process job starts on its own thread): a refusal then ends the job with {@link #problem()}.
     */
    public void start(CopyPlanner.Plan plan, boolean resume) throws RefusedException {
        Set<KcopydFlag> flags = EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS);
        if (options.ignoreErrors().get()) {
            flags.add(KcopydFlag.IGNORE_ERROR);
        }
        long rate = limitBytes();
        boolean check = options.verify().get();
        var pending = options.audit(plan, check, rate, resume);
        JobRun r = launcher.start(plan, settings(rate, flags, check), resume);
        start(r, plan.destinations().stream().map(e -> e.path().toString()).toList(), check);
        org.kclone.ui.table.RowDescriptions.fromPlan(rows, plan); // image files too: "image file", never an empty cell
        audit = pending;
    }

    /** How the window runs a job: the default budget, and fake-capacity probes of removable drives when asked. */
    CloneRun.Settings settings(long rate, Set<KcopydFlag> flags, boolean check) {
        return options.settings(rate, flags, check);
    }

    /**
     * Starts showing {@code r} (package-private: tests hand in a run they drive). The rows listed
     * for these paths are kept (their setup stays bound); otherwise new rows are made.
     */
    void start(JobRun r, List<String> paths, boolean check) {
        List<String> listed = rows.stream().map(x -> x.path().get()).toList();
        if (!listed.equals(paths)) {
            rows.setAll(paths.stream().map(DestinationRow::new).toList());
        }
        rows.forEach(DestinationRow::begin);
        unreadable.clear();
        report.set(null);
        summary.set(null);
        reportSaved.set("");
        audit = null;
        problem.set(null);
        run = r;
        cancelling = false;
        verifyRequested.set(check);
        verifying.set(false);
        overall.set(0);
        overallLine.set("");
        startNanos = clock.getAsLong();
        running.set(true);
        status.set("copying");
    }

    /** Cancels the running job (the window asks first). */
    public void cancel() {
        if (run != null) {
            run.cancel();
            cancelling = true;
            status.set(verifying.get() ? "cancelling: stopping the verification"
                    : "cancelling: finishing the writes in flight and flushing");
        }
    }

    /** Copies the run's counters into the properties. Call on the FX thread, from one timer. */
    public void poll() {
        if (run == null) {
            return;
        }
        polls++;
        String waiting = run.waitingFor();
        if (waiting != null && !run.isDone()) {
            if (!cancelling) {
                status.set(waiting);
            }
            rows.forEach(DestinationRow::waiting);
            return;
        }
        long now = clock.getAsLong();
        long total = Math.max(1, run.totalBytes());
        long[] written = run.written();
        boolean nowVerifying = run.phase() == CloneRun.Phase.VERIFYING;
        if (nowVerifying && !verifying.get()) {
            verifyStartNanos = now;
        }
        verifying.set(nowVerifying);
        double copySeconds = Math.max(1e-3, ((nowVerifying ? verifyStartNanos : now) - startNanos) / 1e9);
        long before = run.copiedBefore(); // a resumed job's earlier runs: on the destinations, not this run's speed
        double verifySeconds = nowVerifying ? Math.max(1e-3, (now - verifyStartNanos) / 1e9) : 0;
        long checked = run.verifiedBytes();
        long min = Long.MAX_VALUE;
        int failed = 0;
        int through = 0;
        long sum = 0;
        for (int i = 0; i < rows.size(); i++) {
            DestinationRow r = rows.get(i);
            String error = run.error(i);
            if (error != null) {
                r.fail(error);
                failed++;
                continue;
            }
            long done = nowVerifying ? checked : written[i];
            if (nowVerifying) {
                r.verifying(checked, total, copySeconds, verifySeconds);
            } else {
                r.copying(written[i], before, total, copySeconds, verifyRequested.get(), run.probing());
            }
            through += done >= total ? 1 : 0;
            sum += done;
            min = Math.min(min, done);
        }
        double fraction = min == Long.MAX_VALUE ? 0 : (double) min / total;
        double whole = !verifyRequested.get() ? fraction : nowVerifying ? 0.5 + fraction / 2 : fraction / 2;
        overall.set(Math.max(overall.get(), whole));
        if (min != Long.MAX_VALUE) {
            long eta = nowVerifying ? Eta.seconds(total, total, min, true, true, copySeconds, verifySeconds)
                    : Eta.seconds(total, min, 0, verifyRequested.get(), false, copySeconds, 0, before);
            overallLine.set(OverallLine.text(nowVerifying, run.probing(), rows.size(), through, failed,
                    (now - startNanos) / 1_000_000_000L, nowVerifying ? sum / verifySeconds
                            : Math.max(0, sum - before * (rows.size() - failed)) / copySeconds, eta));
        }
        if (!cancelling) {
            status.set(nowVerifying ? "verifying: " + Sizes.human(checked) + " of " + Sizes.human(total)
                    : run.probing() ? "checking removable drives for fake capacity (a few seconds)..." : "copying");
        }
        List<SectorRange> bad = run.unreadableSoFar();
        if (bad.size() != unreadable.size()) {
            unreadable.setAll(bad.stream().map(b -> "sectors " + b.start() + "+" + b.count()).toList());
        }
        if (run.isDone()) {
            finish();
        }
    }

    private void finish() {
        Report r = run.report();
        if (r == null) {
            finishWithout(run.problem() != null ? run.problem() : "the job ended without a report");
            return;
        }
        r = audit != null ? audit.attach(r) : r;
        boolean check = verifyRequested.get();
        long total = run.totalBytes();
        long[] written = run.written();
        for (int i = 0; i < rows.size(); i++) {
            var d = r.destinations().get(i);
            List<SectorRange> ranges = d.mismatches().stream().map(m -> new SectorRange(m.start(), m.count())).toList();
            rows.get(i).finish(d, check, r.cancelled(), total, i < written.length ? written[i] : 0,
                    run.verifiedBytes(), MismatchText.of(ranges));
        }
        boolean allOk = r.exitCode() == 0 && r.destinations().stream().allMatch(d -> "ok".equals(d.status()));
        status.set(r.cancelled() ? "cancelled" : allOk ? "done" : "done with errors");
        if (allOk && !r.cancelled()) {
            overall.set(1.0);
        }
        JobSummary s = JobSummary.of(rows, (clock.getAsLong() - startNanos) / 1_000_000_000L, r.bytes(),
                run.copiedBefore(), r.cancelled());
        overallLine.set(s.text());
        verifying.set(false);
        report.set(r);
        summary.set(s);
        running.set(false);
        run = null;
    }

    /** A job that ended without a report: every row not already failed says why; the setup unlocks. */
    private void finishWithout(String why) {
        rows.forEach(r -> r.notDone(why));
        status.set(why);
        overallLine.set(why);
        verifying.set(false);
        problem.set(why);
        running.set(false);
        run = null;
    }

    /** Where the report was last saved, or why it was not ("" before any save of this job's report). */
    public StringProperty reportSaved() {
        return reportSaved;
    }

    /**
     * Writes the report: a printable HTML page when the name ends in .html, else the CLI's JSON
     * report; whole or not at all (a failed save leaves no file, and an older one as it was).
     * {@link #reportSaved()} says where it went, or why not.
     */
    public void saveReport(Path file) throws IOException {
        Report r = report.get();
        if (r == null) {
            throw new IllegalStateException("no report yet");
        }
        Path where = file.toAbsolutePath();
        try {
            org.kclone.device.report.ReportFiles.write(where, r);
        } catch (IOException | RuntimeException e) {
            reportSaved.set("The report was NOT saved in " + where + ": "
                    + org.kclone.device.report.ReportFiles.reason(e));
            throw e;
        }
        reportSaved.set("Report saved in " + where
                + (org.kclone.device.report.ReportFiles.isHtml(where) ? " (printable page)" : " (JSON)"));
    }
}
