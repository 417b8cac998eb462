package org.kclone.ui;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kclone.device.Sizes;

/**
 * A guard's refusal as the window says it: in plain sentences, without the command line's
 * options (which the window does not have), its argument names ("DEST 2") or sector arithmetic.
 * The guards are the CLI's; only the words change. Needs no toolkit.
 */
public final class Reasons {

    private static final Pattern OVERLAPS_SOURCE = Pattern.compile(
            "^(\\S+) sectors \\d+\\+\\d+ overlap the source region \\((\\S+) \\d+\\+\\d+\\)(.*)$", Pattern.DOTALL);
    private static final Pattern SAME_AS = Pattern.compile("^is the same destination as DEST (\\d+) \\((\\S+)\\)(.*)$",
            Pattern.DOTALL);
    private static final Pattern OVERLAPS_DEST = Pattern.compile("^(\\S+) overlaps DEST (\\d+) \\((\\S+)\\)(.*)$",
            Pattern.DOTALL);
    private static final Pattern DEST_N = Pattern.compile("\\bDEST (\\d+)\\b");
    private static final Pattern IMAGE_SHORT = Pattern.compile("^image file (\\S+) has (?:\\d+ sectors, )?(.+?) but the"
            + " region \\d+\\+\\d+ needs (\\d+) (sectors|bytes); pass --grow to extend the file$", Pattern.DOTALL);
    private static final Pattern DISK_SHORT = Pattern.compile("^the region \\d+\\+\\d+ does not fit: (\\S+) has \\d+"
            + " sectors \\((.+?)\\), the region needs \\d+: \\d+ sectors \\((.+?)\\) short$", Pattern.DOTALL);
    /** The window's control that does what the command line's --grow does. */
    static final String GROW_CONTROL = "Grow image files that are too small";
    private static final Pattern GONE = Pattern.compile("^(/dev/\\S+) does not exist(.*)$", Pattern.DOTALL);

    private Reasons() {
    }

    /** {@code reason} in the window's words. */
    public static String forTheWindow(String reason) {
        Matcher s = IMAGE_SHORT.matcher(reason);
        if (s.matches()) {
            long needs = Long.parseLong(s.group(3)) * (s.group(4).equals("sectors") ? Sizes.SECTOR : 1);
            return "the image file " + s.group(1) + " (" + s.group(2) + ") is smaller than the copy needs ("
                    + Sizes.human(needs) + "): tick \"" + GROW_CONTROL + "\" in Options, or choose a new file name";
        }
        s = DISK_SHORT.matcher(reason);
        if (s.matches()) {
            return s.group(1) + " (" + s.group(2) + ") is too small for the copy: " + s.group(3) + " short";
        }
        String r = reason.replace(" (or --force)", "")
                .replace("; refused: only --force together with --allow-system-disk writes there",
                        "; the window never writes to the system disk")
                .replace("; pass --grow to extend the file",
                        ": choose a new file name (kclone creates it at the size it needs)")
                .replace(" (--ignore-errors goes past it)", " (the option \"Ignore read errors\" goes past it)")
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
