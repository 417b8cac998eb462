package org.kclone.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's side of a {@link ChunkObserver}: hands it each chunk's bytes, read-only, and holds the
 * chunk's pages until the observer gives the chunk back (once; a second give-back does nothing).
 * An observer that throws does not stop the copy: the chunk is given back for it, and the first
 * throw is logged, later ones are not.
 */
final class GuardedObserver {
    private static final Logger LOG = LoggerFactory.getLogger(KcopydJob.class);

    private final ChunkObserver observer;
    /** Given each chunk the observer is done with. */
    private final Consumer<Chunk> release;
    private final AtomicBoolean threw = new AtomicBoolean();

    GuardedObserver(ChunkObserver observer, Consumer<Chunk> release) {
        this.observer = observer;
        this.release = release;
    }

    /** Hands the chunk's bytes to the observer, which holds its pages until it gives it back. */
    void chunkRead(Chunk chunk) {
        chunk.holds.incrementAndGet();
        AtomicBoolean given = new AtomicBoolean();
        Runnable done = () -> {
            if (given.compareAndSet(false, true)) {
                release.accept(chunk);
            }
        };
        try {
            observer.chunkRead(chunk.offset, chunk.view().asReadOnlyBuffer(), done);
        } catch (RuntimeException | Error e) {
            if (threw.compareAndSet(false, true)) {
                LOG.error("a chunk observer threw; the chunk is released and the job goes on (further throws not"
                        + " logged)", e);
            }
            done.run();
        }
    }
}
