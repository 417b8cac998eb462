package org.kclone.device;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.kclone.device.probe.ProbeMode;
import org.kclone.device.probe.Probes;

/**
 * A {@link CloneRun}'s probe of its destinations for fake capacity ({@link ProbeMode}, {@link Probes}):
 * on the run's thread, before the first byte is copied. A destination it refuses is kept with the
 * reason, so the engine drops it at its first write and the others go on.
 */
final class DestinationProbe {

    private final OpenedPlan opened;
    /** True while destinations are probed for fake capacity (before the first byte is copied). */
    private volatile boolean probing;
    /** Per destination, why the fake-capacity probe refused it, or null. */
    private final String[] failures;

    DestinationProbe(OpenedPlan opened) {
        this.opened = opened;
        this.failures = new String[opened.plan().destinations().size()];
    }

    /** Whether the destinations are being probed right now (nothing copied yet). */
    boolean probing() {
        return probing;
    }

    /** Per destination, why the probe refused it, or null (all null before {@link #run}). */
    String[] failures() {
        return failures;
    }

    /** Probes the destinations {@code mode} applies to; {@code told} their names first (only when there are some). */
    void run(ProbeMode mode, Consumer<List<String>> told) {
        List<Endpoint> destinations = opened.plan().destinations();
        List<String> names = new ArrayList<>();
        for (Endpoint e : destinations) {
            if (mode.applies(e)) {
                names.add(e.path().toString());
            }
        }
        if (names.isEmpty()) {
            return;
        }
        told.accept(names);
        probing = true;
        try {
            String[] found = Probes.run(destinations, opened.destinationRegions(), mode);
            System.arraycopy(found, 0, failures, 0, found.length);
        } finally {
            probing = false;
        }
    }
}
