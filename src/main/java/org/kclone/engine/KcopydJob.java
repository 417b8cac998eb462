package org.kclone.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One copy or zero job, and the handle its submitter keeps.
 *
 * <p>The life of a job, top to bottom (the methods below follow it):
 * <ol>
 *   <li>{@link #issue()}: one task hands out chunks in ascending offset order. A chunk needs an
 *       in-flight permit (at most {@code maxChunksInFlight}) and, for a copy, a buffer from the
 *       client's pages; the throttle may make it wait. No new chunk starts once the job is
 *       stopped (an error without IGNORE_ERROR or the drop flag) or cancelled.</li>
 *   <li>{@link #read}: the chunk is read once. A failed read is narrowed to sectors ({@link BadSectors}); the
 *       unreadable sectors become zeros (IGNORE_ERROR) or the chunk is not written and the job
 *       stops. A {@link ChunkObserver}, if any, then sees the bytes ({@link GuardedObserver}).</li>
 *   <li>{@link #dispatchWrites}: the chunk goes to every destination at once, or under WRITE_SEQ
 *       through a per-destination {@link WriteSequencer} that keeps offsets strictly ascending.</li>
 *   <li>{@link #write}: one destination's write; a failure sets its bit. The bytes and errors
 *       are counted in the job's {@link JobTally}.</li>
 *   <li>{@link #chunkDone}: when every destination has the chunk (and the {@link ChunkObserver}, if
 *       any, has given it back), its pages and permit go back.</li>
 *   <li>{@link #finish()}: when nothing is in flight and nothing more will be issued, every
 *       destination still standing is flushed ({@link Flushes}), then the callback runs on the client's callback
 *       thread, exactly once.</li>
 * </ol>
 */
public final class KcopydJob {

    private static final Logger LOG = LoggerFactory.getLogger(KcopydJob.class);
    private static final long POLL_MS = 20;

    private final KcopydClient client;
    private final IoRegion source;
    private final List<IoRegion> dests;
    private final boolean ignoreErrors;
    private final boolean writeSeq;
    private final boolean dropFailed;
    private final KcopydNotify notify;
    private final GuardedListener listener;
    /** Sees each chunk's bytes after the read; null for none. */
    private final GuardedObserver observer;
    private final BadSectors badSectors;
    private final long totalBytes;
    private final int chunkBytes;
    private final long chunkCount;
    /** The parts of the region copied (all of it unless the job was given extents). */
    private final Extents extents;

    private final Semaphore inFlightPermits;
    private final WriteSequencer[] sequencers;
    private final JobTally tally;
    private final CompletableFuture<JobResult> completion = new CompletableFuture<>();

    private volatile boolean cancelRequested;
    /** No new chunk may start: an error under the stop-on-error rule, or every destination failed. */
    private volatile boolean stopped;

    // Guarded by this.
    private long chunksIssued;
    private int chunksInFlight;
    private boolean issuerDone;
    private boolean finishing;

    KcopydJob(KcopydClient client, IoRegion source, List<IoRegion> dests, Set<KcopydFlag> flags,
            KcopydNotify notify, ProgressListener listener, ChunkObserver observer, Extents extents) {
        this.client = client;
        this.source = source;
        this.dests = dests;
        this.writeSeq = flags.contains(KcopydFlag.WRITE_SEQ);
        this.ignoreErrors = flags.contains(KcopydFlag.IGNORE_ERROR) && !writeSeq;
        this.dropFailed = flags.contains(KcopydFlag.DROP_FAILED_DESTINATIONS);
        this.notify = notify;
        this.listener = new GuardedListener(listener);
        this.observer = source != null && observer != null ? new GuardedObserver(observer, this::chunkDone) : null;
        this.badSectors = source != null ? new BadSectors(source, client.zeroes()) : null;
        this.extents = extents != null ? extents : Extents.whole(dests.get(0).count());
        this.totalBytes = this.extents.bytes();
        this.chunkBytes = client.config().chunkBytes();
        this.chunkCount = ChunkPlan.count(this.extents, chunkBytes);
        this.inFlightPermits = new Semaphore(client.config().maxChunksInFlight());
        this.tally = new JobTally(dests.size());
        this.sequencers = writeSeq ? new WriteSequencer[dests.size()] : null;
        if (writeSeq) {
            for (int i = 0; i < sequencers.length; i++) {
                sequencers[i] = new WriteSequencer(client.io());
            }
        }
    }

    // ---- the handle -------------------------------------------------------------------------

    /**
     * Stops issuing chunks; chunks in flight finish, destinations are flushed, and the callback
     * reports {@code cancelled} with the bytes done. Returns at once.
     */
    public void cancel() {
        cancelRequested = true;
    }

    /** The parts of the region this job copies. */
    public Extents extents() {
        return extents;
    }

    /** A snapshot of the job's progress (of the bytes in its extents). */
    public JobProgress progress() {
        return tally.progress(totalBytes);
    }

    public long totalBytes() {
        return totalBytes;
    }

    public int destinationCount() {
        return dests.size();
    }

    public boolean isDone() {
        return completion.isDone();
    }

    /** Completes with the result after the callback has returned. */
    public CompletionStage<JobResult> completion() {
        return completion.minimalCompletionStage();
    }

    /**
     * Waits for the job and its callback.
     *
     * @throws IllegalStateException on one of the client's own threads, where it would deadlock
     */
    public JobResult await() throws InterruptedException {
        checkMayWait();
        try {
            return completion.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("job failed inside the engine", e.getCause());
        }
    }

    /** As {@link #await()}, giving up after the timeout. */
    public JobResult await(long timeout, TimeUnit unit) throws InterruptedException, TimeoutException {
        checkMayWait();
        try {
            return completion.get(timeout, unit);
        } catch (ExecutionException e) {
            throw new IllegalStateException("job failed inside the engine", e.getCause());
        }
    }

    private void checkMayWait() {
        if (client.isEngineThread()) {
            throw new IllegalStateException("waiting for a job on one of its client's own threads (a callback or"
                    + " progress listener) would deadlock: the completion runs on that same thread");
        }
    }

    // ---- 1. issuing chunks ------------------------------------------------------------------

    private boolean shouldStopIssuing() {
        return stopped || cancelRequested;
    }

    void issue() {
        try {
            ChunkPlan plan = new ChunkPlan(extents, chunkBytes);
            for (long index = 0; plan.hasNext() && !shouldStopIssuing(); index++, plan.advance()) {
                if (!acquireInFlightPermit()) {
                    break;
                }
                ByteBuffer buffer = source != null ? client.pages().acquire(this::shouldStopIssuing) : client.zeroes();
                if (buffer == null) {
                    inFlightPermits.release();
                    break;
                }
                long offset = plan.offset();
                int length = plan.length();
                client.throttleControl().acquire(length, this::shouldStopIssuing);
                if (shouldStopIssuing()) {
                    if (source != null) {
                        client.pages().release(buffer);
                    }
                    inFlightPermits.release();
                    break;
                }
                buffer.limit(length);
                Chunk chunk = new Chunk(index, offset, length, buffer, source != null);
                synchronized (this) {
                    chunksIssued++;
                    chunksInFlight++;
                }
                if (source != null) {
                    client.io().execute(() -> read(chunk));
                } else {
                    listener.bytesRead(tally.read(length));
                    dispatchWrites(chunk);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelRequested = true;
        } catch (RuntimeException | Error e) {
            LOG.error("kcopyd job stopped issuing after an internal error", e);
            stopped = true;
        } finally {
            synchronized (this) {
                issuerDone = true;
                maybeFinish();
            }
        }
    }

    private boolean acquireInFlightPermit() throws InterruptedException {
        while (!inFlightPermits.tryAcquire(POLL_MS, TimeUnit.MILLISECONDS)) {
            if (shouldStopIssuing()) {
                return false;
            }
        }
        return true;
    }

    // ---- 2. reading -------------------------------------------------------------------------

    private void read(Chunk chunk) {
        try {
            source.device().read(chunk.view(), source.byteOffset() + chunk.offset);
        } catch (UnskippableReadException e) {
            // a stream source: no sectors to narrow to, nothing IGNORE_ERROR may skip
            LOG.warn("source {} failed: {}", source.device().name(), e.getMessage());
            tally.readFailed(List.of());
            chunk.skipWrite = true;
            stopped = true;
        } catch (IOException | RuntimeException e) {
            List<SectorRange> bad = badSectors.find(chunk);
            if (!bad.isEmpty()) {
                LOG.warn("unreadable source sectors {} on {}: {}", bad, source.device().name(), e.toString());
                tally.readFailed(bad);
                if (!ignoreErrors) {
                    chunk.skipWrite = true;
                    stopped = true;
                }
                for (SectorRange r : bad) {
                    listener.unreadable(r);
                }
            }
        }
        if (observer != null) {
            observer.chunkRead(chunk); // holds the chunk's pages until the observer gives it back
        }
        listener.bytesRead(tally.read(chunk.length));
        dispatchWrites(chunk);
    }

    // ---- 3. handing a chunk to the destinations ---------------------------------------------

    private void dispatchWrites(Chunk chunk) {
        if (writeSeq) {
            // Every issued chunk passes every sequencer, written or not, so none waits for an
            // index that never comes (the kernel's WRITE_SEQ can hang there).
            chunk.pendingWrites.set(dests.size());
            for (int d = 0; d < dests.size(); d++) {
                int dest = d;
                sequencers[d].submit(chunk.index, () -> write(chunk, dest));
            }
            return;
        }
        long live = tally.live();
        if (chunk.skipWrite || live == 0) {
            chunkDone(chunk);
            return;
        }
        chunk.pendingWrites.set(Long.bitCount(live));
        for (int d = 0; d < dests.size(); d++) {
            if ((live & (1L << d)) != 0) {
                int dest = d;
                client.io().execute(() -> write(chunk, dest));
            }
        }
    }

    // ---- 4. writing -------------------------------------------------------------------------

    private void write(Chunk chunk, int dest) {
        try {
            if (!chunk.skipWrite && !tally.failed(dest)) {
                IoRegion region = dests.get(dest);
                region.device().write(chunk.view(), region.byteOffset() + chunk.offset);
                listener.bytesWritten(dest, tally.written(dest, chunk.length));
            }
        } catch (IOException | RuntimeException e) {
            destinationFailed(dest, e);
        } finally {
            if (chunk.pendingWrites.decrementAndGet() == 0) {
                chunkDone(chunk);
            }
        }
    }

    private void destinationFailed(int dest, Exception e) {
        if (!tally.fail(dest, e)) {
            return; // failed before: its first error stands
        }
        LOG.warn("destination {} ({}) failed: {}", dest, dests.get(dest), e.toString());
        listener.destinationFailed(dest, e);
        if (!dropFailed || tally.allFailed()) {
            stopped = true;
        }
    }

    // ---- 5. a chunk is done -----------------------------------------------------------------

    private void chunkDone(Chunk chunk) {
        if (chunk.holds.decrementAndGet() > 0) {
            return; // the writes or the observer still have it
        }
        if (chunk.ownsPages) {
            client.pages().release(chunk.buffer);
        }
        inFlightPermits.release();
        synchronized (this) {
            chunksInFlight--;
            maybeFinish();
        }
    }

    private void maybeFinish() {
        assert Thread.holdsLock(this);
        if (issuerDone && chunksInFlight == 0 && !finishing) {
            finishing = true;
            client.io().execute(this::finish);
        }
    }

    // ---- 6. flush and complete --------------------------------------------------------------

    private void finish() {
        if (totalBytes > 0) {
            Flushes.flushAll(dests, tally::failed, this::destinationFailed, client.io());
        }
        boolean cancelled;
        synchronized (this) {
            cancelled = cancelRequested && chunksIssued < chunkCount;
        }
        JobResult result = tally.result(cancelled);
        client.callbacks().execute(() -> {
            try {
                notify.complete(result.readError(), result.writeErrorBits(), result);
            } catch (RuntimeException | Error e) {
                LOG.error("kcopyd completion callback threw", e);
            } finally {
                completion.complete(result);
                client.jobFinished();
            }
        });
    }

    @Override
    public String toString() {
        return (source != null ? "copy " + source : "zero") + " -> " + dests;
    }
}
