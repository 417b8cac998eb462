package org.kclone.device.claim;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The two kernel calls the JDK 17 API lacks: the exclusive open of a block device
 * ({@code open(2)} with {@code O_EXCL}: it fails with EBUSY while another program holds the
 * device exclusively, or it is mounted, or held by LVM, md or dm) and {@code flock(2)}.
 * Through JNA; where JNA cannot load (no native library for this machine, a temp folder it cannot
 * use) {@link #system()} is null and {@link #unavailableReason()} says why.
 */
class NativeLocks {

    /** Linux's values on x86-64 and arm64 (asm-generic). */
    static final int O_RDONLY = 0;
    static final int O_EXCL = 0200;
    static final int O_CLOEXEC = 02000000;
    static final int LOCK_SH = 1;
    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;
    static final int EACCES = 13;
    static final int EPERM = 1;
    static final int EBUSY = 16;
    static final int EWOULDBLOCK = 11;

    /** A failed call: its errno and the system's words for it. */
    static final class Failure extends IOException {
        private final int errno;

        Failure(int errno, String message) {
            super(message);
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }

    /** libc as JNA binds it. */
    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int flock(int fd, int operation) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final Object LOCK = new Object();
    private static NativeLocks system;
    private static String unavailable;
    private static boolean tried;

    private final LibC libc;

    NativeLocks(LibC libc) {
        this.libc = libc;
    }

    /** The machine's, or null where JNA cannot load (see {@link #unavailableReason()}). */
    static NativeLocks system() {
        synchronized (LOCK) {
            if (!tried) {
                tried = true;
                try {
                    system = new NativeLocks(Native.load("c", LibC.class));
                } catch (LinkageError | RuntimeException e) {
                    unavailable = "cannot load JNA's native library (" + e + ")";
                }
            }
            return system;
        }
    }

    /** Why {@link #system()} is null, or null when it is not. */
    static String unavailableReason() {
        synchronized (LOCK) {
            system();
            return unavailable;
        }
    }

    /** {@code open(path, O_RDONLY|O_EXCL|O_CLOEXEC)}: the kernel's exclusive claim on a block device. */
    int openExclusive(Path path) throws Failure {
        return open(path, O_RDONLY | O_EXCL | O_CLOEXEC);
    }

    /** {@code open(path, O_RDONLY|O_CLOEXEC)}: a descriptor to hold a lock with. */
    int openForLock(Path path) throws Failure {
        return open(path, O_RDONLY | O_CLOEXEC);
    }

    private int open(Path path, int flags) throws Failure {
        try {
            return libc.open(path.toString(), flags);
        } catch (LastErrorException e) {
            throw failure(e);
        }
    }

    /** {@code flock(fd, LOCK_EX|LOCK_NB)}: false when another open file holds a lock on it. */
    boolean tryLockExclusive(int fd) throws Failure {
        try {
            libc.flock(fd, LOCK_EX | LOCK_NB);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EWOULDBLOCK) {
                return false;
            }
            throw failure(e);
        }
    }

    /** {@code flock(fd, LOCK_SH|LOCK_NB)}: false when another open file holds an exclusive lock on it. */
    boolean tryLockShared(int fd) throws Failure {
        try {
            libc.flock(fd, LOCK_SH | LOCK_NB);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EWOULDBLOCK) {
                return false;
            }
            throw failure(e);
        }
    }

    /** Closes {@code fd}; a lock held through it goes with it. */
    void close(int fd) {
        try {
            libc.close(fd);
        } catch (LastErrorException e) {
            // nothing was written through it; the kernel has released it either way
        }
    }

    private static Failure failure(LastErrorException e) {
        String m = e.getMessage();
        // JNA writes "[errno] text"
        if (m != null && m.startsWith("[") && m.indexOf("] ") > 0) {
            m = m.substring(m.indexOf("] ") + 2);
        }
        return new Failure(e.getErrorCode(), m);
    }
}
