package org.kclone.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.kclone.engine.BlockDevice;

/**
 * A freshly created image file: writes of all-zero buffers are skipped, so the holes the new file
 * was created with stay holes (they read as zeros). Only for files that were empty holes before
 * the copy; never for existing files or devices.
 */
final class SparseImageDevice implements BlockDevice {

    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private final BlockDevice inner;

    SparseImageDevice(BlockDevice inner) {
        this.inner = inner;
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        if (allZero(src)) {
            src.position(src.limit());
            return;
        }
        inner.write(src, position);
    }

    static boolean allZero(ByteBuffer b) {
        int pos = b.position();
        int end = b.limit();
        while (pos < end) {
            int n = Math.min(end - pos, ZEROES.capacity());
            if (b.duplicate().position(pos).limit(pos + n).mismatch(ZEROES.duplicate().limit(n)) != -1) {
                return false;
            }
            pos += n;
        }
        return true;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public long size() throws IOException {
        return inner.size();
    }

    @Override
    public int logicalSectorSize() {
        return inner.logicalSectorSize();
    }

    @Override
    public void read(ByteBuffer dst, long position) throws IOException {
        inner.read(dst, position);
    }

    @Override
    public void flush() throws IOException {
        inner.flush();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
