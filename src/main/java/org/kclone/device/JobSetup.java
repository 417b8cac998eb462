package org.kclone.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.kclone.device.probe.Probes;
import org.kclone.device.resume.JobMap;
import org.kclone.device.used.UsedCopy;
import org.kclone.device.verify.SourceHasher;
import org.kclone.engine.IoRegion;
import org.kclone.engine.JobResult;
import org.kclone.engine.KcopydClient;
import org.kclone.engine.KcopydFlag;
import org.kclone.engine.KcopydJob;
import org.kclone.engine.ProgressListener;

/**
 * What a {@link CloneRun}'s engine job writes and how it starts: zeros, every sector, the extents
 * the file systems use ({@code --used-only}, {@link UsedCopy}), or with a map ({@code --map},
 * {@link JobMap}) only what earlier runs did not copy; with the source hasher beside it. Counts the
 * bytes written as the destinations have them (an earlier run's included).
 */
final class JobSetup {

    private final CopyPlanner.Plan plan;
    private final OpenedPlan opened;
    private final boolean verify;
    /** With --used-only, what is copied and skipped; null otherwise. */
    private final UsedCopy used;
    /** Records what the destinations durably received and where a resumed job starts (--map); or null. */
    private final JobMap map;
    /** Hashes the source as it is copied (SHA-256, and the digests verification compares with); null for a zero. */
    private volatile SourceHasher hasher;

    /**
     * Plans --used-only's extents and begins the map, before the job: refused here (nothing written)
     * when the devices (or the used extents) are not the map's.
     */
    JobSetup(OpenedPlan opened, CloneRun.Settings settings, boolean verify) throws RefusedException {
        this.plan = opened.plan();
        this.opened = opened;
        this.verify = verify;
        this.used = settings.usedOnly() && plan.source() != null // before the job: its extents are the job's
                ? UsedCopy.forRun(opened.sourceRegion(), plan.source().byteLength(), opened.source(),
                        settings.wipeFree())
                : null;
        this.map = settings.map() != null && plan.source() != null ? settings.map() : null;
        if (map != null) {
            map.begin(opened, used != null ? used.extents() : null);
        }
    }

    UsedCopy used() {
        return used;
    }

    JobMap map() {
        return map;
    }

    SourceHasher hasher() {
        return hasher;
    }

    /** Whether a map resumes an earlier job (the copied part is not written, nor probed, again). */
    boolean resuming() {
        return map != null && map.resuming();
    }

    /**
     * Starts the engine job on {@code client}; a destination with a {@code probeFailures} entry is
     * dropped by the engine at its first write, the others go on. A resumed job reads the source's
     * copied part again first, for the hash (stopping when {@code cancelled}).
     */
    KcopydJob start(KcopydClient client, Set<KcopydFlag> flags, String[] probeFailures, ProgressListener listener,
            BooleanSupplier cancelled) {
        opened.images().removeStaleSidecars(plan); // the image files' bytes change from here on
        List<IoRegion> dests = new ArrayList<>(opened.destinationRegions());
        for (int i = 0; i < dests.size(); i++) {
            if (probeFailures[i] != null) { // dropped by the engine at its first write, the others go on
                IoRegion r = dests.get(i);
                dests.set(i, new IoRegion(new Probes.Refused(r.device(), probeFailures[i]), r.sector(), r.count()));
            }
        }
        if (plan.source() == null) {
            return client.zero(dests, flags, (r, w, res) -> { }, listener);
        }
        // -Dkclone.sha256=off: the benchmark's baseline for what hashing costs (no sha256 in the report,
        // and --verify, which needs the digests, still hashes)
        boolean hashOff = !verify && "off".equals(System.getProperty("kclone.sha256"));
        if (used != null) { // --used-only: the extents the file systems use, hashed end to end
            hasher = hashOff ? null : used.hasher(verify);
            if (map != null) { // the extents from the resume point; those before it read again for the hash
                hasher = map.prefill(hasher, opened.sourceRegion(), cancelled);
            }
            return client.copy(opened.sourceRegion(), map != null ? map.destinations(dests) : dests,
                    map != null ? map.extents(used.extents()) : used.extents(), flags, (r, w, res) -> { },
                    listener, hasher != null ? used.observer(hasher) : null);
        }
        hasher = hashOff ? null : new SourceHasher(opened.sourceRegion().byteLength(), plan.source().byteLength(),
                verify);
        if (map != null) { // only what is missing; the copied part read again for the hash
            hasher = map.prefill(hasher, opened.sourceRegion(), cancelled);
            return client.copy(map.source(opened.sourceRegion()), map.destinations(dests), flags,
                    (r, w, res) -> { }, listener, map.observer(hasher));
        }
        return client.copy(opened.sourceRegion(), dests, flags, (r, w, res) -> { }, listener, hasher);
    }

    /** The engine's bytes written per destination, with what earlier runs wrote (--map) added. */
    long[] written(long[] engine) {
        return map != null ? map.written(engine) : engine;
    }

    /** Bytes each destination had from earlier runs (a resumed map's), 0 without one. */
    long copiedBefore() {
        return map != null ? map.copiedBefore() : 0;
    }

    /** Bytes each destination gets in all: the engine job's, with what a resumed map copied before. */
    long totalBytes(KcopydJob job) {
        return job.totalBytes() + (resuming() ? map.resumeAt() : 0);
    }

    /**
     * After the job has ended: the bytes each destination has (with --wipe-free, a destination with
     * every extent counts as written whole), the GPT fitted, and the map told which destinations are
     * done (not one whose GPT fit-up failed).
     */
    long[] ended(KcopydJob job, JobResult result, boolean cancelled, GptStep gpt) {
        long[] written = written(job.progress().bytesWritten());
        if (used != null) {
            written = used.afterJob(written, result, cancelled, plan.destinations(), opened.destinationRegions());
        }
        gpt.afterCopy(opened, result, written);
        if (map != null) {
            map.ended(gpt::fitFailed);
        }
        return written;
    }
}
