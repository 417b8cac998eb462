package org.kclone.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
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

    /** One destination's line: progress, bytes, speed, ETA, state. */
    public static final class Row {
        private final String path;
        private final DoubleProperty progress = new SimpleDoubleProperty();
        private final StringProperty detail = new SimpleStringProperty("");
        private final StringProperty state = new SimpleStringProperty("waiting");
        private final StringProperty error = new SimpleStringProperty("");

        Row(String path) {
            this.path = path;
        }

        public String path() {
            return path;
        }

        public DoubleProperty progress() {
            return progress;
        }

        public StringProperty detail() {
            return detail;
        }

        public StringProperty state() {
            return state;
        }

        public StringProperty error() {
            return error;
        }
    }

    private final BooleanProperty verify = new SimpleBooleanProperty(true);
    private final BooleanProperty ignoreErrors = new SimpleBooleanProperty(false);
    private final StringProperty limit = new SimpleStringProperty("");
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private final DoubleProperty overall = new SimpleDoubleProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final ObservableList<String> unreadable = FXCollections.observableArrayList();
    private final ObjectProperty<Report> report = new SimpleObjectProperty<>();
    private CloneRun run;
    private long startNanos;
    private int polls;

    public BooleanProperty verify() {
        return verify;
    }

    public BooleanProperty ignoreErrors() {
        return ignoreErrors;
    }

    public StringProperty limit() {
        return limit;
    }

    public BooleanProperty running() {
        return running;
    }

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

    /** Lines for the confirmation: exactly what will be overwritten. */
    public static List<String> confirmationLines(CopyPlanner.Plan plan) {
        return plan.destinations().stream().map(Endpoint::describe).toList();
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
        rows.clear();
        unreadable.clear();
        report.set(null);
        for (Endpoint e : plan.destinations()) {
            rows.add(new Row(e.path().toString()));
        }
        run = CloneRun.start(plan, new CloneRun.Settings(2048, KcopydConfig.DEFAULT, rate, flags, verify.get()));
        startNanos = System.nanoTime();
        running.set(true);
        status.set("copying");
    }

    public void cancel() {
        if (run != null) {
            run.cancel();
            status.set("cancelling: finishing the writes in flight and flushing");
        }
    }

    /** Copies the run's counters into the properties. Call on the FX thread, from one timer. */
    public void poll() {
        if (run == null) {
            return;
        }
        polls++;
        long total = Math.max(1, run.totalBytes());
        long[] written = run.written();
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        boolean verifying = run.phase() == CloneRun.Phase.VERIFYING;
        long min = Long.MAX_VALUE;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            String error = run.error(i);
            if (error != null) {
                r.state.set("failed");
                r.error.set(error);
                continue;
            }
            long done = verifying ? run.verifiedBytes() : written[i];
            min = Math.min(min, done);
            r.progress.set((double) done / total);
            double rate = done / seconds;
            long eta = rate <= 0 ? -1 : (long) ((total - done) / rate);
            r.detail.set(String.format(Locale.ROOT, "%s of %s, %s/s, ETA %s", Sizes.human(done), Sizes.human(total),
                    Sizes.human((long) rate), eta < 0 ? "--" : eta / 60 + ":" + String.format("%02d", eta % 60)));
            r.state.set(verifying ? "verifying" : "writing");
        }
        overall.set(min == Long.MAX_VALUE ? 0 : (double) min / total);
        List<SectorRange> bad = run.unreadableSoFar();
        if (bad.size() != unreadable.size()) {
            unreadable.setAll(bad.stream().map(b -> "sectors " + b.start() + "+" + b.count()).toList());
        }
        if (run.isDone()) {
            finish();
        }
    }

    private void finish() {
        Report r = run.completion().join();
        for (int i = 0; i < rows.size(); i++) {
            Report.Destination d = r.destinations().get(i);
            Row row = rows.get(i);
            switch (d.status()) {
                case "ok" -> {
                    row.state.set("done" + (verify.get() ? ", verified" : ""));
                    row.progress.set(1.0);
                }
                case "failed" -> {
                    row.state.set("failed");
                    row.error.set(d.error());
                }
                default -> {
                    row.state.set("mismatch");
                    row.error.set("differs at " + d.mismatches().size() + " range(s)");
                }
            }
        }
        status.set(r.cancelled() ? "cancelled" : r.exitCode() == 0 ? "done" : "done with errors");
        report.set(r);
        running.set(false);
        run = null;
    }

    /** Writes the report as the CLI's JSON. */
    public void saveReport(Path file) throws IOException {
        Report r = report.get();
        if (r == null) {
            throw new IllegalStateException("no report yet");
        }
        Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
    }
}
