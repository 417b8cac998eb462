package org.kclone.device.resume;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.ForwardingBlockDevice;

/**
 * A destination that remembers what it has durably received: each completed write goes into a
 * pending set (relative to the region's first byte), and a flush moves what was pending before it
 * began into the durable set once it has succeeded. A write that completes while a flush runs
 * stays pending until the next one: the durable set never holds a byte that was not flushed.
 * After each write {@code afterWrite} is told the bytes ({@link MapCheckpoints} decides when to flush them all).
 */
final class RecordingDevice extends ForwardingBlockDevice {

    private final long regionStart;
    private final long regionBytes;
    private final java.util.function.LongConsumer afterWrite;
    private final Object flushing = new Object();
    // Guarded by this.
    private final Ranges pending = new Ranges();
    private final Ranges durable;

    /**
     * @param regionStart the whole region's first byte on the device (also when this run copies only its tail)
     * @param durable what an earlier run recorded as durable (copied)
     * @param afterWrite told the byte count after each write
     */
    RecordingDevice(BlockDevice inner, long regionStart, long regionBytes, Ranges durable,
            java.util.function.LongConsumer afterWrite) {
        super(inner);
        this.regionStart = regionStart;
        this.regionBytes = regionBytes;
        this.durable = durable.copy();
        this.afterWrite = afterWrite;
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        long n = src.remaining();
        inner.write(src, position);
        long from = Math.max(0, position - regionStart);
        long to = Math.min(regionBytes, position - regionStart + n);
        if (to > from) {
            synchronized (this) {
                pending.add(from, to - from);
            }
        }
        afterWrite.accept(n);
    }

    /** Flushes the device; what was written before this call is durable afterwards, and recorded so. */
    @Override
    public void flush() throws IOException {
        synchronized (flushing) {
            Ranges before;
            synchronized (this) {
                before = pending.drain();
            }
            // a failed flush throws: what was pending is never recorded (the kernel may have dropped it)
            inner.flush();
            synchronized (this) {
                durable.addAll(before);
            }
        }
    }

    /** What has been flushed so far (a copy). */
    synchronized Ranges durable() {
        return durable.copy();
    }
}
