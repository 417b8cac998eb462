package org.kclone.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.kclone.device.CloneRun;

/**
 * What SIGINT, SIGTERM and SIGHUP do while a command that writes runs ({@link JobRunner} installs
 * the handlers through {@link Interrupts}): at the confirmation prompt the first signal is a
 * refusal, exit 2 with nothing written; once confirmed it cancels the job cleanly (the writes in
 * flight finish and are flushed, or verification stops; the report follows), saying so on stderr;
 * a second signal while that cancel still waits (a hung device) quits at once with exit 1, saying
 * what that leaves behind.
 */
final class JobSignals {

    private final PrintWriter err;
    /** How kclone quits at once (a signal at the prompt, a second signal); tests replace it. */
    IntConsumer exit = System::exit;
    private final Object promptLock = new Object();
    private boolean confirmed; // guarded by promptLock: once true, nothing refuses any more

    JobSignals(PrintWriter err) {
        this.err = err;
    }

    /** The person confirmed: from now on a first signal cancels instead of refusing. */
    void confirmed() {
        synchronized (promptLock) {
            confirmed = true;
        }
    }

    /** The first signal: at the prompt a refusal (nothing was written), then a clean cancel. */
    void firstSignal(String signal, AtomicReference<CloneRun> running, AtomicReference<String> signalled) {
        synchronized (promptLock) {
            if (!confirmed) {
                err.println();
                err.println("kclone: refused: confirmation: " + Interrupts.what(signal)
                        + " at the prompt; nothing was written");
                err.flush();
                exit.accept(KcloneCommand.REFUSED); // the prompt's read cannot be interrupted: quit from here
                return;
            }
        }
        signalled.set(signal);
        CloneRun r = running.get();
        if (r != null) {
            cancel(r, signal);
        }
    }

    /** A second signal while the first one's cancel still waits (a hung device): quit at once, saying so. */
    void secondSignal(CloneRun run) {
        err.println();
        if (run != null && run.phase() == CloneRun.Phase.VERIFYING) {
            err.println("kclone: second interrupt: quitting without waiting for the verification to stop;"
                    + " everything was written and flushed, but not all of it was verified");
        } else {
            err.println("kclone: second interrupt: quitting without waiting for the writes in flight;"
                    + " the destinations may be incomplete and not flushed");
        }
        err.flush();
        exit.accept(1);
    }

    /** Says what a signal does now, then cancels: writes in flight finish and are flushed, or verification stops. */
    void cancel(CloneRun run, String signal) {
        err.println();
        err.println(Interrupts.interrupted(signal) + ": "
                + (run.phase() == CloneRun.Phase.VERIFYING ? "stopping verification (everything was written and"
                        + " flushed)..." : "finishing the writes in flight and flushing...")
                + " (interrupt again to quit at once)");
        err.flush();
        run.cancel();
    }
}
