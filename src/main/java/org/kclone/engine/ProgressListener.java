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

    ProgressListener NONE = new ProgressListener() {
    };
}
