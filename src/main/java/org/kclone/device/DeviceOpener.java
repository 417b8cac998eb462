package org.kclone.device;

import java.io.IOException;
import java.io.RandomAccessFile;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.FileBlockDevice;

/**
 * How {@link OpenedPlan} opens a planned endpoint and sizes a new image file, and how a resumed
 * job's map checks read them (org.kclone.device.resume.JobMap). The CLI and the
 * window open by path ({@link #BY_PATH}); the privileged helper gives one that first pins the path
 * and checks that what it names is what was checked (org.kclone.helper.PinnedOpener).
 */
public interface DeviceOpener {

    /** Opens {@code e} (its path, its logical sector size), for writing when asked. */
    BlockDevice open(Endpoint e, boolean writable) throws IOException;

    /** Sets the length of the image file {@code e} (a new image, or one grown with --grow). */
    void setLength(Endpoint e, long bytes) throws IOException;

    /**
     * A path through which {@code e} is opened now and later (a compressed image, which is read or
     * written as a stream by path): by path, its own; the helper's, the checked descriptor's
     * {@code /proc/self/fd/N}, valid until the returned pin is closed.
     */
    default Pinned pin(Endpoint e) throws IOException {
        return new Pinned(e.path(), () -> { });
    }

    /** A path to open, and what to close when it is no longer needed. */
    record Pinned(java.nio.file.Path path, java.io.Closeable release) implements java.io.Closeable {
        @Override
        public void close() throws IOException {
            release.close();
        }
    }

    /** By path, as the user who runs kclone. */
    DeviceOpener BY_PATH = new DeviceOpener() {
        @Override
        public BlockDevice open(Endpoint e, boolean writable) throws IOException {
            return FileBlockDevice.open(e.path(), writable, e.logicalSectorSize());
        }

        @Override
        public void setLength(Endpoint e, long bytes) throws IOException {
            try (RandomAccessFile f = new RandomAccessFile(e.path().toFile(), "rw")) {
                f.setLength(bytes);
            }
        }
    };
}
