package org.kclone.engine;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What the engine needs from a device: positional reads and writes, its size, a flush, and its
 * logical sector size. Implementations must allow concurrent positional calls from several
 * threads (a chunk is written to many destinations, and several chunks are in flight at once).
 */
public interface BlockDevice extends Closeable {

    /** A name for messages: usually the path. */
    String name();

    /** Size in bytes. */
    long size() throws IOException;

    /** Logical sector size in bytes (512 or 4096). */
    int logicalSectorSize();

    /**
     * Reads exactly {@code dst.remaining()} bytes starting at byte {@code position}.
     *
     * @throws java.io.EOFException if the device ends first
     * @throws IOException on a read error
     */
    void read(ByteBuffer dst, long position) throws IOException;

    /** Writes all of {@code src.remaining()} bytes starting at byte {@code position}. */
    void write(ByteBuffer src, long position) throws IOException;

    /** Makes every write so far durable (fsync, with the device's cache flushed). */
    void flush() throws IOException;
}
