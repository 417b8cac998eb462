package org.kclone.engine;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A block device or a regular file through {@link FileChannel}.
 *
 * <p>Two descriptors are kept: one opened with O_DIRECT (when the file system allows it) and a
 * buffered one. A transfer goes through O_DIRECT when its position, its length and its buffer
 * address are all 4096-aligned (the JDK demands that alignment); anything else goes through the
 * buffered descriptor, and {@link #flush()} makes it durable. Both descriptors refer to the same
 * inode, so one fsync covers writes made through either.
 */
public final class FileBlockDevice implements BlockDevice {

    /** The alignment the JDK requires of O_DIRECT transfers. */
    public static final int DIRECT_ALIGNMENT = 4096;

    private final Path path;
    private final FileChannel buffered;
    private final FileChannel direct;
    private final int logicalSectorSize;

    private FileBlockDevice(Path path, FileChannel buffered, FileChannel direct, int logicalSectorSize) {
        this.path = path;
        this.buffered = buffered;
        this.direct = direct;
        this.logicalSectorSize = logicalSectorSize;
    }

    /** Opens {@code path} with 512-byte logical sectors. */
    public static FileBlockDevice open(Path path, boolean writable) throws IOException {
        return open(path, writable, 512);
    }

    /**
     * Opens an existing device or file.
     *
     * @param writable open for writing as well as reading
     * @param logicalSectorSize the device's logical sector size (the device layer knows it)
     */
    public static FileBlockDevice open(Path path, boolean writable, int logicalSectorSize) throws IOException {
        return open(path, path, writable, logicalSectorSize);
    }

    /**
     * Opens {@code openAt} and calls it {@code path} (in messages and {@link #name()}): the
     * privileged helper opens {@code /proc/self/fd/N} of a descriptor it has checked, so what is
     * written is exactly the file or device it checked, whatever {@code path} names by then.
     */
    public static FileBlockDevice open(Path path, Path openAt, boolean writable, int logicalSectorSize)
            throws IOException {
        if (logicalSectorSize != 512 && logicalSectorSize != 4096) {
            throw new IllegalArgumentException("logical sector size must be 512 or 4096, not " + logicalSectorSize);
        }
        List<OpenOption> options = new ArrayList<>();
        options.add(StandardOpenOption.READ);
        if (writable) {
            options.add(StandardOpenOption.WRITE);
        }
        FileChannel buffered = FileChannel.open(openAt, options.toArray(new OpenOption[0]));
        FileChannel direct = null;
        try {
            options.add(ExtendedOpenOption.DIRECT);
            direct = FileChannel.open(openAt, options.toArray(new OpenOption[0]));
        } catch (IOException | UnsupportedOperationException e) {
            // The file system refuses O_DIRECT (tmpfs, some FUSE mounts): buffered I/O plus flush.
            direct = null;
        }
        return new FileBlockDevice(path, buffered, direct, logicalSectorSize);
    }

    /** Whether aligned transfers bypass the page cache on this device. */
    public boolean directIo() {
        return direct != null;
    }

    public Path path() {
        return path;
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public long size() throws IOException {
        // FileChannel.size() gives a block device's size; Files.size() gives 0 for one.
        return buffered.size();
    }

    @Override
    public int logicalSectorSize() {
        return logicalSectorSize;
    }

    @Override
    public void read(ByteBuffer dst, long position) throws IOException {
        FileChannel channel = channelFor(dst, position);
        long at = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, at);
            if (n < 0) {
                throw new EOFException(name() + ": end of device at byte " + at);
            }
            at += n;
        }
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        FileChannel channel = channelFor(src, position);
        long at = position;
        while (src.hasRemaining()) {
            at += channel.write(src, at);
        }
    }

    @Override
    public void flush() throws IOException {
        buffered.force(true);
    }

    @Override
    public void close() throws IOException {
        try {
            buffered.close();
        } finally {
            if (direct != null) {
                direct.close();
            }
        }
    }

    private FileChannel channelFor(ByteBuffer buffer, long position) {
        if (direct != null && isDirectAligned(buffer, position)) {
            return direct;
        }
        return buffered;
    }

    static boolean isDirectAligned(ByteBuffer buffer, long position) {
        return position % DIRECT_ALIGNMENT == 0
                && buffer.remaining() % DIRECT_ALIGNMENT == 0
                && buffer.isDirect()
                && buffer.alignmentOffset(buffer.position(), DIRECT_ALIGNMENT) == 0;
    }

    @Override
    public String toString() {
        return "FileBlockDevice[" + path + (direct != null ? ", O_DIRECT" : ", buffered") + "]";
    }
}
