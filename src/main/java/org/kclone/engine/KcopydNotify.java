package org.kclone.engine;

/**
 * kcopyd's completion callback. Called exactly once per job, on the client's own callback
 * thread (never the submitting thread), after every destination that is reported written has
 * been flushed. Callbacks of one client never run concurrently.
 */
@FunctionalInterface
public interface KcopydNotify {

    /**
     * @param readError the kernel's {@code read_err}: some source sector could not be read
     * @param writeError the kernel's {@code write_err}: bit i is set exactly when destination i failed
     * @param result the same and more: each failure's exception, unreadable ranges, bytes, cancel
     */
    void complete(boolean readError, long writeError, JobResult result);
}
