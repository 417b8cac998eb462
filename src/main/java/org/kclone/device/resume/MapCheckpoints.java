package org.kclone.device.resume;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;
import org.kclone.device.Endpoint;
import org.kclone.device.OpenedPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writing of a job's map while it runs ({@link JobMap}): after every {@code every} bytes written
 * to each destination (and at least every 5 seconds) every destination is flushed and the map
 * written again, atomically, with what each has durably received ({@link RecordingDevice}) and the
 * source's hashes around the resume point ({@link SourceHashes}); {@link #ended} writes the last map.
 */
final class MapCheckpoints {

    private static final Logger LOG = LoggerFactory.getLogger(MapCheckpoints.class);

    private final Path file;
    private final long every;

    private final ReentrantLock checkpointing = new ReentrantLock();
    private final AtomicLong sinceFlush = new AtomicLong();
    private volatile long lastFlush = System.nanoTime();
    private volatile List<RecordingDevice> recorders = List.of();
    private final SourceHashes.Cache samples = new SourceHashes.Cache();
    /** Destinations whose GPT could not be fitted after the copy: not done in the map ({@link #ended(IntPredicate)}). */
    private IntPredicate notDone = i -> false;

    /** The map as this run writes it (null before {@link #start}). */
    private MapFile current;
    private OpenedPlan opened;
    /** With --used-only, the job's extents (null for a copy of every sector). */
    private UsedExtents used;

    MapCheckpoints(Path file, long every) {
        this.file = file;
        this.every = every;
    }

    /** The run begins with {@code current} (already written) on {@code opened}'s devices. */
    void start(MapFile current, OpenedPlan opened, UsedExtents used) {
        this.used = used;
        this.opened = opened;
        this.current = current;
    }

    /** The map as this run writes it, or null before {@link #start}. */
    MapFile current() {
        return current;
    }

    /** The run's destinations, recording what they durably received. */
    void recording(List<RecordingDevice> recs) {
        recorders = List.copyOf(recs);
    }

    /** Told by a destination after each write: now and then, flush them all and record that. */
    void written(long bytes) {
        long n = sinceFlush.addAndGet(bytes);
        List<RecordingDevice> recs = recorders;
        if ((n >= every * Math.max(1, recs.size()) || System.nanoTime() - lastFlush >= JobMap.EVERY_NANOS)
                && checkpointing.tryLock()) {
            try {
                checkpoint(recs);
            } finally {
                checkpointing.unlock();
            }
        }
    }

    private void checkpoint(List<RecordingDevice> recs) {
        sinceFlush.set(0);
        lastFlush = System.nanoTime();
        for (RecordingDevice r : recs) {
            try {
                r.flush();
            } catch (IOException | RuntimeException e) {
                LOG.warn("flushing {} for the map failed (not recorded): {}", r.name(), e.toString());
            }
        }
        save("running");
    }

    /** {@link JobMap#ended(IntPredicate)}: the last map, without the destinations {@code gptFailed} names. */
    void ended(IntPredicate gptFailed) {
        if (current == null) {
            return;
        }
        notDone = gptFailed;
        checkpointing.lock();
        try {
            save(null);
        } finally {
            checkpointing.unlock();
        }
    }

    /** Writes the map as it stands; status null: finished or interrupted, from what is recorded. */
    private synchronized void save(String status) {
        List<RecordingDevice> recs = recorders;
        for (int i = 0; i < recs.size(); i++) {
            current.done.set(i, notDone.test(i) ? new Ranges() : recs.get(i).durable());
        }
        current.status = status != null ? status : current.complete() ? "finished" : "interrupted";
        long at = current.resumePoint();
        try {
            current.hashes.clear(); // a finished job has nothing to check on a later run
            if (!current.complete()) {
                Endpoint src = opened.plan().source();
                current.hashes.addAll(used == null
                        ? SourceHashes.around(opened.source(), src.startByte(), src.byteLength(), at, samples)
                        : SourceHashes.around(used.compact(opened.sourceRegion()).device(), 0, used.bytes(),
                                used.copiedBelow(at), samples));
            }
        } catch (IOException e) {
            current.hashes.clear(); // not readable there now: resuming will not have it to compare
            LOG.warn("hashing the source around {} for the map failed: {}", at, e.toString());
        }
        try {
            current.save(file);
        } catch (IOException e) {
            LOG.warn("writing the map {} failed: {}", file, e.toString());
        }
    }
}
