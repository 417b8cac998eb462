package org.kclone.device;

import java.io.IOException;
import java.io.RandomAccessFile;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.FileBlockDevice;

/**
 * How {@link OpenedPlan} opens a planned endpoint and sizes a new image file. The CLI and the
 * window open by path ({@link #BY_PATH}); the privileged helper gives one that first pins the path
 * and checks that what it names is what was checked (org.kclone.helper.PinnedOpener).
 */
public interface DeviceOpener {

    /** Opens {@code e} (its path, its logical sector size), for writing when asked. */
    BlockDevice open(Endpoint e, boolean writable) throws IOException;

    /** Sets the length of the image file {@code e} (a new image, or one grown with --grow). */
    void setLength(Endpoint e, long bytes) throws IOException;

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
