package org.kclone.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.ForwardingBlockDevice;

/**
 * A freshly created image file: writes of all-zero buffers are skipped, so the holes the new file
 * was created with stay holes (they read as zeros). Only for files that were empty holes before
 * the copy; never for existing files or devices.
 */
final class SparseImageDevice extends ForwardingBlockDevice {

    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    SparseImageDevice(BlockDevice inner) {
        super(inner);
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

}
