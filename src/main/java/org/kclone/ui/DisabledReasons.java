package org.kclone.ui;

import org.kclone.device.DeviceInfo;

/**
 * Why a greyed control is greyed, in the window's words: the text of its tooltip (a disabled
 * control shows none of its own: {@link WhyDisabled} puts it on a wrapper). Each method answers ""
 * when the control is usable. Start's own reasons are {@link FormChecks#blockers}. Needs no toolkit.
 */
public final class DisabledReasons {

    /** Every setup control while a job runs. */
    public static final String LOCKED = "The setup is locked while the job runs; it unlocks when the job ends.";
    static final String TYPE_FIRST = "Type a device (/dev/sdX) or an image file's path in the field first.";
    static final String SELECT_FIRST = "Select a device in the list first.";
    static final String NO_JOB = "No job is running.";
    static final String REPORT_AFTER_JOB = "The report can be saved when the job has ended.";
    static final String NO_REPORT_YET = "No job has ended yet: there is no report to save.";
    static final String NO_REPORT = "The last job ended without a report (its status line says why).";

    private DisabledReasons() {
    }

    /** A control that is greyed only while a job runs (options, Remove, Image file..., New image file...). */
    public static String setup(boolean locked) {
        return locked ? LOCKED : "";
    }

    /** Add (beside the destination field). */
    static String add(String typed, boolean locked) {
        if (locked) {
            return LOCKED;
        }
        return typed == null || typed.isEmpty() ? TYPE_FIRST : "";
    }

    /** Use as source (under the device tree). */
    static String useAsSource(DeviceInfo selected, boolean locked) {
        if (locked) {
            return LOCKED;
        }
        return selected == null ? SELECT_FIRST : "";
    }

    /** Add as destination (under the device tree): the selected device's refusal, in full. */
    static String addAsDestination(DeviceInfo selected, boolean locked) {
        if (locked) {
            return LOCKED;
        }
        if (selected == null) {
            return SELECT_FIRST;
        }
        if (DeviceTableViewModel.selectableAsDestination(selected)) {
            return "";
        }
        String why = DeviceTableViewModel.whyNotDestination(selected);
        return selected.path() + " cannot be a destination: " + (why == null ? "kclone does not write there" : why);
    }

    /** Used blocks only: locked, or why the source has no used-block map ({@code unavailable}, "" when it has one). */
    static String usedOnly(String unavailable, boolean locked) {
        if (locked) {
            return LOCKED;
        }
        return unavailable == null || unavailable.isEmpty() ? ""
                : "Used blocks only is not available: " + unavailable;
    }

    /** Cancel. */
    static String cancel(boolean running) {
        return running ? "" : NO_JOB;
    }

    /**
     * Save report...: greyed until a job has ended with its report.
     *
     * @param ranAJob whether a job has run in this window (it may have ended without a report)
     */
    static String saveReport(boolean running, boolean hasReport, boolean ranAJob) {
        if (hasReport) {
            return "";
        }
        if (running) {
            return REPORT_AFTER_JOB;
        }
        return ranAJob ? NO_REPORT : NO_REPORT_YET;
    }
}
