package org.kclone.helper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The user the helper works for: {@code PKEXEC_UID} (set by pkexec, which clears the rest of the
 * environment, so the caller cannot choose it), else the helper's own user (started directly,
 * which only root can do to any effect). Their groups come from {@code id -G}, which asks the
 * system's user database (local files, LDAP...).
 *
 * <p>File permissions are checked from the mode bits, owner and group, as the kernel does for
 * someone without capabilities; ACLs are not read (a file that an ACL alone opens to the user is
 * refused: give the user the access through owner, group or other bits, or run kclone as root).
 */
record Requester(int uid, int gid, Set<Integer> groups) {

    static final int R = 4;
    static final int W = 2;
    static final int X = 1;

    static Requester fromEnvironment(Map<String, String> env) throws IOException {
        String pk = env.get("PKEXEC_UID");
        int uid;
        if (pk != null) {
            try {
                uid = Integer.parseInt(pk.trim());
            } catch (NumberFormatException e) {
                throw new IOException("PKEXEC_UID '" + pk + "' is not a number");
            }
        } else {
            uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        }
        if (uid == 0) {
            return new Requester(0, 0, Set.of(0));
        }
        Set<Integer> groups = new HashSet<>();
        for (String g : id("-G", uid).split("\\s+")) {
            groups.add(Integer.parseInt(g));
        }
        return new Requester(uid, Integer.parseInt(id("-g", uid).trim()), Set.copyOf(groups));
    }

    private static String id(String option, int uid) throws IOException {
        Process p = new ProcessBuilder("id", option, Integer.toString(uid)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.matches("[0-9 ]+")) {
                throw new IOException("cannot find the groups of user " + uid + " (id " + option + ": " + out + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while finding the groups of user " + uid);
        }
        return out;
    }

    /**
     * Whether this user may do {@code want} ({@link #R}, {@link #W}, {@link #X}, or'ed) to a file of
     * this owner, group and mode. Root may do anything.
     */
    boolean may(int want, int ownerUid, int ownerGid, int mode) {
        if (uid == 0) {
            return true;
        }
        int bits = ownerUid == uid ? (mode >> 6) & 7 : groups.contains(ownerGid) ? (mode >> 3) & 7 : mode & 7;
        return (bits & want) == want;
    }
}
