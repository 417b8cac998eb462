package org.kclone.helper;

import java.io.IOException;
import java.util.List;

/** The window's words for a helper that did not start or did not finish: what happened and what to do. */
final class HelperProblems {

    /** pkexec: the authentication dialog was dismissed, or the user is not authorized. */
    static final int PKEXEC_NOT_AUTHORIZED = 126;
    /** pkexec: not authorized / no agent / could not run the program. */
    static final int PKEXEC_FAILED = 127;

    private HelperProblems() {
    }

    static String cannotStart(List<String> command, IOException e) {
        if (!command.isEmpty() && command.get(0).endsWith("pkexec")) {
            return "pkexec (polkit) is not installed, so kclone cannot ask for the administrator password. Install"
                    + " it (Debian/Ubuntu: apt install pkexec; Fedora: polkit), or run kclone as root."
                    + " Nothing was written.";
        }
        return "cannot start the helper (" + String.join(" ", command) + "): " + e.getMessage()
                + ". Nothing was written.";
    }

    static String ended(int exit, String stderr, boolean hello, boolean started, boolean cancelled) {
        String said = stderr.isEmpty() ? "" : " (" + lastLine(stderr) + ")";
        if (!hello) {
            if (cancelled) {
                return "Cancelled before it started; nothing was written.";
            }
            if (stderr.contains("No authentication agent") || stderr.contains("no authentication agent")) {
                return "No polkit authentication agent is running, so nobody can be asked for the administrator"
                        + " password. Start your desktop's polkit agent (e.g. polkit-gnome, lxpolkit or"
                        + " polkit-kde-agent), or run kclone as root (sudo kclone). Nothing was written.";
            }
            if (exit == PKEXEC_NOT_AUTHORIZED) {
                return "The administrator password was not given (the dialog was cancelled), so the devices were"
                        + " not opened. Start again and enter the password, or run kclone as root. Nothing was"
                        + " written.";
            }
            if (exit == PKEXEC_FAILED) {
                return "Not authorized by polkit" + said + ". Ask an administrator to allow the action"
                        + " org.kclone.helper, or run kclone as root. Nothing was written.";
            }
            return "The helper did not start (exit " + exit + ")" + said + ". Nothing was written.";
        }
        if (!started) {
            return "The helper ended before the job started (exit " + exit + ")" + said + ". Nothing was written.";
        }
        return "The helper ended during the job without a report (exit " + exit + ")" + said
                + ". The destinations may be incomplete: run the job again.";
    }

    private static String lastLine(String text) {
        String[] lines = text.trim().split("\n");
        return lines[lines.length - 1].trim();
    }
}
