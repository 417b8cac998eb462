package org.kclone.device.used;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;

/**
 * {@code --wipe-free}: clears the space a used-blocks-only copy skipped on a destination. A block
 * device is discarded ({@code BLKDISCARD}; the device may then read zeros or its old bytes, as
 * its TRIM does), an image file gets holes punched ({@code fallocate(FALLOC_FL_PUNCH_HOLE)}: reads
 * zeros, takes no room); where neither works, zeros are written. Then the device is flushed.
 */
public final class FreeWiper {

    /** How the skipped space of one destination was cleared. */
    public enum How { DISCARDED, HOLES_PUNCHED, ZEROED }

    static final long BLKDISCARD = 0x1277; // _IO(0x12, 119)
    static final int FALLOC_FL_KEEP_SIZE = 1;
    static final int FALLOC_FL_PUNCH_HOLE = 2;
    static final int O_WRONLY = 1;
    static final int O_CLOEXEC = 02000000;

    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int ioctl(int fd, NativeLong request, long[] range) throws LastErrorException;

        int fallocate(int fd, int mode, long offset, long length) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static LibC libc;
    private static boolean tried;

    private FreeWiper() {
    }

    private static synchronized LibC libc() {
        if (!tried) {
            tried = true;
            try {
                libc = Native.load("c", LibC.class);
            } catch (LinkageError | RuntimeException e) {
                libc = null; // zeros are written instead
            }
        }
        return libc;
    }

    /**
     * Clears {@code gaps} (sector ranges relative to {@code region}) of the destination at
     * {@code path} (a block device when {@code blockDevice}, else an image file) and flushes it.
     */
    public static How wipe(Path path, boolean blockDevice, IoRegion region, List<SectorRange> gaps)
            throws IOException {
        How how = blockDevice ? How.DISCARDED : How.HOLES_PUNCHED;
        if (!gaps.isEmpty() && !nativeWipe(path, blockDevice, region, gaps)) {
            how = How.ZEROED;
            zero(region, gaps);
        }
        region.device().flush();
        return how;
    }

    private static boolean nativeWipe(Path path, boolean blockDevice, IoRegion region, List<SectorRange> gaps) {
        LibC c = libc();
        if (c == null) {
            return false;
        }
        int fd;
        try {
            fd = c.open(path.toString(), O_WRONLY | O_CLOEXEC);
        } catch (LastErrorException e) {
            return false;
        }
        try {
            if (!heldOpenElsewhere(fd)) { // the path names another device or file now: not through it
                return false;
            }
            for (SectorRange g : gaps) {
                long at = region.byteOffset() + g.start() * 512;
                long len = g.count() * 512;
                if (blockDevice) {
                    c.ioctl(fd, new NativeLong(BLKDISCARD), new long[] {at, len});
                } else {
                    c.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, at, len);
                }
            }
            return true;
        } catch (LastErrorException e) {
            return false; // not supported here (EOPNOTSUPP, ENOTTY): zeros, written over all of it
        } finally {
            try {
                c.close(fd);
            } catch (LastErrorException e) {
                // nothing was written through it
            }
        }
    }

    /**
     * Whether the file or device node {@code fd} opened is also open under another descriptor of this
     * process (the run's own, which wrote the copy): else the path was swapped since the run opened it
     * (another disk under the same name, another file), and discarding through it would clear that one.
     */
    static boolean heldOpenElsewhere(int fd) {
        Path fds = Path.of("/proc/self/fd");
        try {
            Object key = Files.readAttributes(fds.resolve(Integer.toString(fd)), BasicFileAttributes.class).fileKey();
            if (key == null) {
                return false;
            }
            try (DirectoryStream<Path> all = Files.newDirectoryStream(fds)) {
                for (Path p : all) {
                    if (p.getFileName().toString().equals(Integer.toString(fd))) {
                        continue;
                    }
                    try {
                        if (key.equals(Files.readAttributes(p, BasicFileAttributes.class).fileKey())) {
                            return true;
                        }
                    } catch (IOException gone) {
                        // closed meanwhile (the directory stream's own descriptor among them)
                    }
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static void zero(IoRegion region, List<SectorRange> gaps) throws IOException {
        int size = 1 << 20;
        ByteBuffer zeros = ByteBuffer.allocateDirect(size + 4096).alignedSlice(4096).limit(size).slice();
        BlockDevice d = region.device();
        for (SectorRange g : gaps) {
            long at = region.byteOffset() + g.start() * 512;
            long end = at + g.count() * 512;
            while (at < end) {
                int n = (int) Math.min(size, end - at);
                d.write(zeros.duplicate().position(0).limit(n), at);
                at += n;
            }
        }
    }
}
