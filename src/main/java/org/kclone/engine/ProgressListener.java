package org.kclone.engine;

/**
 * Progress of one job, called on engine I/O threads after every chunk. Must be cheap and must not
 * block: copy the figures somewhere (an atomic) and return. Figures are running totals in bytes,
 * so a listener can drop calls without losing anything. A listener that throws is logged once and
 * otherwise ignored; the job goes on.
 */
public interface ProgressListener {

    /** Bytes of the source read (or, for a zero job, zero chunks issued) so far. */
    default void bytesRead(long total) {
    }

    /** Bytes written to destination {@code destination} so far. */
    default void bytesWritten(int destination, long total) {
    }

    /**
     * Source sectors found unreadable (absolute sectors), as soon as a failed chunk has been
     * narrowed down. Rare, so it may allocate; still called on an engine thread.
     */
    default void unreadable(long startSector, long count) {
    }

    /** Destination {@code destination} failed (its bit is set); called once per destination. */
    default void destinationFailed(int destination, Exception error) {
    }

    ProgressListener NONE = new ProgressListener() {
    };
}
