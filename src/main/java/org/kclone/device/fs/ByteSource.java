package org.kclone.device.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.kclone.engine.BlockDevice;

/** Positional reads of one region (a partition, a whole file system) for the readers: offsets relative to its start. */
public interface ByteSource {

    /** The region's length in bytes. */
    long length();

    /**
     * Reads exactly {@code dst.remaining()} bytes at {@code offset}.
     *
     * @throws java.io.EOFException when the region ends first
     */
    void read(ByteBuffer dst, long offset) throws IOException;

    /** Reads {@code length} bytes at {@code offset} into a new little-endian buffer. */
    default ByteBuffer read(long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        read(b, offset);
        return b.flip();
    }

    /** {@code length} bytes of {@code device} from byte {@code offset}. */
    static ByteSource of(BlockDevice device, long offset, long length) {
        return new ByteSource() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public void read(ByteBuffer dst, long at) throws IOException {
                if (at < 0 || at > length - dst.remaining()) {
                    throw new java.io.EOFException("read of " + dst.remaining() + " bytes at " + at
                            + " is past the region's end (" + length + " bytes)");
                }
                device.read(dst, offset + at);
            }
        };
    }
}
