package org.kclone.device.hotplug;

import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceOpener;
import org.kclone.device.RefusedException;
import org.kclone.engine.KcopydClient;
import org.kclone.engine.KcopydConfig;

/**
 * One engine client for many runs started one after the other while others still run (duplicator
 * mode: one run per plugged drive): its page budget is shared, so ten drives do not take ten
 * budgets. Made at the first run; {@link #closeWhenIdle()} destroys it once the last run has
 * ended (a run started after that gets a new client).
 */
public final class SharedEngine {

    private final int pages;
    private final KcopydConfig config;
    private KcopydClient client;
    private int active;
    private boolean closing;

    /** @param pages the page budget of 4 KiB pages all runs share */
    public SharedEngine(int pages, KcopydConfig config) {
        this.pages = pages;
        this.config = config;
    }

    /** Opens the plan's devices and starts a run on the shared client; refused as {@link CloneRun#start} is. */
    public CloneRun start(CopyPlanner.Plan plan, DeviceOpener opener, CloneRun.Settings settings)
            throws RefusedException {
        KcopydClient c;
        synchronized (this) {
            closing = false;
            if (client == null) {
                try {
                    client = KcopydClient.create(pages, config);
                } catch (OutOfMemoryError | IllegalArgumentException e) {
                    throw new RefusedException("DEST 1", "the copy engine cannot start with a budget of " + pages
                            + " pages: " + e.getMessage() + "; nothing was written");
                }
            }
            c = client;
            active++;
        }
        CloneRun run;
        try {
            run = CloneRun.startShared(plan, opener, settings, new CloneRun.Listener() { }, c);
        } catch (RefusedException | RuntimeException | Error e) {
            ended();
            throw e;
        }
        run.completion().whenComplete((r, t) -> ended()); // on the run's thread, after its devices are closed
        return run;
    }

    private void ended() {
        KcopydClient toDestroy = null;
        synchronized (this) {
            active--;
            if (closing && active == 0) {
                toDestroy = client;
                client = null;
            }
        }
        if (toDestroy != null) {
            toDestroy.destroy();
        }
    }

    /** Destroys the client now if no run uses it, else when the last one ends. */
    public void closeWhenIdle() {
        KcopydClient toDestroy = null;
        synchronized (this) {
            closing = true;
            if (active == 0) {
                toDestroy = client;
                client = null;
            }
        }
        if (toDestroy != null) {
            toDestroy.destroy();
        }
    }

    /** Runs using the client now. */
    public synchronized int active() {
        return active;
    }

    /** Whether a client exists now (made, not yet destroyed). */
    public synchronized boolean hasClient() {
        return client != null;
    }

    /** The client now, or null (tests: to see that runs share one). */
    synchronized KcopydClient client() {
        return client;
    }
}
