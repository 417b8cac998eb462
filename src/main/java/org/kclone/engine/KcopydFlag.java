package org.kclone.engine;

/** Job flags: the kernel's two, and kclone's own. */
public enum KcopydFlag {
    /**
     * Go past unreadable source sectors: every chunk is attempted, the unreadable sectors are
     * written as zeros, and the job still reports the read error (and where it was).
     */
    IGNORE_ERROR,
    /**
     * Writes to each destination are issued in strictly ascending offset order (zoned devices).
     * Turns IGNORE_ERROR off, as in the kernel.
     */
    WRITE_SEQ,
    /**
     * kclone's own: a destination whose write fails is dropped (its bit set, no more writes to
     * it) and the job finishes the others. Without it the kernel's rule holds: after the first
     * error no new chunk starts.
     */
    DROP_FAILED_DESTINATIONS
}
