package org.kclone.helper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/** {@code kclone helper}: the privileged half of the window (see {@link HelperSession}). */
public final class HelperMain {

    private HelperMain() {
    }

    /** Serves one session on these streams; returns the exit code. */
    public static int run(InputStream in, OutputStream out, Map<String, String> env) {
        Requester user;
        try {
            user = Requester.fromEnvironment(env);
        } catch (IOException e) {
            new EventWriter(out).send(Protocol.Event.error("cannot tell who asked: " + e.getMessage()));
            return 2;
        }
        try {
            return new HelperSession(in, out, user, HelperMaps.fromEnvironment(env)).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
