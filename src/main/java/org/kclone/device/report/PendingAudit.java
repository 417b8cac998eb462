package org.kclone.device.report;

import java.time.Instant;
import java.util.Map;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Report;

/**
 * What the audit part needs from a job's start (what ran, whether a read-back was asked for, when,
 * with which options); {@link #attach} completes it with the end time and the device facts once the
 * report is there.
 */
public record PendingAudit(CopyPlanner.Plan plan, boolean verifyAsked, Instant startedAt, Map<String, Object> options) {

    /** The report with its audit part, ended now. */
    public Report attach(Report report) {
        return report.withAudit(AuditInfo.of(plan, report, verifyAsked, startedAt, Instant.now(), options));
    }
}
