package org.kclone.engine;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/** One chunk of a job in flight: its place in the region, its buffer, and the writes it waits for. */
final class Chunk {
    final long index;
    final long offset;
    final int length;
    final ByteBuffer buffer;
    /** Whether the buffer is the client's pages (a copy) and goes back to them, not the shared zeroes. */
    final boolean ownsPages;
    final AtomicInteger pendingWrites = new AtomicInteger();
    /** Holders of the chunk's pages: its writes (one), plus a {@link ChunkObserver} while it has the bytes. */
    final AtomicInteger holds = new AtomicInteger(1);
    /** Set when the read failed and the chunk must not be written (no IGNORE_ERROR). */
    volatile boolean skipWrite;

    Chunk(long index, long offset, int length, ByteBuffer buffer, boolean ownsPages) {
        this.index = index;
        this.offset = offset;
        this.length = length;
        this.buffer = buffer;
        this.ownsPages = ownsPages;
    }

    /** A view of the chunk's bytes, position 0, for one transfer (views share the memory). */
    ByteBuffer view() {
        ByteBuffer v = buffer.duplicate();
        v.position(0).limit(length);
        return v;
    }
}
