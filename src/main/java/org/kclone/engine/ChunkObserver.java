package org.kclone.engine;

import java.nio.ByteBuffer;

/**
 * Sees the bytes of every chunk a copy job reads, before they go back to the pool: a hook for
 * hashing the source while it is copied, without a second read.
 *
 * <p>Called once per chunk read from the source (a copy job only), on an engine I/O thread, as
 * soon as the read (and, after a read error, the narrowing that puts zeros in place of the
 * unreadable sectors) is done and before the writes are dispatched. Chunks may arrive in any
 * order when several are in flight; {@code offset} places each in the region. Every chunk the job
 * issued is told, also one that will not be written (a read error without IGNORE_ERROR), so an
 * observer that puts chunks back in order never waits for one that does not come.
 *
 * <p>The chunk's pages (and its in-flight slot) stay held until {@code done} has run, exactly once,
 * from any thread: an observer may keep the view and work on it elsewhere, at the cost of holding
 * pages from the client's budget meanwhile. The job finishes only when every chunk's {@code done}
 * has run. Must not block the calling thread; an observer that throws is logged and the chunk is
 * released.
 */
@FunctionalInterface
public interface ChunkObserver {

    /**
     * @param offset the chunk's first byte, relative to the region's start
     * @param data the chunk's bytes, position 0, read-only, valid until {@code done} runs
     * @param done gives the chunk back (call exactly once)
     */
    void chunkRead(long offset, ByteBuffer data, Runnable done);
}
