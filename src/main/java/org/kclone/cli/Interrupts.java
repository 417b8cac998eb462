package org.kclone.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP while a job runs: the handler cancels the job (in-flight
 * writes finish, destinations are flushed, the report says cancelled) instead of the JVM dying
 * mid-write. {@code timeout}, {@code systemctl stop} and {@code kill} send SIGTERM; a closed SSH
 * session or terminal sends SIGHUP. The previous handlers come back when the job is over. Uses
 * {@code sun.misc.Signal} (module jdk.unsupported), the only way in the JDK to handle these
 * signals without exiting.
 *
 * <p>A signal the JVM was started with ignored (SIGINT for a background job of a non-interactive
 * shell, SIGHUP under {@code nohup}) stays ignored: the JVM installs no handler for it, which is
 * what the person who started kclone that way asked for.
 */
final class Interrupts implements AutoCloseable {

    /** The signals a copy survives, cancelling cleanly instead. */
    static final List<String> SIGNALS = List.of("INT", "TERM", "HUP");

    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private final AtomicBoolean seen = new AtomicBoolean();

    private Interrupts(Consumer<String> onSignal, Consumer<String> onAgain) {
        SignalHandler handler = sig -> {
            if (seen.compareAndSet(false, true)) {
                onSignal.accept(sig.getName());
            } else {
                onAgain.accept(sig.getName()); // already stopping: the caller says what a second one does
            }
        };
        for (String name : SIGNALS) {
            Signal sig = new Signal(name);
            try {
                previous.add(Signal.handle(sig, handler));
                signals.add(sig);
            } catch (IllegalArgumentException e) {
                // the JVM reserves it (-Xrs): nothing to catch
            }
        }
    }

    /**
     * Calls {@code onSignal} with the signal's name ("INT", "TERM", "HUP") on the first of these
     * signals, on a thread of the JVM's, and {@code onAgain} on every later one while this is open.
     */
    static Interrupts onSignal(Consumer<String> onSignal, Consumer<String> onAgain) {
        return new Interrupts(onSignal, onAgain);
    }

    /** {@code kclone: interrupted} for Ctrl-C, {@code kclone: interrupted by SIGTERM} for the others. */
    static String interrupted(String signal) {
        return "kclone: " + what(signal);
    }

    /** {@code interrupted}, or {@code interrupted by SIGTERM}. */
    static String what(String signal) {
        return "interrupted" + ("INT".equals(signal) ? "" : " by SIG" + signal);
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
