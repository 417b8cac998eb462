package org.kclone.device.fs;

import java.io.EOFException;
import java.nio.ByteBuffer;

/** A byte source over an array, for structures built by hand in the readers' unit tests. */
final class MemorySource implements ByteSource {

    final byte[] bytes;

    MemorySource(int length) {
        this.bytes = new byte[length];
    }

    /** The array as a little-endian buffer, to put fields into. */
    ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long length() {
        return bytes.length;
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws EOFException {
        if (offset < 0 || offset > bytes.length - dst.remaining()) {
            throw new EOFException("read of " + dst.remaining() + " at " + offset + " past " + bytes.length);
        }
        dst.put(bytes, (int) offset, dst.remaining());
    }
}
