package org.kclone.engine;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The client's fixed budget of 4 KiB pages, allocated once as 4096-aligned direct memory and cut
 * into chunk-sized buffers. Nothing is ever allocated after creation: a job that finds no free
 * buffer waits for one.
 */
final class PagePool {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final int pagesPerBuffer;
    private final int totalPages;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private int pagesInUse;
    private int maxPagesInUse;
    private boolean freed;

    PagePool(int numPages, int pagesPerBuffer) {
        this.totalPages = numPages;
        this.pagesPerBuffer = pagesPerBuffer;
        int buffers = numPages / pagesPerBuffer;
        int bufferBytes = pagesPerBuffer * KcopydClient.PAGE_SIZE;
        for (int i = 0; i < buffers; i++) {
            free.add(ByteBuffer.allocateDirect(bufferBytes + KcopydClient.PAGE_SIZE)
                    .alignedSlice(KcopydClient.PAGE_SIZE)
                    .limit(bufferBytes)
                    .slice());
        }
    }

    /**
     * Takes one chunk buffer, waiting while none is free.
     *
     * @return the buffer (position 0, limit chunk size), or null when {@code giveUp} said so first
     */
    synchronized ByteBuffer acquire(BooleanSupplier giveUp) throws InterruptedException {
        while (free.isEmpty()) {
            if (giveUp.getAsBoolean()) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, POLL_NANOS);
        }
        if (freed) {
            throw new IllegalStateException("page pool already freed");
        }
        pagesInUse += pagesPerBuffer;
        maxPagesInUse = Math.max(maxPagesInUse, pagesInUse);
        return free.poll().clear();
    }

    synchronized void release(ByteBuffer buffer) {
        free.add(buffer);
        pagesInUse -= pagesPerBuffer;
        notifyAll();
    }

    synchronized int pagesInUse() {
        return pagesInUse;
    }

    synchronized int maxPagesInUse() {
        return maxPagesInUse;
    }

    int totalPages() {
        return totalPages;
    }

    /** Drops the buffers; the direct memory goes back with them. */
    synchronized void free() {
        freed = true;
        free.clear();
    }
}
