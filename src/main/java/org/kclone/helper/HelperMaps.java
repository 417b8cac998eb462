package org.kclone.helper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceOpener;
import org.kclone.device.RefusedException;
import org.kclone.device.resume.JobMap;
import org.kclone.device.resume.MapStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The helper's own maps of the window's jobs: {@code /var/lib/kclone/maps/UID/} (UID the requesting
 * user's), folders the helper makes itself (mode 0700) and names its files in ({@link MapStore}):
 * the window never sends a path, only {@code resume}. A folder that is a symbolic link, not the
 * helper's own or open to others is not used, nor a map file in it that is not the helper's own
 * regular file ({@link #ownFile}). {@code KCLONE_HELPER_MAPS} moves the base (tests;
 * pkexec clears the environment, so a caller cannot set it).
 */
final class HelperMaps {

    private static final Logger LOG = LoggerFactory.getLogger(HelperMaps.class);
    static final Path DEFAULT_BASE = Path.of("/var/lib/kclone/maps");

    private final Path base;

    HelperMaps(Path base) {
        this.base = base;
    }

    static HelperMaps fromEnvironment(Map<String, String> env) {
        String b = env.get("KCLONE_HELPER_MAPS");
        return new HelperMaps(b != null && Path.of(b).isAbsolute() ? Path.of(b) : DEFAULT_BASE);
    }

    /** The requesting user's folder of maps. */
    Path folder(Requester user) {
        return base.resolve(Integer.toString(user.uid()));
    }

    /**
     * The job's map: the helper's earlier map of it when {@code resume} (checked against the devices
     * by {@link JobMap#prepare}, which reads them through {@code opener}, the job's pinning one), else a
     * new one (an earlier one goes). Null when no map can be kept for a new job (the folder cannot be
     * made or is not safe): the job runs, not resumable. {@code usedOnly}: a job of every sector
     * (false) or of the used blocks (true; null: either).
     *
     * @throws RefusedException {@code resume} asked, and the map is not there, not the helper's own
     *     file, or does not fit the devices
     */
    JobMap prepare(Requester user, CopyPlanner.Plan plan, boolean resume, Boolean usedOnly, DeviceOpener opener)
            throws RefusedException {
        Path dir = folder(user);
        try {
            safeFolder(dir);
        } catch (IOException e) {
            if (resume) {
                throw new RefusedException("resume", "the helper cannot keep maps in " + dir + " (" + e.getMessage()
                        + "), so it has none of this job; nothing was written");
            }
            LOG.warn("no map for this job: {}", e.getMessage());
            return null;
        }
        MapStore store = new MapStore(dir);
        if (resume) {
            try {
                ownFile(store.fileFor(plan));
            } catch (IOException e) {
                throw new RefusedException("resume", e.getMessage() + "; nothing was read from it, nothing was written");
            }
            try {
                if (store.find(plan).isEmpty()) {
                    throw new RefusedException("resume", "the helper has no unfinished map of this job (finished,"
                            + " or started over since); nothing was written");
                }
            } catch (IOException e) {
                throw new RefusedException("resume", "cannot tell what the devices are: " + e.getMessage()
                        + "; nothing was written");
            }
        } // else the map of an earlier run is removed (a link itself, not what it leads to): the copy starts over
        return store.prepare(plan, resume, usedOnly, opener);
    }

    /** Deletes the map when its job finished. */
    static void forgetIfFinished(JobMap map) {
        if (map != null) {
            new MapStore(map.file().getParent()).forgetIfFinished(map.file());
        }
    }

    /**
     * A map file in the helper's folder, when there, must be the helper's own: a regular file, not a
     * symbolic link (never followed), of this process's user, with one link, writable by nobody else.
     */
    static void ownFile(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,uid,nlink", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        String what = Files.isSymbolicLink(file) ? "a symbolic link"
                : (mode & RequestGuard.S_IFMT) != RequestGuard.S_IFREG ? "not a regular file"
                : (Integer) a.get("uid") != self ? "owned by user " + a.get("uid")
                : (Integer) a.get("nlink") != 1 ? "a file with " + a.get("nlink") + " links"
                : (mode & 0022) != 0 ? "writable by others (mode " + Integer.toOctalString(mode & 07777) + ")"
                : null;
        if (what != null) {
            throw new IOException("the helper's map " + file + " is " + what + ", not the helper's own file");
        }
    }

    /** Makes {@code dir} (and its parents, 0700) or checks it: a real folder, this process's, closed to others. */
    static void safeFolder(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a folder");
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if (owner != self || (mode & 0077) != 0) {
            throw new IOException(dir + " is not the helper's own folder closed to others (owner " + owner
                    + ", mode " + Integer.toOctalString(mode & 07777) + ")");
        }
    }
}
