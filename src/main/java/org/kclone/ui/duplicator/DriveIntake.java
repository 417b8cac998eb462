package org.kclone.ui.duplicator;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.device.Sizes;
import org.kclone.device.report.AuditInfo;
import org.kclone.device.report.PendingAudit;

/**
 * What happens to a removable drive plugged in while armed, on the poller's thread: not written
 * again when this window wrote it already with this source ({@link WrittenDrives}; {@code written}
 * null: asked to write it anyway); refused, with
 * the reason, when it is too small or a guard says no; else its job is started.
 */
final class DriveIntake {

    /** A drive plugged in: its job, or why not (refused, or written before in this window). */
    record Arrived(DeviceInfo drive, DriveJob job, String refusal, PendingAudit audit,
            WrittenDrives.Written before, String sourceKey) implements DriveWatch.Found {
    }

    private DriveIntake() {
    }

    /** Checks one plugged drive against the guards and starts its job; a refusal names the reason. */
    static Arrived take(DuplicatorViewModel.Planner planner, DriveStarter starter, UnaryOperator<String> words,
            WrittenDrives written, RegionSpec source, long sourceBytes, String key, DeviceInfo d, List<DeviceInfo> roots) {
        Optional<WrittenDrives.Written> before = written == null ? Optional.empty() : written.find(d, key);
        if (before.isPresent()) {
            return new Arrived(d, null, null, null, before.get(), key);
        }
        if (d.size() < sourceBytes) {
            return refused(d, "too small: " + Sizes.human(d.size()) + ", the source needs " + Sizes.human(sourceBytes));
        }
        CopyPlanner.Plan plan;
        try {
            plan = planner.plan(roots, source, new RegionSpec("DEST 1", d.path(), d.path(), 0L, null));
        } catch (RefusedException e) {
            return refused(d, words.apply(e.reason()));
        } catch (RuntimeException e) {
            return refused(d, "could not be checked: " + e.getMessage());
        }
        Map<String, Object> options = AuditInfo.newOptions();
        options.put("verify", true);
        options.put("window", true);
        options.put("duplicator", true);
        PendingAudit audit = new PendingAudit(plan, true, Instant.now(), options);
        try {
            return new Arrived(d, starter.start(plan), null, audit, null, key);
        } catch (RefusedException e) {
            return refused(d, words.apply(e.reason()));
        } catch (RuntimeException e) {
            return refused(d, "could not start: " + e.getMessage());
        }
    }

    private static Arrived refused(DeviceInfo d, String why) {
        return new Arrived(d, null, why, null, null, null);
    }
}
