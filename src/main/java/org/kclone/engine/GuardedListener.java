package org.kclone.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's side of a {@link ProgressListener}: a listener that throws does not stop the copy;
 * the first throw is logged, later ones are not.
 */
final class GuardedListener {
    private static final Logger LOG = LoggerFactory.getLogger(KcopydJob.class);

    private final ProgressListener listener;
    private final AtomicBoolean failed = new AtomicBoolean();

    GuardedListener(ProgressListener listener) {
        this.listener = listener;
    }

    void bytesRead(long total) {
        try {
            listener.bytesRead(total);
        } catch (RuntimeException e) {
            threw(e);
        }
    }

    void bytesWritten(int dest, long total) {
        try {
            listener.bytesWritten(dest, total);
        } catch (RuntimeException e) {
            threw(e);
        }
    }

    void unreadable(SectorRange range) {
        try {
            listener.unreadable(range.start(), range.count());
        } catch (RuntimeException e) {
            threw(e);
        }
    }

    void destinationFailed(int dest, Exception error) {
        try {
            listener.destinationFailed(dest, error);
        } catch (RuntimeException e) {
            threw(e);
        }
    }

    private void threw(RuntimeException e) {
        if (failed.compareAndSet(false, true)) {
            LOG.warn("a progress listener threw; the job goes on (further throws not logged)", e);
        }
    }
}
