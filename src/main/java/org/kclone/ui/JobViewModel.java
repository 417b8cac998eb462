package org.kclone.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
import org.kclone.device.probe.ProbeMode;
import org.kclone.device.Report;
import org.kclone.device.Sizes;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.engine.SectorRange;

/**
 * A running copy as the window shows it. Nothing is pushed from engine threads: {@link #poll()},
 * called on the FX thread by one timer (at most 60 times a second, however many destinations),
 * reads the run's counters and updates the properties. Needs no toolkit: tests call poll().
 */
public final class JobViewModel {

    /** One destination's line: copy and verify progress, bytes, speed, ETA, state. */
    public static final class Row {
        private final String path;
        private final DoubleProperty progress = new SimpleDoubleProperty();
        private final DoubleProperty verifyProgress = new SimpleDoubleProperty();
        private final StringProperty detail = new SimpleStringProperty("");
        private final StringProperty state = new SimpleStringProperty("waiting");
        private final StringProperty error = new SimpleStringProperty("");

        Row(String path) {
            this.path = path;
        }

        public String path() {
            return path;
        }

        /** Bytes written of the region, 0 to 1; never goes back when verification starts. */
        public DoubleProperty progress() {
            return progress;
        }

        /** Bytes read back and compared, 0 to 1 (its own bar, shown when verifying). */
        public DoubleProperty verifyProgress() {
            return verifyProgress;
        }

        public StringProperty detail() {
            return detail;
        }

        public StringProperty state() {
            return state;
        }

        /** Empty while the row is fine; otherwise why it is not (shown in red). */
        public StringProperty error() {
            return error;
        }
    }

    private final BooleanProperty verify = new SimpleBooleanProperty(true);
    private final BooleanProperty ignoreErrors = new SimpleBooleanProperty(false);
    private final StringProperty limit = new SimpleStringProperty("");
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private final BooleanProperty verifying = new SimpleBooleanProperty(false);
    private final BooleanProperty verifyRequested = new SimpleBooleanProperty(false);
    private final DoubleProperty overall = new SimpleDoubleProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
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
        return verify;
    }

    private final BooleanProperty probe = new SimpleBooleanProperty(true);
    private final BooleanProperty usedOnly = new SimpleBooleanProperty(false);
    private final StringProperty usedOnlyUnavailable = new SimpleStringProperty("pick a source first");

    /** "Used blocks only" ({@code --used-only}): copy only what the file systems use. */
    public BooleanProperty usedOnly() {
        return usedOnly;
    }

    /** Why "Used blocks only" is greyed for the source chosen; empty when it is offered. */
    public StringProperty usedOnlyUnavailable() {
        return usedOnlyUnavailable;
    }

    /** The source changed (null: none valid): offers "Used blocks only" and sets its default ({@link UsedOnlyChoice}). */
    public void sourceChanged(Endpoint source) {
        String why = UsedOnlyChoice.unavailable(source);
        usedOnlyUnavailable.set(why == null ? "" : why);
        usedOnly.set(UsedOnlyChoice.defaultOn(source));
    }

    /** Whether removable destinations are probed for fake capacity before the copy (on by default). */
    public BooleanProperty probe() {
        return probe;
    }

    public BooleanProperty ignoreErrors() {
        return ignoreErrors;
    }

    public StringProperty limit() {
        return limit;
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

    public ObservableList<Row> rows() {
        return rows;
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
        String t = limit.get() == null ? "" : limit.get().trim();
        if (t.isEmpty()) {
            return 0;
        }
        try {
            return Sizes.toBytes(t);
        } catch (IllegalArgumentException e) {
            throw new RefusedException("Limit", e.getMessage());
        }
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

    /** Opens the devices and starts; a device that cannot be opened is refused here (nothing written). */
    public void start(CopyPlanner.Plan plan) throws RefusedException {
        Set<KcopydFlag> flags = EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS);
        if (ignoreErrors.get()) {
            flags.add(KcopydFlag.IGNORE_ERROR);
        }
        long rate = limitBytes();
        boolean check = verify.get();
        java.util.Map<String, Object> used = org.kclone.device.report.AuditInfo.newOptions();
        used.put("verify", check);
        used.put("ignoreErrors", ignoreErrors.get());
        used.put("limit", rate > 0 ? limit.get().trim() : null);
        used.put("probe", probe.get() ? "removable" : "off");
        used.put("usedOnly", usedOnlyChosen());
        used.put("window", true);
        var pending = new org.kclone.device.report.PendingAudit(plan, check, java.time.Instant.now(), used);
        JobRun r = launcher.start(plan, settings(rate, flags, check));
        start(r, plan.destinations().stream().map(e -> e.path().toString()).toList(), check);
        audit = pending;
    }

    /** How the window runs a job: the default budget, and fake-capacity probes of removable drives when asked. */
    CloneRun.Settings settings(long rate, Set<KcopydFlag> flags, boolean check) {
        CloneRun.Settings s = new CloneRun.Settings(2048, KcopydConfig.DEFAULT, rate, flags, check,
                probe.get() ? ProbeMode.REMOVABLE : ProbeMode.OFF);
        return usedOnlyChosen() ? s.usedOnly(false) : s;
    }

    private boolean usedOnlyChosen() {
        return usedOnly.get() && usedOnlyUnavailable.get().isEmpty();
    }

    /** Starts showing {@code r} (package-private: tests hand in a run they drive). */
    void start(JobRun r, List<String> paths, boolean check) {
        rows.clear();
        unreadable.clear();
        report.set(null);
        reportSaved.set("");
        audit = null;
        problem.set(null);
        for (String p : paths) {
            rows.add(new Row(p));
        }
        run = r;
        cancelling = false;
        verifyRequested.set(check);
        verifying.set(false);
        overall.set(0);
        startNanos = System.nanoTime();
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
            rows.forEach(r -> r.state.set("waiting"));
            return;
        }
        long total = Math.max(1, run.totalBytes());
        long[] written = run.written();
        boolean nowVerifying = run.phase() == CloneRun.Phase.VERIFYING;
        if (nowVerifying && !verifying.get()) {
            verifyStartNanos = System.nanoTime();
        }
        verifying.set(nowVerifying);
        long phaseStart = nowVerifying ? verifyStartNanos : startNanos;
        double seconds = Math.max(1e-3, (System.nanoTime() - phaseStart) / 1e9);
        long checked = run.verifiedBytes();
        long min = Long.MAX_VALUE;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            String error = run.error(i);
            if (error != null) {
                r.state.set("failed");
                r.error.set(error);
                continue;
            }
            r.progress.set((double) written[i] / total);
            long done = nowVerifying ? checked : written[i];
            if (nowVerifying) {
                r.verifyProgress.set((double) checked / total);
            }
            min = Math.min(min, done);
            double rate = done / seconds;
            long eta = rate <= 0 ? -1 : (long) ((total - done) / rate);
            r.detail.set(String.format(Locale.ROOT, "%s %s of %s, %s/s, ETA %s", nowVerifying ? "verified" : "written",
                    Sizes.human(done), Sizes.human(total), Sizes.human((long) rate),
                    eta < 0 ? "--" : eta / 60 + ":" + String.format("%02d", eta % 60)));
            r.state.set(nowVerifying ? "verifying" : run.probing() ? "checking" : "writing");
        }
        double fraction = min == Long.MAX_VALUE ? 0 : (double) min / total;
        double whole = !verifyRequested.get() ? fraction : nowVerifying ? 0.5 + fraction / 2 : fraction / 2;
        overall.set(Math.max(overall.get(), whole));
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
        for (int i = 0; i < rows.size(); i++) {
            var d = r.destinations().get(i);
            Row row = rows.get(i);
            String status = d.status() == null ? "" : d.status();
            if ("ok".equals(status) && check && r.cancelled() && run.verifiedBytes() < run.totalBytes()) {
                status = "unverified"; // cancelled before the read-back reached the end: written, not checked
            }
            switch (status) {
                case "ok" -> {
                    row.state.set(check ? "done, verified" : "done");
                    row.detail.set(Sizes.human(run.totalBytes()) + (check ? " written and verified" : " written")
                            + (d.gpt() != null ? "; " + d.gpt() : "")); // a GPT fitted to a larger disk
                    row.error.set("");
                    row.progress.set(1.0);
                    if (check) {
                        row.verifyProgress.set(1.0);
                    }
                }
                case "failed" -> {
                    row.state.set("failed");
                    row.error.set(d.error() == null ? "failed" : d.error());
                }
                case "mismatch" -> {
                    row.state.set("mismatch");
                    List<SectorRange> ranges = d.mismatches().stream()
                            .map(m -> new SectorRange(m.start(), m.count())).toList();
                    row.error.set(MismatchText.of(ranges));
                }
                case "unverified" -> {
                    row.state.set("unverified");
                    row.error.set(d.error() != null ? d.error()
                            : "written, but the verification did not finish: the data was not checked");
                }
                default -> {
                    row.state.set(status.isEmpty() ? "unknown" : status);
                    row.error.set(d.error() != null ? d.error() : "not confirmed as done (status '" + status + "')");
                }
            }
        }
        boolean allOk = r.exitCode() == 0 && r.destinations().stream().allMatch(d -> "ok".equals(d.status()));
        status.set(r.cancelled() ? "cancelled" : allOk ? "done" : "done with errors");
        if (allOk && !r.cancelled()) {
            overall.set(1.0);
        }
        verifying.set(false);
        report.set(r);
        running.set(false);
        run = null;
    }

    /** A job that ended without a report: every row not already failed says why; the setup unlocks. */
    private void finishWithout(String why) {
        for (Row row : rows) {
            if (!"failed".equals(row.state.get())) {
                row.state.set("not done");
                row.error.set(why);
            }
        }
        status.set(why);
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
