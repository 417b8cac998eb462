package org.kclone.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.ForwardingBlockDevice;
import org.kclone.engine.SectorRange;

/**
 * Wraps a device and injects faults: reads touching bad sectors fail (sector-exact, like O_DIRECT
 * on a failing disk), writes fail (all of them or those touching given sectors), transfers are
 * slowed down, flushes fail. It also records what the engine did: reads and writes (offset and
 * length, in order of issue), flushes, and how many transfers ran at once.
 */
public final class FaultyDevice extends ForwardingBlockDevice {

    /** One transfer as the engine issued it. */
    public record Transfer(long position, int length) {
    }

    private final List<SectorRange> badReadSectors = new CopyOnWriteArrayList<>();
    private final List<SectorRange> badWriteSectors = new CopyOnWriteArrayList<>();
    private volatile boolean failAllWrites;
    private volatile boolean failFlush;
    private volatile long readDelayMillis;
    private volatile long writeDelayMillis;

    private final ConcurrentLinkedQueue<Transfer> reads = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Transfer> writes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger flushes = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();

    public FaultyDevice(BlockDevice inner) {
        super(inner);
    }

    public FaultyDevice badReadSectors(long start, long count) {
        badReadSectors.add(new SectorRange(start, count));
        return this;
    }

    public FaultyDevice badWriteSectors(long start, long count) {
        badWriteSectors.add(new SectorRange(start, count));
        return this;
    }

    public FaultyDevice failAllWrites(boolean fail) {
        failAllWrites = fail;
        return this;
    }

    public FaultyDevice failFlush(boolean fail) {
        failFlush = fail;
        return this;
    }

    public FaultyDevice readDelay(long millis) {
        readDelayMillis = millis;
        return this;
    }

    public FaultyDevice writeDelay(long millis) {
        writeDelayMillis = millis;
        return this;
    }

    @Override
    public String name() {
        return "faulty:" + inner.name();
    }

    @Override
    public void read(ByteBuffer dst, long position) throws IOException {
        int length = dst.remaining();
        reads.add(new Transfer(position, length));
        enter();
        try {
            sleep(readDelayMillis);
            if (touches(badReadSectors, position, length)) {
                throw new IOException(name() + ": Input/output error (injected read fault at byte " + position + ")");
            }
            inner.read(dst, position);
        } finally {
            active.decrementAndGet();
        }
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        int length = src.remaining();
        writes.add(new Transfer(position, length));
        enter();
        try {
            sleep(writeDelayMillis);
            if (failAllWrites || touches(badWriteSectors, position, length)) {
                throw new IOException(name() + ": Input/output error (injected write fault at byte " + position + ")");
            }
            inner.write(src, position);
        } finally {
            active.decrementAndGet();
        }
    }

    @Override
    public void flush() throws IOException {
        flushes.incrementAndGet();
        if (failFlush) {
            throw new IOException(name() + ": Input/output error (injected flush fault)");
        }
        inner.flush();
    }

    /** The device underneath, to check what reached it. */
    public BlockDevice wrapped() {
        return inner;
    }

    public List<Transfer> reads() {
        return List.copyOf(reads);
    }

    public List<Transfer> writes() {
        return List.copyOf(writes);
    }

    public int flushes() {
        return flushes.get();
    }

    /** The most reads and writes that were under way at the same time. */
    public int maxConcurrentTransfers() {
        return maxActive.get();
    }

    private void enter() {
        int now = active.incrementAndGet();
        maxActive.accumulateAndGet(now, Math::max);
    }

    private static boolean touches(List<SectorRange> bad, long position, int length) {
        long first = position / 512;
        long end = (position + length + 511) / 512;
        for (SectorRange r : bad) {
            if (r.start() < end && first < r.end()) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(long millis) throws IOException {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}
