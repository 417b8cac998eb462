package org.kclone.device.claim;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;

/**
 * The locks one run holds, and the descriptors and channels that hold them, until {@link #close}:
 * exclusive for what the run writes, shared for what it reads (its source), so a writer and a
 * reader of the same storage are kept apart while readers share.
 */
final class Locks implements Closeable {

    private final NativeLocks nat;
    private final List<Integer> fds = new ArrayList<>();
    private final List<FileChannel> channels = new ArrayList<>();

    Locks(NativeLocks nat) {
        this.nat = nat;
    }

    /** Keeps {@code fd} open (and whatever it holds) until {@link #close}. */
    void add(int fd) {
        fds.add(fd);
    }

    /** The file lock and, where JNA loads, the flock on {@code path}: exclusive, for a destination. */
    void lockNode(Endpoint e, Path path, String detail) throws RefusedException {
        javaLock(e, path, detail);
        if (nat != null) {
            flock(e, path, false, detail);
        }
    }

    /**
     * The shared file lock and, where JNA loads, the shared flock on {@code path}, for a source: a
     * run writing the same file or disk holds them exclusively, so either this one or that one is
     * refused.
     *
     * @param fileLock also a shared {@code fcntl} lock (image files: a writer takes both kinds);
     *     always taken where JNA does not load
     */
    void lockShared(Endpoint e, Path path, boolean fileLock, String detail) throws RefusedException {
        if (fileLock || nat == null) {
            FileChannel ch = open(e, path, StandardOpenOption.READ);
            try {
                if (ch.tryLock(0, Long.MAX_VALUE, true) == null) {
                    throw beingWritten(e, detail);
                }
            } catch (OverlappingFileLockException ex) {
                // another run in this very process has it; where JNA loads the flock below tells a writer apart
            } catch (IOException ex) {
                throw new RefusedException(e.field(), "cannot lock " + path + ": " + ex.getMessage());
            }
        }
        if (nat != null) {
            flock(e, path, true, detail);
        }
    }

    private void flock(Endpoint e, Path path, boolean shared, String detail) throws RefusedException {
        int fd;
        try {
            fd = nat.openForLock(path);
        } catch (NativeLocks.Failure f) {
            throw cannot(e, path, f, shared);
        }
        fds.add(fd);
        try {
            if (!(shared ? nat.tryLockShared(fd) : nat.tryLockExclusive(fd))) {
                throw shared ? beingWritten(e, detail) : inUse(e, detail);
            }
        } catch (NativeLocks.Failure f) {
            throw cannot(e, path, f, shared);
        }
    }

    /** An exclusive file lock ({@code fcntl}) on {@code path}, held through a channel kept open. */
    void javaLock(Endpoint e, Path path, String detail) throws RefusedException {
        FileChannel ch = open(e, path, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException ex) {
            lock = null; // another run in this very process holds it
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot lock " + path + ": " + ex.getMessage());
        }
        if (lock == null) {
            throw inUse(e, detail.isEmpty() ? "(another kclone?)" : detail);
        }
    }

    private FileChannel open(Endpoint e, Path path, StandardOpenOption how) throws RefusedException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, how);
        } catch (java.nio.file.AccessDeniedException ex) {
            throw new RefusedException(e.field(), "permission denied opening " + path
                    + (how == StandardOpenOption.WRITE ? " for writing" : "") + "; run kclone"
                    + " as root (sudo) or join the disk group");
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot open " + path + ": " + ex.getMessage());
        }
        channels.add(ch);
        return ch;
    }

    static RefusedException inUse(Endpoint e, String why) {
        return new RefusedException(e.field(), e.path() + " is in use by another program " + why
                + "; nothing was written");
    }

    /** A source that another run is writing: copying it now would copy a moving target. */
    static RefusedException beingWritten(Endpoint e, String why) {
        return new RefusedException(e.field(), e.path() + " is being written by another program " + why
                + "; a copy of it now would not be a copy of anything; nothing was written");
    }

    static RefusedException cannot(Endpoint e, Path path, NativeLocks.Failure f) {
        return cannot(e, path, f, false);
    }

    static RefusedException cannot(Endpoint e, Path path, NativeLocks.Failure f, boolean reading) {
        if (f.errno() == NativeLocks.EACCES || f.errno() == NativeLocks.EPERM) {
            return new RefusedException(e.field(), "permission denied opening " + path + "; run kclone as root (sudo)"
                    + " or join the disk group");
        }
        return new RefusedException(e.field(), "cannot claim " + path + (reading ? " for reading: " : " for writing: ") + f.getMessage()
                + "; nothing was written");
    }

    /** Releases every lock. */
    @Override
    public void close() {
        for (FileChannel ch : channels) {
            try {
                ch.close(); // releases its lock
            } catch (IOException ignored) {
                // released by the kernel either way
            }
        }
        channels.clear();
        if (nat != null) {
            for (int fd : fds) {
                nat.close(fd);
            }
        }
        fds.clear();
    }
}
