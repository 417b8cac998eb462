package org.kclone.device.probe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
        List<CompletableFuture<Void>> running = new ArrayList<>();
        long nonce = ThreadLocalRandom.current().nextLong();
        for (int i = 0; i < regions.size(); i++) {
            if (!mode.applies(plan.get(i))) {
                continue;
            }
            int d = i;
            IoRegion r = regions.get(i);
            Thread[] self = new Thread[1];
            CompletableFuture<Void> f = new CompletableFuture<>();
            self[0] = new Thread(() -> {
                try {
                    CapacityProbe.Result res = CapacityProbe.probe(r.device(), r.byteOffset(), r.byteLength(), nonce);
                    if (res.fake()) {
                        why[d] = fakeMessage(plan.get(d), res);
                    }
                } catch (IOException | RuntimeException e) {
                    why[d] = "the fake-capacity probe failed: " + (e.getMessage() != null ? e.getMessage() : e);
                } finally {
                    f.complete(null);
                }
            }, "kclone-probe-" + i);
            self[0].setDaemon(true);
            self[0].start();
            running.add(f);
        }
        CompletableFuture.allOf(running.toArray(new CompletableFuture[0])).join();
        return why;
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
