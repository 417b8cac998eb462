package org.kclone.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kcopyd client: a fixed budget of 4 KiB pages, the threads that do the I/O, and one callback
 * thread on which every completion of this client runs, one at a time.
 *
 * <pre>{@code
 * KcopydClient kc = KcopydClient.create(512);                 // kcopyd_client_create
 * KcopydJob job = kc.copy(from, List.of(to1, to2),            // kcopyd_copy
 *         EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS),
 *         (readErr, writeErr, result) -> ...);
 * kc.destroy();                                               // kcopyd_client_destroy
 * }</pre>
 */
public final class KcopydClient {

    /** The engine's page size. */
    public static final int PAGE_SIZE = 4096;
    /** Destinations per job: the write-error bit set is a {@code long}. The kernel stops at 8. */
    public static final int MAX_DESTINATIONS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(KcopydClient.class);
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final ThreadLocal<KcopydClient> OWNER = new ThreadLocal<>();

    private final int id = IDS.incrementAndGet();
    private final KcopydConfig config;
    private final PagePool pages;
    private final ByteBuffer zeroes;
    private final Throttle throttle;
    private final ExecutorService io;
    private final ExecutorService callbacks;

    private final Object jobsLock = new Object();
    private int activeJobs;
    private boolean destroyed;

    private KcopydClient(int numPages, KcopydConfig config, Throttle throttle) {
        this.config = config;
        this.throttle = throttle;
        this.pages = new PagePool(numPages, config.pagesPerChunk());
        this.zeroes = ByteBuffer.allocateDirect(config.chunkBytes() + PAGE_SIZE)
                .alignedSlice(PAGE_SIZE).limit(config.chunkBytes()).slice().asReadOnlyBuffer();
        // I/O threads are made on demand: one job may have (chunks in flight) x (destinations)
        // transfers going at once, each blocking in a positional read or write.
        this.io = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), threads("io"));
        this.callbacks = Executors.newSingleThreadExecutor(threads("notify"));
    }

    /** {@code kcopyd_client_create} with the default chunk size and depth. */
    public static KcopydClient create(int numPages) {
        return create(numPages, KcopydConfig.DEFAULT);
    }

    /**
     * Creates a client owning {@code numPages} 4 KiB pages. Every copy buffer of its jobs comes
     * from these pages; a job waits for free pages rather than allocating more.
     *
     * @throws IllegalArgumentException if the budget cannot hold one chunk
     */
    public static KcopydClient create(int numPages, KcopydConfig config) {
        return create(numPages, config, new Throttle());
    }

    /** As {@link #create(int, KcopydConfig)} with the bandwidth cap on the given throttle (tests: simulated time). */
    static KcopydClient create(int numPages, KcopydConfig config, Throttle throttle) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(throttle, "throttle");
        if (numPages < config.pagesPerChunk()) {
            throw new IllegalArgumentException("a page budget of " + numPages + " pages (" + numPages * 4L
                    + " KiB) is smaller than one chunk of " + config.chunkBytes() / 1024 + " KiB ("
                    + config.pagesPerChunk() + " pages): give at least " + config.pagesPerChunk()
                    + " pages or a smaller chunk size");
        }
        return new KcopydClient(numPages, config, throttle);
    }

    /** {@code kcopyd_copy}: copies {@code from} to every region of {@code dests}. */
    public KcopydJob copy(IoRegion from, List<IoRegion> dests, Set<KcopydFlag> flags, KcopydNotify notify) {
        return copy(from, dests, flags, notify, ProgressListener.NONE);
    }

    /** {@code kcopyd_copy} with a progress listener. */
    public KcopydJob copy(IoRegion from, List<IoRegion> dests, Set<KcopydFlag> flags, KcopydNotify notify,
            ProgressListener listener) {
        return copy(from, dests, flags, notify, listener, null);
    }

    /**
     * {@code kcopyd_copy} with a progress listener and an observer that sees every chunk's bytes as
     * they are read (null: none); each chunk's pages are held until the observer gives it back.
     */
    public KcopydJob copy(IoRegion from, List<IoRegion> dests, Set<KcopydFlag> flags, KcopydNotify notify,
            ProgressListener listener, ChunkObserver observer) {
        Objects.requireNonNull(from, "from");
        return submit(from, dests, flags, notify, listener, observer, null);
    }

    /**
     * {@code kcopyd_copy} of only {@code extents} of the regions (sector ranges relative to each
     * region's start; the same on every destination): one job, its chunks ascending and never
     * crossing a gap; nothing between the extents is read or written. Progress and
     * {@link JobResult#bytesCopied()} count the extents' bytes; the observer's offsets stay
     * relative to the region's start.
     */
    public KcopydJob copy(IoRegion from, List<IoRegion> dests, Extents extents, Set<KcopydFlag> flags,
            KcopydNotify notify, ProgressListener listener, ChunkObserver observer) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(extents, "extents");
        if (extents.end() > from.count()) {
            throw new IllegalArgumentException("extents end at sector " + extents.end() + ", beyond the region "
                    + from + " (" + from.count() + " sectors)");
        }
        return submit(from, dests, flags, notify, listener, observer, extents);
    }

    /** {@code kcopyd_zero}: writes zeros to every region of {@code dests}. Needs no pages. */
    public KcopydJob zero(List<IoRegion> dests, Set<KcopydFlag> flags, KcopydNotify notify) {
        return zero(dests, flags, notify, ProgressListener.NONE);
    }

    /** {@code kcopyd_zero} with a progress listener. */
    public KcopydJob zero(List<IoRegion> dests, Set<KcopydFlag> flags, KcopydNotify notify,
            ProgressListener listener) {
        return submit(null, dests, flags, notify, listener, null, null);
    }

    private KcopydJob submit(IoRegion from, List<IoRegion> dests, Set<KcopydFlag> flags, KcopydNotify notify,
            ProgressListener listener, ChunkObserver observer, Extents extents) {
        Objects.requireNonNull(dests, "dests");
        Objects.requireNonNull(notify, "notify");
        Objects.requireNonNull(listener, "listener");
        Set<KcopydFlag> f = flags == null || flags.isEmpty() ? EnumSet.noneOf(KcopydFlag.class) : EnumSet.copyOf(flags);
        List<IoRegion> to = List.copyOf(dests);
        validate(from, to);
        KcopydJob job = new KcopydJob(this, from, to, f, notify, listener, observer, extents);
        synchronized (jobsLock) {
            if (destroyed) {
                throw new IllegalStateException("kcopyd client " + id + " has been destroyed: no new jobs");
            }
            activeJobs++;
        }
        io.execute(job::issue);
        return job;
    }

    private void validate(IoRegion from, List<IoRegion> dests) {
        synchronized (jobsLock) {
            if (destroyed) {
                throw new IllegalStateException("kcopyd client " + id + " has been destroyed: no new jobs");
            }
        }
        if (dests.isEmpty()) {
            throw new IllegalArgumentException("a job needs at least one destination region, got none");
        }
        if (dests.size() > MAX_DESTINATIONS) {
            throw new IllegalArgumentException("a job takes at most " + MAX_DESTINATIONS + " destinations, got "
                    + dests.size());
        }
        long count = from != null ? from.count() : dests.get(0).count();
        if (from != null) {
            checkWithinDevice("source", from);
        }
        for (int i = 0; i < dests.size(); i++) {
            IoRegion d = Objects.requireNonNull(dests.get(i), "destination " + i);
            if (d.count() != count) {
                throw new IllegalArgumentException("destination " + i + " (" + d + ") has " + d.count()
                        + " sectors but the " + (from != null ? "source has " : "first destination has ") + count
                        + ": every destination must be exactly as long as the source");
            }
            checkWithinDevice("destination " + i, d);
        }
    }

    private static void checkWithinDevice(String what, IoRegion r) {
        long deviceSectors;
        try {
            deviceSectors = r.device().size() / IoRegion.SECTOR_SIZE;
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": cannot read the size of " + r.device().name(), e);
        }
        if (r.endSector() > deviceSectors) {
            throw new IllegalArgumentException(what + " " + r + " ends at sector " + r.endSector()
                    + ", beyond the end of " + r.device().name() + " (" + deviceSectors + " sectors)");
        }
    }

    /**
     * Caps the bandwidth of all this client's jobs together, in bytes per second (0: no limit).
     * Takes effect at once, also for running jobs.
     */
    public void setThrottle(long bytesPerSecond) {
        throttle.setBytesPerSecond(bytesPerSecond);
    }

    public long throttle() {
        return throttle.bytesPerSecond();
    }

    /**
     * {@code kcopyd_client_destroy}: waits until every job of this client has completed (its
     * callback has returned), then stops the threads, waits until they have ended, and frees the
     * pages. Idempotent.
     *
     * @throws IllegalStateException when called from this client's own callback or I/O thread,
     *     where waiting would deadlock
     */
    public void destroy() {
        if (isEngineThread()) {
            throw new IllegalStateException("destroy() called from kcopyd client " + id
                    + "'s own thread (a callback or progress listener): it would wait for itself forever;"
                    + " call it from another thread");
        }
        boolean interrupted = false;
        synchronized (jobsLock) {
            if (destroyed && activeJobs == 0 && io.isShutdown()) {
                return;
            }
            destroyed = true;
            while (activeJobs > 0) {
                try {
                    jobsLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        io.shutdown();
        callbacks.shutdown();
        // Every job has completed, so no task is left: the threads end at once. Waiting for them
        // means no thread of this client outlives destroy().
        interrupted |= !awaitTermination(io) | !awaitTermination(callbacks);
        pages.free();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("kcopyd client {} destroyed", id);
    }

    /** False if interrupted while waiting (the wait is then given up; the threads still end). */
    private static boolean awaitTermination(ExecutorService threads) {
        try {
            while (!threads.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("kcopyd threads still running a minute after destroy(): {}", threads);
            }
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Whether every thread of this client has ended (true once destroy() has returned). */
    boolean terminated() {
        return io.isTerminated() && callbacks.isTerminated();
    }

    /** The number in this client's thread names ({@code kcopyd-ID-io-N}). */
    int id() {
        return id;
    }

    /** Pages in use by chunks right now. */
    public int pagesInUse() {
        return pages.pagesInUse();
    }

    /** The most pages ever in use at once. */
    public int maxPagesInUse() {
        return pages.maxPagesInUse();
    }

    public int numPages() {
        return pages.totalPages();
    }

    public KcopydConfig config() {
        return config;
    }

    /** Whether the calling thread is one of this client's own (I/O or callback). */
    boolean isEngineThread() {
        return OWNER.get() == this;
    }

    PagePool pages() {
        return pages;
    }

    ByteBuffer zeroes() {
        return zeroes.duplicate();
    }

    Throttle throttleControl() {
        return throttle;
    }

    ExecutorService io() {
        return io;
    }

    ExecutorService callbacks() {
        return callbacks;
    }

    void jobFinished() {
        synchronized (jobsLock) {
            activeJobs--;
            jobsLock.notifyAll();
        }
    }

    private ThreadFactory threads(String role) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(() -> {
                OWNER.set(this);
                r.run();
            }, "kcopyd-" + id + "-" + role + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> LOG.error("uncaught in {}", th.getName(), e));
            return t;
        };
    }

    @Override
    public String toString() {
        return "KcopydClient[" + id + ", " + pages.totalPages() + " pages, " + config + "]";
    }
}
