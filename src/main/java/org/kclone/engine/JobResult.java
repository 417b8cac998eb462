package org.kclone.engine;

import java.util.List;
import java.util.Map;

/**
 * How a job ended: the kernel's pair ({@code readError}, {@code writeErrorBits}) and beside it the
 * exception of every failed destination (keyed by destination index), the unreadable source
 * ranges at sector granularity (absolute source sectors, sorted and joined), the bytes written
 * to every destination that did not fail, and whether it was cancelled.
 */
public record JobResult(
        boolean readError,
        long writeErrorBits,
        Map<Integer, Exception> destinationErrors,
        List<SectorRange> unreadable,
        long bytesCopied,
        boolean cancelled) {

    public JobResult {
        destinationErrors = Map.copyOf(destinationErrors);
        unreadable = List.copyOf(unreadable);
    }

    /** Whether destination {@code i} failed. */
    public boolean failed(int destination) {
        return (writeErrorBits & (1L << destination)) != 0;
    }

    /** Everything read, everything written and flushed, not cancelled. */
    public boolean succeeded() {
        return !readError && writeErrorBits == 0 && !cancelled;
    }
}
