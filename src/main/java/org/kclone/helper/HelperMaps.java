package org.kclone.helper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RefusedException;
import org.kclone.device.resume.JobMap;
import org.kclone.device.resume.MapStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The helper's own maps of the window's jobs: {@code /var/lib/kclone/maps/UID/} (UID the requesting
 * user's), folders the helper makes itself (mode 0700) and names its files in ({@link MapStore}):
 * the window never sends a path, only {@code resume}. A folder that is a symbolic link, not the
 * helper's own or open to others is not used. {@code KCLONE_HELPER_MAPS} moves the base (tests;
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
     * by {@link JobMap#prepare}), else a new one (an earlier one goes). Null when no map can be kept
     * for a new job (the folder cannot be made or is not safe): the job runs, not resumable.
     *
     * @throws RefusedException {@code resume} asked, and the map is not there or does not fit the devices
     */
    JobMap prepare(Requester user, CopyPlanner.Plan plan, boolean resume) throws RefusedException {
        return prepare(user, plan, resume, null);
    }

    /** As above, for a job of every sector ({@code usedOnly} false) or of the used blocks (true; null: either). */
    JobMap prepare(Requester user, CopyPlanner.Plan plan, boolean resume, Boolean usedOnly) throws RefusedException {
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
                if (store.find(plan).isEmpty()) {
                    throw new RefusedException("resume", "the helper has no unfinished map of this job (finished,"
                            + " or started over since); nothing was written");
                }
            } catch (IOException e) {
                throw new RefusedException("resume", "cannot tell what the devices are: " + e.getMessage()
                        + "; nothing was written");
            }
        }
        return store.prepare(plan, resume, usedOnly);
    }

    /** Deletes the map when its job finished. */
    static void forgetIfFinished(JobMap map) {
        if (map != null) {
            new MapStore(map.file().getParent()).forgetIfFinished(map.file());
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
