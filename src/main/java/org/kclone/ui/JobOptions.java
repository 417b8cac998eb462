package org.kclone.ui;

import java.util.Map;
import java.util.Set;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.Sizes;
import org.kclone.device.probe.ProbeMode;
import org.kclone.device.report.AuditInfo;
import org.kclone.device.report.PendingAudit;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;

/**
 * The Options pane's choices for the next job (verify, ignore read errors, limit per second, the
 * fake-capacity probe, used blocks only) and what they make of a job: the run's
 * {@link CloneRun.Settings} and the options the report's audit records. {@link JobViewModel} hands
 * these properties out; no toolkit needed.
 */
final class JobOptions {

    private final BooleanProperty verify = new SimpleBooleanProperty(true);
    private final BooleanProperty ignoreErrors = new SimpleBooleanProperty(false);
    private final StringProperty limit = new SimpleStringProperty("");
    private final BooleanProperty probe = new SimpleBooleanProperty(true);
    private final BooleanProperty usedOnly = new SimpleBooleanProperty(false);
    private final StringProperty usedOnlyUnavailable = new SimpleStringProperty("pick a source first");

    BooleanProperty verify() {
        return verify;
    }

    BooleanProperty ignoreErrors() {
        return ignoreErrors;
    }

    StringProperty limit() {
        return limit;
    }

    BooleanProperty probe() {
        return probe;
    }

    BooleanProperty usedOnly() {
        return usedOnly;
    }

    StringProperty usedOnlyUnavailable() {
        return usedOnlyUnavailable;
    }

    /** The source changed (null: none valid): offers "Used blocks only" and sets its default ({@link UsedOnlyChoice}). */
    void sourceChanged(Endpoint source) {
        String why = UsedOnlyChoice.unavailable(source);
        usedOnlyUnavailable.set(why == null ? "" : why);
        usedOnly.set(UsedOnlyChoice.defaultOn(source));
    }

    /** Bandwidth limit in bytes per second, 0 for none; the reason when the text is not a rate. */
    long limitBytes() throws RefusedException {
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

    /** How the window runs a job: the default budget, and fake-capacity probes of removable drives when asked. */
    CloneRun.Settings settings(long rate, Set<KcopydFlag> flags, boolean check) {
        CloneRun.Settings s = new CloneRun.Settings(2048, KcopydConfig.DEFAULT, rate, flags, check,
                probe.get() ? ProbeMode.REMOVABLE : ProbeMode.OFF);
        return usedOnlyChosen() ? s.usedOnly(false) : s;
    }

    private boolean usedOnlyChosen() {
        return usedOnly.get() && usedOnlyUnavailable.get().isEmpty();
    }

    /** The report's audit of a job starting now: the options it runs with ({@code rate}: {@link #limitBytes()}). */
    PendingAudit audit(CopyPlanner.Plan plan, boolean check, long rate, boolean resume) {
        Map<String, Object> used = AuditInfo.newOptions();
        used.put("verify", check);
        used.put("ignoreErrors", ignoreErrors.get());
        used.put("limit", rate > 0 ? limit.get().trim() : null);
        used.put("probe", probe.get() ? "removable" : "off");
        used.put("usedOnly", usedOnlyChosen());
        used.put("window", true);
        var pending = new PendingAudit(plan, check, java.time.Instant.now(), used);
        if (resume) {
            used.put("resumed", true);
        }
        return pending;
    }
}
