package org.kclone.ui.table;

import java.util.Locale;

/**
 * Time left for a destination (or the whole job), counting the verification pass: while copying,
 * the pass still to come is estimated at the copy's speed; while verifying, at the verification's
 * own speed once it has one. Never 0:00 while work is left (at least one second), "--" while
 * there is no speed to go by.
 */
public final class Eta {

    /** No estimate yet. */
    public static final long UNKNOWN = -1;

    private Eta() {
    }

    /**
     * Seconds left, or {@link #UNKNOWN}.
     *
     * @param total bytes of the region
     * @param written bytes written so far (the whole region once verifying)
     * @param verified bytes read back and compared so far
     * @param verifyPass whether a verification pass follows the copy (or is running)
     * @param inVerify whether the verification pass is running now
     * @param copySeconds how long the copy ran (until now, or until the verification began)
     * @param verifySeconds how long the verification has run (0 before it)
     */
    public static long seconds(long total, long written, long verified, boolean verifyPass, boolean inVerify,
            double copySeconds, double verifySeconds) {
        return seconds(total, written, verified, verifyPass, inVerify, copySeconds, verifySeconds, 0);
    }

    /**
     * The same, for a run that found {@code before} bytes already written (a resumed job's earlier
     * runs): the copy's speed is of what it wrote since, over {@code copySeconds}.
     */
    public static long seconds(long total, long written, long verified, boolean verifyPass, boolean inVerify,
            double copySeconds, double verifySeconds, long before) {
        long moved = written - before;
        double copyRate = copySeconds > 0 && moved > 0 ? moved / copySeconds : 0;
        boolean workLeft = inVerify ? verified < total : written < total || verifyPass;
        if (!workLeft) {
            return 0;
        }
        double left;
        if (!inVerify) {
            if (copyRate <= 0) {
                return UNKNOWN;
            }
            left = (total - written) / copyRate + (verifyPass ? total / copyRate : 0);
        } else {
            double rate = verifySeconds > 0 && verified > 0 ? verified / verifySeconds : copyRate;
            if (rate <= 0) {
                return UNKNOWN;
            }
            left = (total - verified) / rate;
        }
        return Math.max(1, (long) Math.ceil(left));
    }

    /** {@code 1:05}, {@code 1:02:03}, or {@code --} for {@link #UNKNOWN}. */
    public static String format(long seconds) {
        if (seconds < 0) {
            return "--";
        }
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }

    /** Bytes in the table's short form: {@code 14 MiB}, {@code 1.5 GiB} (no ".0"). */
    public static String bytes(long n) {
        return org.kclone.device.Sizes.human(n).replace(".0 ", " ");
    }
}
