package org.kclone.device;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.kclone.engine.ProgressListener;
import org.kclone.engine.SectorRange;

/**
 * What the engine tells a {@link CloneRun} went wrong while it copies: source sectors it could not
 * read and destinations that failed. Told on the engine's threads, read with cheap calls from any
 * thread (the window polls it).
 */
final class RunProblems implements ProgressListener {

    private final List<SectorRange> unreadable = new ArrayList<>();
    /** Joined once per (rare) bad range, not on every poll. */
    private volatile List<SectorRange> unreadableJoined = List.of();
    private final AtomicReferenceArray<String> errors;

    RunProblems(int destinations) {
        this.errors = new AtomicReferenceArray<>(destinations);
    }

    @Override
    public void unreadable(long start, long count) {
        synchronized (unreadable) {
            unreadable.add(new SectorRange(start, count));
            unreadableJoined = SectorRange.coalesce(unreadable);
        }
    }

    @Override
    public void destinationFailed(int destination, Exception error) {
        errors.set(destination, RunReport.message(error));
    }

    /** Source sectors found unreadable so far, coalesced. */
    List<SectorRange> unreadableSoFar() {
        return unreadableJoined;
    }

    /** The error of destination {@code i} if it failed so far, else null. */
    String error(int i) {
        return errors.get(i);
    }
}
