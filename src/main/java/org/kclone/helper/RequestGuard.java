package org.kclone.helper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;

/**
 * What the helper checks of each path it is sent before the planner sees it (the planner then runs
 * every guard the CLI runs): an absolute path; a block device or a regular file, or a new image
 * file in an existing folder; for files, the requesting user's own permissions (read a source,
 * write a destination, write and enter the folder of a new one, enter every folder on the way).
 * The path is resolved to its real path (symbolic links followed now, once), and what it is is
 * remembered ({@link PinnedOpener} refuses to open anything else later).
 */
final class RequestGuard {

    static final int S_IFMT = 0170000;
    static final int S_IFBLK = 0060000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;

    /** What a checked path was: device and inode numbers (and the device number a node stands for). */
    record Identity(long dev, long ino, long rdev) {
    }

    private final Requester user;
    private final Map<Path, Identity> checked = new HashMap<>();

    RequestGuard(Requester user) {
        this.user = user;
    }

    /** Real path to what it was when checked; a new image file is not in it. */
    Map<Path, Identity> checked() {
        return Map.copyOf(checked);
    }

    Requester user() {
        return user;
    }

    /** A source: an existing block device or a file the user may read. Returns it with its real path. */
    RegionSpec source(RegionSpec spec) throws RefusedException {
        return check(spec, false);
    }

    /** A destination: a block device, a file the user may write, or a new file in a folder the user may write. */
    RegionSpec destination(RegionSpec spec) throws RefusedException {
        return check(spec, true);
    }

    private RegionSpec check(RegionSpec spec, boolean write) throws RefusedException {
        String field = spec.field();
        Path path = Path.of(spec.path());
        if (!path.isAbsolute()) {
            throw new RefusedException(field, spec.path() + " is not an absolute path");
        }
        try {
            if (!Files.exists(path)) {
                if (!write) {
                    throw new RefusedException(field, spec.path() + " does not exist");
                }
                return with(spec, newImage(field, path));
            }
            Path real = path.toRealPath();
            Map<String, Object> a = Files.readAttributes(real, "unix:mode,uid,gid,dev,ino,rdev");
            int mode = (Integer) a.get("mode");
            Identity id = new Identity((Long) a.get("dev"), (Long) a.get("ino"), (Long) a.get("rdev"));
            switch (mode & S_IFMT) {
                case S_IFBLK -> {
                    // a disk the user may not open is what the helper is for: the planner's guards decide
                }
                case S_IFREG -> {
                    searchable(field, real.getParent());
                    if (!user.may(write ? Requester.W : Requester.R, (Integer) a.get("uid"), (Integer) a.get("gid"),
                            mode)) {
                        throw new RefusedException(field, real + " is a file you (user " + user.uid() + ") may not "
                                + (write ? "write" : "read") + "; the helper writes and reads files only as you could");
                    }
                }
                default -> throw new RefusedException(field, spec.path() + " is neither a block device nor a"
                        + " regular file");
            }
            checked.put(real, id);
            return with(spec, real);
        } catch (IOException e) {
            throw new RefusedException(field, "cannot examine " + spec.path() + ": " + e.getMessage());
        }
    }

    private Path newImage(String field, Path path) throws RefusedException, IOException {
        if (Files.isSymbolicLink(path)) {
            throw new RefusedException(field, path + " is a symbolic link to nothing; give a path that is not a link");
        }
        Path parent = path.getParent();
        if (parent == null || path.getFileName() == null || !Files.isDirectory(parent)) {
            throw new RefusedException(field, "cannot create image file " + path + ": folder " + parent
                    + " does not exist");
        }
        Path realParent = parent.toRealPath();
        if (realParent.startsWith("/dev") || realParent.startsWith("/proc") || realParent.startsWith("/sys")) {
            throw new RefusedException(field, "kclone creates image files, not files in " + realParent);
        }
        searchable(field, realParent);
        Map<String, Object> a = Files.readAttributes(realParent, "unix:mode,uid,gid");
        if (!user.may(Requester.W | Requester.X, (Integer) a.get("uid"), (Integer) a.get("gid"),
                (Integer) a.get("mode"))) {
            throw new RefusedException(field, "cannot create image file " + path + ": you (user " + user.uid()
                    + ") may not write to the folder " + realParent + "; choose a folder of yours");
        }
        return realParent.resolve(path.getFileName());
    }

    /** Every folder from / down to {@code dir} (itself included) must let the user through. */
    private void searchable(String field, Path dir) throws RefusedException, IOException {
        Path at = dir.getRoot();
        for (Path part : dir) {
            at = at.resolve(part);
            check(field, at);
        }
        check(field, dir.getRoot());
    }

    private void check(String field, Path dir) throws RefusedException, IOException {
        Map<String, Object> a = Files.readAttributes(dir, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        if (!user.may(Requester.X, (Integer) a.get("uid"), (Integer) a.get("gid"), (Integer) a.get("mode"))) {
            throw new RefusedException(field, "you (user " + user.uid() + ") may not enter the folder " + dir
                    + ", so kclone does not reach into it for you");
        }
    }

    private static RegionSpec with(RegionSpec spec, Path real) {
        return new RegionSpec(spec.field(), spec.argument(), real.toString(), spec.start(), spec.length());
    }
}
