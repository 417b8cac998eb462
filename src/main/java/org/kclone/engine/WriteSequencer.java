package org.kclone.engine;

import java.util.TreeMap;
import java.util.concurrent.Executor;

/**
 * Runs one destination's writes one at a time in chunk order (WRITE_SEQ): the write of chunk
 * {@code n} starts only after that of {@code n - 1} has ended. Every issued chunk must be
 * submitted, written or not, so that none waits for an index that never comes.
 */
final class WriteSequencer {
    private final Executor io;
    private final TreeMap<Long, Runnable> waiting = new TreeMap<>();
    private long next;
    private boolean running;

    WriteSequencer(Executor io) {
        this.io = io;
    }

    synchronized void submit(long index, Runnable write) {
        waiting.put(index, write);
        drain();
    }

    private void drain() {
        if (running) {
            return;
        }
        Runnable task = waiting.remove(next);
        if (task == null) {
            return;
        }
        running = true;
        io.execute(() -> {
            try {
                task.run();
            } finally {
                synchronized (this) {
                    running = false;
                    next++;
                    drain();
                }
            }
        });
    }
}
