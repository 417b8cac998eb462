package org.kclone.engine;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A device that passes every call to the device it wraps: the base of the decorators that change
 * one or two calls (a sparse image that skips zero writes, an odd-size image's byte limit, a test's
 * fault injection) so each names only what it changes.
 */
public abstract class ForwardingBlockDevice implements BlockDevice {

    /** The wrapped device. */
    protected final BlockDevice inner;

    protected ForwardingBlockDevice(BlockDevice inner) {
        this.inner = java.util.Objects.requireNonNull(inner, "inner");
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
    public void write(ByteBuffer src, long position) throws IOException {
        inner.write(src, position);
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
