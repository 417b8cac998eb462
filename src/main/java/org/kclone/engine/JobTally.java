package org.kclone.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A job's books, from which its {@link JobResult} is made: the bytes read, the bytes written to
 * each destination, the failed destinations (the kernel's write-error bits, at most 64) with the
 * error that failed each, and the unreadable source sectors. It only keeps count, safely from any
 * of the client's threads; what a failure means for the job (stop, or go on without that
 * destination) is decided in {@link KcopydJob}.
 */
final class JobTally {
    private final int destinations;
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLongArray bytesWritten;
    private final AtomicLong failedBits = new AtomicLong();

    // Guarded by this.
    private final Exception[] destinationErrors;
    private final List<SectorRange> unreadable = new ArrayList<>();
    private boolean readError;

    JobTally(int destinations) {
        this.destinations = destinations;
        this.bytesWritten = new AtomicLongArray(destinations);
        this.destinationErrors = new Exception[destinations];
    }

    /** Counts {@code length} more bytes read; returns the job's total. */
    long read(int length) {
        return bytesRead.addAndGet(length);
    }

    /** Counts {@code length} more bytes written to {@code dest}; returns that destination's total. */
    long written(int dest, int length) {
        return bytesWritten.addAndGet(dest, length);
    }

    JobProgress progress(long totalBytes) {
        long[] written = new long[destinations];
        for (int i = 0; i < written.length; i++) {
            written[i] = bytesWritten.get(i);
        }
        return new JobProgress(totalBytes, bytesRead.get(), written);
    }

    /** A read failed: the job has a read error, and {@code bad} (maybe none) are unreadable. */
    synchronized void readFailed(List<SectorRange> bad) {
        readError = true;
        unreadable.addAll(bad);
    }

    boolean failed(int dest) {
        return (failedBits.get() & (1L << dest)) != 0;
    }

    /** The bits of the destinations that have not failed. */
    long live() {
        return ~failedBits.get() & allDestinationBits();
    }

    boolean allFailed() {
        return failedBits.get() == allDestinationBits();
    }

    private long allDestinationBits() {
        return destinations == 64 ? -1L : (1L << destinations) - 1;
    }

    /**
     * Marks {@code dest} failed by {@code e}.
     *
     * @return false when it had failed already (its first error is kept)
     */
    boolean fail(int dest, Exception e) {
        long before = failedBits.getAndUpdate(bits -> bits | (1L << dest));
        if ((before & (1L << dest)) != 0) {
            return false;
        }
        synchronized (this) {
            destinationErrors[dest] = e;
        }
        return true;
    }

    /**
     * The result: every failed destination's error, and as the bytes copied the fewest written to
     * any destination still standing (0 when none is).
     */
    synchronized JobResult result(boolean cancelled) {
        long bits = failedBits.get();
        long copied = -1;
        Map<Integer, Exception> errors = new HashMap<>();
        for (int d = 0; d < destinations; d++) {
            if ((bits & (1L << d)) != 0) {
                errors.put(d, destinationErrors[d]);
            } else {
                copied = copied < 0 ? bytesWritten.get(d) : Math.min(copied, bytesWritten.get(d));
            }
        }
        return new JobResult(readError, bits, errors, SectorRange.coalesce(unreadable), Math.max(copied, 0),
                cancelled);
    }
}
