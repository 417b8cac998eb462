package org.kclone.ui.duplicator;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.kclone.device.DeviceInfo;

/** One plugged drive: written, being written, or refused with the reason. */
public final class DriveRow {
    final String path;
    private final String model;
    private final long size;
    final DriveJob job;
    /** The drive as lsblk described it when it was plugged in (its serial: {@link WrittenDrives}). */
    final DeviceInfo drive;
    /** What the report's audit part needs from the start; null where it is not known. */
    final org.kclone.device.report.PendingAudit audit;
    /** The job's report (the CLI's JSON report, with its audit part) once it ended; null before, and for refused drives. */
    final javafx.beans.property.ReadOnlyObjectWrapper<org.kclone.device.Report> report =
            new javafx.beans.property.ReadOnlyObjectWrapper<>();
    final ReadOnlyStringWrapper state = new ReadOnlyStringWrapper();
    final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    final javafx.beans.property.ReadOnlyDoubleWrapper progress = new javafx.beans.property.ReadOnlyDoubleWrapper();
    final ReadOnlyBooleanWrapper safeToRemove = new ReadOnlyBooleanWrapper();
    final ReadOnlyBooleanWrapper present = new ReadOnlyBooleanWrapper(true);
    final long startNanos = System.nanoTime();
    /** Its end (or refusal) has been counted: nothing more changes on the row. */
    boolean counted;
    /** The source it was written with ({@link WrittenDrives#sourceKey}); null for a refused drive. */
    String sourceKey;

    DriveRow(DeviceInfo d, DriveJob job, String refusal) {
        this(d, job, refusal, null, null);
    }

    /**
     * @param refusal why it is not written (with {@code job} null)
     * @param before when it was written already in this window (with {@code job} null): not written again
     */
    DriveRow(DeviceInfo d, DriveJob job, String refusal, org.kclone.device.report.PendingAudit audit,
            WrittenDrives.Written before) {
        this.drive = d;
        this.audit = audit;
        this.path = d.path();
        this.model = describe(d);
        this.size = d.size();
        this.job = job;
        if (job == null && before != null) {
            state.set("written before");
            message.set(before.text() + "; not written again: unplug it");
            safeToRemove.set(true);
        } else if (job == null) {
            state.set("refused");
            message.set(refusal + "; not written, safe to remove");
            safeToRemove.set(true);
        } else {
            state.set("writing");
        }
    }

    public String path() {
        return path;
    }

    /** Model and serial for the person holding the stick. */
    public String model() {
        return model;
    }

    public long size() {
        return size;
    }

    /** refused, written before, checking, writing, verifying, done, failed, mismatch, cancelled. */
    public ReadOnlyStringProperty state() {
        return state.getReadOnlyProperty();
    }

    /** Progress, the reason of a refusal or failure, and whether the drive may be pulled out. */
    public ReadOnlyStringProperty message() {
        return message.getReadOnlyProperty();
    }

    /** The job, 0 to 1: writing is its first half, reading back its second; it never goes back. */
    public javafx.beans.property.ReadOnlyDoubleProperty progress() {
        return progress.getReadOnlyProperty();
    }

    /** True once nothing more will touch the drive: refused, or flushed, verified and closed. */
    public ReadOnlyBooleanProperty safeToRemove() {
        return safeToRemove.getReadOnlyProperty();
    }

    /** The job's report once it ended (saveable from the row), else null. */
    public javafx.beans.property.ReadOnlyObjectProperty<org.kclone.device.Report> report() {
        return report.getReadOnlyProperty();
    }

    /** False once the drive has been unplugged. */
    public ReadOnlyBooleanProperty present() {
        return present.getReadOnlyProperty();
    }

    private static String describe(DeviceInfo d) {
        StringBuilder b = new StringBuilder();
        if (d.model() != null && !d.model().isBlank()) {
            b.append(d.model().trim());
        }
        if (d.serial() != null && !d.serial().isBlank()) {
            b.append(b.length() > 0 ? "  " : "").append("serial ").append(d.serial().trim());
        }
        return b.toString();
    }
}
