package org.kclone.helper;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.kclone.device.DeviceOpener;
import org.kclone.device.Endpoint;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.FileBlockDevice;

/**
 * Opens what the helper checked and nothing else. Each path is first pinned with
 * {@code open(O_PATH)} (no driver is opened by that, no data read), then the pinned descriptor is
 * compared with what {@link RequestGuard} checked: the kernel's own name for it
 * ({@code /proc/self/fd/N}) must be the checked real path, and device and inode numbers must be
 * the checked ones (a new image file: a regular file with one link, owned by the helper, which has
 * just created it). Only then is it opened for reading or writing, through {@code /proc/self/fd/N},
 * which opens that very inode, whatever the path names by then. A symbolic link or a file swapped
 * in between the check and the open is refused; nothing is written to it.
 *
 * <p>A new image file is handed to the requesting user ({@code chown} through the pinned
 * descriptor) before anything is written to it.
 */
final class PinnedOpener implements DeviceOpener {

    /** Linux's values, the same on x86-64 and arm64. */
    static final int O_PATH = 010000000;
    static final int O_CLOEXEC = 02000000;

    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    /** Why a pinned path is not what was checked. */
    static final class Swapped extends IOException {
        Swapped(String message) {
            super(message);
        }
    }

    private final LibC libc;
    private final Map<Path, RequestGuard.Identity> checked;
    private final Requester user;
    private final int helperUid;
    private final Set<Path> handedOver = new HashSet<>();

    PinnedOpener(Map<Path, RequestGuard.Identity> checked, Requester user) throws IOException {
        try {
            this.libc = Native.load("c", LibC.class);
        } catch (LinkageError e) {
            throw new IOException("cannot load the C library through JNA (" + e.getMessage() + "); the helper does"
                    + " not open devices it cannot pin");
        }
        this.checked = checked;
        this.user = user;
        this.helperUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    @Override
    public BlockDevice open(Endpoint e, boolean writable) throws IOException {
        int fd = pinned(e);
        try {
            Path at = verified(e, fd);
            return FileBlockDevice.open(e.path(), at, writable, e.logicalSectorSize());
        } finally {
            close(fd);
        }
    }

    /** Pinned and checked, kept pinned until the returned pin is closed (compressed images, read or written by path). */
    @Override
    public Pinned pin(Endpoint e) throws IOException {
        int fd = pinned(e);
        try {
            return new Pinned(verified(e, fd), () -> close(fd));
        } catch (IOException | RuntimeException ex) {
            close(fd);
            throw ex;
        }
    }

    @Override
    public void setLength(Endpoint e, long bytes) throws IOException {
        int fd = pinned(e);
        try {
            try (RandomAccessFile f = new RandomAccessFile(verified(e, fd).toFile(), "rw")) {
                f.setLength(bytes);
            }
        } finally {
            close(fd);
        }
    }

    private int pinned(Endpoint e) throws IOException {
        try {
            return libc.open(e.path().toString(), O_PATH | O_CLOEXEC);
        } catch (LastErrorException ex) {
            throw new IOException("cannot open " + e.path() + " (errno " + ex.getErrorCode() + ")");
        }
    }

    private void close(int fd) {
        try {
            libc.close(fd);
        } catch (LastErrorException ignored) {
            // an O_PATH descriptor: nothing to flush
        }
    }

    /** Checks the pinned descriptor; returns its /proc/self/fd path. New images are handed to the user here. */
    private Path verified(Endpoint e, int fd) throws IOException {
        Path proc = Path.of("/proc/self/fd/" + fd);
        String now = Files.readSymbolicLink(proc).toString();
        if (!now.equals(e.path().toString())) {
            throw new Swapped(e.path() + " was replaced after it was checked (it now leads to " + now + ");"
                    + " refused, nothing was written");
        }
        Map<String, Object> a = Files.readAttributes(proc, "unix:mode,uid,dev,ino,rdev,nlink");
        if (e.kind() == Endpoint.Kind.NEW_IMAGE) {
            boolean ours = ((Integer) a.get("mode") & RequestGuard.S_IFMT) == RequestGuard.S_IFREG
                    && (Integer) a.get("nlink") == 1
                    && ((Integer) a.get("uid") == helperUid || (Integer) a.get("uid") == user.uid());
            if (!ours) {
                throw new Swapped(e.path() + " is not the new file the helper created; refused, nothing was written");
            }
            if (handedOver.add(e.path()) && helperUid == 0) {
                Files.setAttribute(proc, "unix:gid", user.gid());
                Files.setAttribute(proc, "unix:uid", user.uid());
            }
            return proc;
        }
        RequestGuard.Identity want = checked.get(e.path());
        RequestGuard.Identity got = new RequestGuard.Identity((Long) a.get("dev"), (Long) a.get("ino"),
                (Long) a.get("rdev"));
        if (want == null || !want.equals(got)) {
            throw new Swapped(e.path() + " is not what was checked (it was replaced in between); refused, nothing"
                    + " was written");
        }
        return proc;
    }
}
