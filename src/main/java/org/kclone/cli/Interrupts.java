package org.kclone.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C while a job runs: the handler cancels the job (in-flight writes finish, destinations are
 * flushed, the report says cancelled) instead of killing the JVM mid-write. The previous handler
 * comes back when the job is over. Uses {@code sun.misc.Signal} (module jdk.unsupported), the
 * only way in the JDK to handle SIGINT without exiting.
 */
final class Interrupts implements AutoCloseable {

    private final SignalHandler previous;
    private boolean seen;

    private Interrupts(Runnable onInterrupt) {
        SignalHandler handler = sig -> {
            if (seen) {
                return; // a second Ctrl-C: already cancelling
            }
            seen = true;
            onInterrupt.run();
        };
        SignalHandler prev;
        try {
            prev = Signal.handle(new Signal("INT"), handler);
        } catch (IllegalArgumentException e) {
            prev = null; // the JVM was started with SIGINT ignored (a background job): nothing to catch
        }
        this.previous = prev;
    }

    static Interrupts onInterrupt(Runnable onInterrupt) {
        return new Interrupts(onInterrupt);
    }

    @Override
    public void close() {
        if (previous != null) {
            Signal.handle(new Signal("INT"), previous);
        }
    }
}
