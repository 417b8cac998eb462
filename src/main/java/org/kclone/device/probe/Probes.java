package org.kclone.device.probe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.kclone.device.Endpoint;
import org.kclone.device.Sizes;
import org.kclone.engine.ForwardingBlockDevice;
import org.kclone.engine.IoRegion;

/** Probes a run's destinations for fake capacity, all at once (a batch of sticks in the time of the slowest). */
public final class Probes {

    private Probes() {
    }

    /**
     * Probes each destination {@code mode} applies to, inside its region.
     *
     * @return per destination, why it must not be written (a fake, or a device that failed the
     *     probe outright), or null
     */
    public static String[] run(List<Endpoint> plan, List<IoRegion> regions, ProbeMode mode) {
        String[] why = new String[regions.size()];
        List<Thread> running = new ArrayList<>();
        long nonce = ThreadLocalRandom.current().nextLong();
        for (int i = 0; i < regions.size(); i++) {
            if (!mode.applies(plan.get(i))) {
                continue;
            }
            int d = i;
            IoRegion r = regions.get(i);
            Thread t = new Thread(() -> why[d] = probeOne(plan.get(d), r, nonce), "kclone-probe-" + i);
            t.setDaemon(true);
            t.start();
            running.add(t);
        }
        boolean interrupted = false;
        for (Thread t : running) { // join: every answer is in why[] once it returns
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true; // the probes are seconds long: let them end, keep the interrupt
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return why;
    }

    /** Why one destination must not be written, or null when it keeps what it reports. */
    private static String probeOne(Endpoint e, IoRegion r, long nonce) {
        try {
            CapacityProbe.Result res = CapacityProbe.probe(r.device(), r.byteOffset(), r.byteLength(), nonce);
            return res.fake() ? fakeMessage(e, res) : null;
        } catch (IOException | RuntimeException x) {
            return "the fake-capacity probe failed: " + (x.getMessage() != null ? x.getMessage() : x);
        }
    }

    static String fakeMessage(Endpoint e, CapacityProbe.Result res) {
        return "fake capacity: it reports " + Sizes.human(e.sizeBytes()) + " but keeps at most about "
                + Sizes.human(res.keepsAtMost()) + " (" + res.detail() + "); nothing of the copy was written to it";
    }

    /** A destination the probe found fake: every write fails with {@code why}, so the engine drops it. */
    public static final class Refused extends ForwardingBlockDevice {
        private final String why;

        public Refused(org.kclone.engine.BlockDevice inner, String why) {
            super(inner);
            this.why = why;
        }

        @Override
        public void write(java.nio.ByteBuffer src, long position) throws IOException {
            throw new IOException(why);
        }

        @Override
        public void flush() throws IOException {
            throw new IOException(why);
        }
    }
}
