package org.kclone.ui;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;

/**
 * What a name typed in the window's Add destination field, or in its Source path, means, or why it
 * is refused. The window
 * has no working directory the person can see (launched from a menu it is often / or the home
 * folder), so a name is never resolved against it:
 * <ul>
 * <li>a bare name of a listed device ("sdb", also "dev/sdb") is that device;</li>
 * <li>a bare name that looks like a device or is a number ("sdz", "nvme1n1", "7") and is not listed
 * is refused: a mistyped device must not become a new image file;</li>
 * <li>"~/x.img" is the file in the home folder; an absolute path (and /dev/...) is taken as typed;</li>
 * <li>any other relative path ("backup.img", "imgs/a.img") is refused, the note showing the full
 * path to type.</li>
 * </ul>
 * The command line is not concerned: there a relative path is the shell's working directory, as
 * every command's.
 */
final class TypedPath {

    /** Kernel names of block devices a person may type (whole disks and partitions), and plain numbers. */
    private static final Pattern DEVICE_LIKE = Pattern.compile("\\d+|(?:[shv]|xv)d[a-z]{1,3}\\d*|nvme\\d+(?:n\\d+(?:p\\d+)?)?"
            + "|mmcblk\\d+(?:p\\d+|boot\\d+)?|loop\\d+(?:p\\d+)?|nbd\\d+(?:p\\d+)?|sr\\d+|md\\d+(?:p\\d+)?|dm-\\d+"
            + "|zram\\d+|ubd[a-z]\\d*");

    /** The path the row gets, or (path null) the note that says why nothing is added and what to do. */
    record Result(String path, String refusal) {
        static Result path(String p) {
            return new Result(p, null);
        }

        static Result refused(String why) {
            return new Result(null, why);
        }
    }

    private TypedPath() {
    }

    /**
     * {@code typed} (stripped, not empty) as the destination it names, checked against {@code devices}
     * (lsblk's tree) and {@code home} (the user's home folder, for "~/").
     */
    static Result of(String typed, List<DeviceInfo> devices, Path home) {
        return of(typed, devices, home, NEW_IMAGE);
    }

    /** The Add destination field's button for a new image file. */
    static final String NEW_IMAGE = "New image file…";

    /** The same for a field whose button to pick a file is {@code chooser} (the Source's "Image file…"). */
    static Result of(String typed, List<DeviceInfo> devices, Path home, String chooser) {
        String t = typed;
        String bare = t.startsWith("dev/") ? t.substring(4) : t; // "dev/sdb": the first slash left out
        if (!bare.contains("/") && Lsblk.flatten(devices).stream().anyMatch(d -> d.path().equals("/dev/" + bare))) {
            return Result.path("/dev/" + bare);
        }
        if (t.startsWith("/")) {
            return Result.path(t.startsWith("/dev/") ? t : normalized(t)); // as typed (the row's guard checks it)
        }
        if (t.equals("~") || t.startsWith("~/")) {
            String rest = t.substring(1).replaceFirst("^/+", "");
            if (rest.isEmpty()) {
                return Result.refused(t + " is your home folder (" + home + "): add the image file's name after ~/,"
                        + " e.g. ~/backup.img, or use " + chooser);
            }
            return Result.path(inHome(home, rest));
        }
        if (DEVICE_LIKE.matcher(bare).matches()) {
            return Result.refused(t + ": no such device is plugged in; for an image file type its full path"
                    + " (~/backup.img) or use " + chooser);
        }
        return Result.refused(t + " is not a full path: type ~/" + normalized(t) + " (that is " + inHome(home, t)
                + "), or use " + chooser);
    }

    /** {@code rest} in the home folder, normalized. */
    private static String inHome(Path home, String rest) {
        return normalized(home.toString() + "/" + rest);
    }

    /** {@code p} without "." and ".." steps; as typed when it is no valid path (the row's guard says why). */
    private static String normalized(String p) {
        try {
            return Path.of(p).normalize().toString();
        } catch (InvalidPathException e) {
            return p;
        }
    }
}
