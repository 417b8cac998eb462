package org.kclone.ui;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A guard's refusal as the window says it: in plain sentences, without the command line's
 * options (which the window does not have), its argument names ("DEST 2") or sector arithmetic.
 * The guards are the CLI's; only the words change. Needs no toolkit.
 */
final class Reasons {

    private static final Pattern OVERLAPS_SOURCE = Pattern.compile(
            "^(\\S+) sectors \\d+\\+\\d+ overlap the source region \\((\\S+) \\d+\\+\\d+\\)(.*)$", Pattern.DOTALL);
    private static final Pattern SAME_AS = Pattern.compile("^is the same destination as DEST (\\d+) \\((\\S+)\\)(.*)$",
            Pattern.DOTALL);
    private static final Pattern OVERLAPS_DEST = Pattern.compile("^(\\S+) overlaps DEST (\\d+) \\((\\S+)\\)(.*)$",
            Pattern.DOTALL);
    private static final Pattern DEST_N = Pattern.compile("\\bDEST (\\d+)\\b");
    private static final Pattern GONE = Pattern.compile("^(/dev/\\S+) does not exist(.*)$", Pattern.DOTALL);

    private Reasons() {
    }

    /** {@code reason} in the window's words. */
    static String forTheWindow(String reason) {
        String r = reason.replace(" (or --force)", "")
                .replace("; refused: only --force together with --allow-system-disk writes there",
                        "; the window never writes to the system disk")
                .replace("; pass --grow to extend the file",
                        ": choose a new file name (kclone creates it at the size it needs)")
                .replace("START ", "Start ").replace("LENGTH ", "Length ");
        Matcher m = OVERLAPS_SOURCE.matcher(r);
        if (m.matches()) {
            return m.group(1).equals(m.group(2)) ? "this is the source" + tail(m.group(3))
                    : m.group(1) + " overlaps the source " + m.group(2) + ": writing it would overwrite what is read"
                            + tail(m.group(3));
        }
        m = SAME_AS.matcher(r);
        if (m.matches()) {
            return "already in the list (destination " + m.group(1) + ")" + tail(m.group(3));
        }
        m = OVERLAPS_DEST.matcher(r);
        if (m.matches()) {
            return m.group(1) + " overlaps destination " + m.group(2) + " (" + m.group(3) + ")" + tail(m.group(4));
        }
        m = GONE.matcher(r);
        if (m.matches() && !m.group(2).contains("kclone creates")) {
            return m.group(1) + " is not there (unplugged?)";
        }
        if (r.startsWith("/dev/") && r.contains(" does not exist (no such device; kclone creates image files")) {
            return r.substring(0, r.indexOf(' ')) + " is not there (unplugged?); kclone creates image files, not"
                    + " devices";
        }
        return DEST_N.matcher(r).replaceAll("destination $1");
    }

    /** What a loop device or a backing file adds to an overlap (": /dev/loop3 is on a.img"), in a sentence. */
    private static String tail(String why) {
        return why.isEmpty() ? "" : why.startsWith(": ") ? " (" + why.substring(2) + ")" : why;
    }
}
