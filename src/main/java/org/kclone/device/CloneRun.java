package org.kclone.device;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.kclone.engine.JobResult;
import org.kclone.engine.KcopydClient;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.engine.KcopydJob;
import org.kclone.engine.SectorRange;
import org.kclone.device.probe.ProbeMode;
import org.kclone.device.resume.JobMap;
import org.kclone.device.used.UsedCopy;

/**
 * One planned copy or zero, run through the engine and optionally verified, ending in a
 * {@link Report}. Both faces use it: the CLI prints from it, the window polls it. Its state is
 * read with cheap calls from any thread; nothing here is pushed per chunk.
 */
public final class CloneRun {

    /** Where the run is. */
    public enum Phase { COPYING, VERIFYING, DONE }

    /**
     * A destination's status when verification was asked for but did not finish (cancelled): its
     * data was written and flushed but not all of it was read back. The report's exit code is 1.
     */
    public static final String UNVERIFIED = "unverified";

    /** A destination's status when the job was cancelled before it had everything: partly overwritten. */
    public static final String CANCELLED = "cancelled";

    /**
     * Told on the run's own thread (keep it short, do not block): when the copy has ended
     * (written and flushed, or stopped), when verification starts, and after each window read
     * back. The CLI uses it to say "verifying" at once; tests use it to cancel at an exact point.
     */
    public interface Listener {
        /** Destinations are about to be probed for fake capacity (a few seconds; told only when some are). */
        default void probing(List<String> destinations) {
        }

        /** The engine job has ended; verification, if asked for, has not started. */
        default void copied(CloneRun run) {
        }

        /** Verification starts now: {@link #phase()} is {@link Phase#VERIFYING}. */
        default void verifying(CloneRun run) {
        }

        /** {@code bytes} of every destination being verified have been read back and compared. */
        default void verified(CloneRun run, long bytes) {
        }
    }

    /**
     * How to run: engine tuning, flags, whether to read back, and with {@code growLast} whether a
     * GPT fitted to a larger destination also gets its last partition grown ({@link GptStep}).
     */
    public record Settings(int pages, KcopydConfig config, long bytesPerSecond, Set<KcopydFlag> flags,
            boolean verify, ProbeMode probe, boolean growLast, JobMap map, boolean usedOnly, boolean wipeFree) {
        /** Without a map (--map): the job cannot be resumed. */
        public Settings(int pages, KcopydConfig config, long bytesPerSecond, Set<KcopydFlag> flags, boolean verify,
                ProbeMode probe, boolean growLast) {
            this(pages, config, bytesPerSecond, flags, verify, probe, growLast, null, false, false);
        }

        /** Every sector copied (no --used-only), with a map or none. */
        public Settings(int pages, KcopydConfig config, long bytesPerSecond, Set<KcopydFlag> flags, boolean verify,
                ProbeMode probe, boolean growLast, JobMap map) {
            this(pages, config, bytesPerSecond, flags, verify, probe, growLast, map, false, false);
        }

        /** These settings with a map that records the job and resumes it ({@link JobMap}). */
        public Settings withMap(JobMap m) {
            return new Settings(pages, config, bytesPerSecond, flags, verify, probe, growLast, m, usedOnly, wipeFree);
        }

        /** These settings copying only the blocks file systems use ({@code --used-only}, {@link UsedCopy}). */
        public Settings usedOnly(boolean wipeFreeSpace) {
            return withUsedOnly(true, wipeFreeSpace);
        }

        /** These settings with --used-only and --wipe-free as given. */
        public Settings withUsedOnly(boolean used, boolean wipeFreeSpace) {
            return new Settings(pages, config, bytesPerSecond, flags, verify, probe, growLast, map, used,
                    used && wipeFreeSpace);
        }

        /** Without --grow-last. */
        public Settings(int pages, KcopydConfig config, long bytesPerSecond, Set<KcopydFlag> flags, boolean verify,
                ProbeMode probe) {
            this(pages, config, bytesPerSecond, flags, verify, probe, false);
        }

        /** Without probing for fake capacity. */
        public Settings(int pages, KcopydConfig config, long bytesPerSecond, Set<KcopydFlag> flags, boolean verify) {
            this(pages, config, bytesPerSecond, flags, verify, ProbeMode.OFF);
        }
    }

    private final CopyPlanner.Plan plan;
    private final OpenedPlan opened;
    private final KcopydClient client;
    /** False for a client shared with other runs ({@link #startShared}): this run neither creates nor destroys it. */
    private final boolean ownsClient;
    /** Null while the destinations are probed (the job starts on the run's thread after that). */
    private volatile KcopydJob job;
    private final Settings settings;
    /** What the job writes (all, --used-only's extents, a map's missing part), its hasher; the map (--map). */
    private final JobSetup setup;
    private final boolean verify;
    private final Listener events;
    private final LongSupplier clock;
    private final long started;
    /** The engine's bad news so far: unreadable source sectors, failed destinations. */
    private final RunProblems problems;
    /** A GPT copied to a larger disk, fitted to it after the copy. */
    private final GptStep gpt;
    /** The read-back after the copy (--verify), and how far it is. */
    private final VerifyPhase check;
    private final CompletableFuture<Report> report = new CompletableFuture<>();
    private volatile Phase phase = Phase.COPYING;
    private volatile boolean cancelled;
    /** The fake-capacity probe before the copy, and the destinations it refused. */
    private final DestinationProbe probe;

    /** Whether the destinations are being probed for fake capacity right now (nothing copied yet). */
    public boolean probing() {
        return probe.probing();
    }

    /** Makes the engine client for a run's settings (the seam where tests keep hold of it). */
    interface Clients {
        KcopydClient create(Settings settings) throws RefusedException;
    }

    private CloneRun(OpenedPlan opened, Settings settings, Listener events, Clients clients, LongSupplier clock)
            throws RefusedException {
        this.plan = opened.plan();
        this.opened = opened;
        this.verify = settings.verify() && plan.source() != null;
        this.events = events;
        this.clock = clock;
        this.started = clock.getAsLong();
        this.problems = new RunProblems(plan.destinations().size());
        this.gpt = new GptStep(plan, settings.growLast());
        this.check = new VerifyPhase(opened);
        this.probe = new DestinationProbe(opened);
        // before the job (its extents are the job's); refused here, nothing written, when the devices are not the map's
        this.setup = new JobSetup(opened, settings, verify);
        this.client = clients.create(settings);
        this.ownsClient = !(clients instanceof SharedClient);
        try {
            client.setThrottle(settings.bytesPerSecond());
            this.settings = settings;
            // a resumed job reads the source's copied part again first: on the run's thread, not the caller's
            if (plan.destinations().stream().noneMatch(settings.probe()::applies) && !setup.resuming()) {
                this.job = startJob(); // nothing to probe: started here, so a job that cannot start is refused here
            }
        } catch (RuntimeException | Error e) {
            if (ownsClient) {
                client.destroy();
            }
            throw e;
        }
        Thread t = new Thread(this::finish, "kclone-run");
        t.setDaemon(true);
        t.start();
    }

    /** The engine client, or a refusal naming --pages when its page budget cannot be had. */
    static KcopydClient newClient(Settings settings) throws RefusedException {
        try {
            return KcopydClient.create(settings.pages(), settings.config());
        } catch (OutOfMemoryError | IllegalArgumentException e) {
            throw new RefusedException("--pages", "the copy engine cannot start with a budget of " + settings.pages()
                    + " pages (" + Sizes.human(settings.pages() * 4096L) + "): " + RunReport.message(e)
                    + "; nothing was written");
        }
    }

    private KcopydJob startJob() {
        return setup.start(client, settings.flags(), probe.failures(), problems, () -> cancelled);
    }

    /**
     * Opens the plan's devices and starts. Nothing is written before this; a device that cannot be
     * opened is refused here, naming its argument.
     */
    public static CloneRun start(CopyPlanner.Plan plan, Settings settings) throws RefusedException {
        return start(plan, settings, new Listener() { });
    }

    /**
     * {@link #start(CopyPlanner.Plan, Settings)} with a listener told of the run's steps. When the
     * engine cannot be set up (a page budget that cannot be had, a budget smaller than one chunk)
     * the run is refused naming {@code --pages}, and an image file this run created is removed:
     * a run that never started leaves nothing behind that looks like a finished copy.
     */
    public static CloneRun start(CopyPlanner.Plan plan, Settings settings, Listener listener)
            throws RefusedException {
        return start(plan, DeviceOpener.BY_PATH, settings, listener);
    }

    /** As {@link #start(CopyPlanner.Plan, Settings, Listener)}, the devices opened by {@code opener}. */
    public static CloneRun start(CopyPlanner.Plan plan, DeviceOpener opener, Settings settings, Listener listener)
            throws RefusedException {
        return start(OpenedPlan.open(plan, opener), settings, listener, CloneRun::newClient, System::nanoTime);
    }

    /**
     * As {@link #start(CopyPlanner.Plan, DeviceOpener, Settings, Listener)}, on {@code shared}, an engine
     * client other runs use at the same time (their page budget is one; {@link Settings#pages()} is
     * not used). The run neither creates nor destroys it; its throttle is set to this run's rate.
     */
    public static CloneRun startShared(CopyPlanner.Plan plan, DeviceOpener opener, Settings settings,
            Listener listener, KcopydClient shared) throws RefusedException {
        return start(OpenedPlan.open(plan, opener), settings, listener, new SharedClient(shared), System::nanoTime);
    }

    /** Hands out a client the run must not destroy. */
    private record SharedClient(KcopydClient client) implements Clients {
        @Override
        public KcopydClient create(Settings settings) {
            return client;
        }
    }

    /**
     * Starts on devices already opened ({@link OpenedPlan#of}: tests hand in devices that fail), with
     * the engine client made by {@code clients} and the report's seconds taken from {@code clock}
     * (nanoseconds, as {@link System#nanoTime()}). When it cannot start, {@code opened} is discarded.
     */
    static CloneRun start(OpenedPlan opened, Settings settings, Listener listener, Clients clients,
            LongSupplier clock) throws RefusedException {
        try {
            return new CloneRun(opened, settings, listener, clients, clock);
        } catch (RefusedException | RuntimeException | Error e) {
            opened.discard();
            if (settings.map() != null) {
                settings.map().discard(); // a new job's map goes with its new images
            }
            throw e;
        }
    }

    /** On the run's thread: probe (seconds, not in the caller's way: the window's FX thread), then copy. */
    private KcopydJob probeThenStart() {
        if (job != null) {
            return job;
        }
        // a resumed job is not probed: the markers would land on what was copied, which this run does not write again
        probe.run(setup.resuming() ? ProbeMode.OFF : settings.probe(), events::probing);
        KcopydJob j = startJob();
        job = j;
        if (cancelled) {
            j.cancel(); // cancelled while probing: the job stops at once and the report says so
        }
        return j;
    }

    private void finish() {
        Report done = null;
        Throwable failure = null;
        try {
            KcopydJob job = probeThenStart();
            JobResult result = job.await();
            long[] written = setup.ended(job, result, cancelled, gpt); // --wipe-free, the GPT fitted, the map told
            events.copied(this);
            check.run(verify, result, written, setup, gpt, () -> cancelled, () -> {
                phase = Phase.VERIFYING;
                events.verifying(this);
            }, b -> events.verified(this, b));
            sourceGone = result.readError() && !result.cancelled() && !RunReport.sourceAnswers(opened.sourceRegion(), result.unreadable());
            done = report(result, written);
            opened.images().writeSidecars(plan, done.destinations()); // after the flush, for complete images only
        } catch (Throwable t) {
            failure = t;
        }
        // The report is given out only once the run is over: pages freed, devices closed, their
        // claims released, so whoever acts on it (another run on the same disk) finds them free.
        try {
            if (ownsClient) {
                client.destroy();
            }
        } catch (RuntimeException e) {
            failure = failure != null ? failure : e;
        }
        if (setup.hasher() != null) {
            setup.hasher().close();
        }
        try {
            opened.close();
        } catch (IOException e) {
            // closing after the flush: the data is already durable
        }
        if (setup.map() != null) {
            setup.map().close();
        }
        phase = Phase.DONE;
        if (failure != null) {
            report.completeExceptionally(failure);
        } else {
            report.complete(done);
        }
    }

    /** Cancels: writes in flight finish, destinations are flushed; verification stops. */
    public void cancel() {
        cancelled = true;
        KcopydJob j = job;
        if (j != null) {
            j.cancel();
        }
    }

    public Phase phase() {
        return phase;
    }

    /** Bytes each destination gets: its region's, or with --used-only (once planned) the extents' bytes. */
    public long totalBytes() {
        KcopydJob j = job;
        // a resumed job's engine copies the rest only; written() counts what earlier runs did, so does this
        return j != null ? setup.totalBytes(j) : opened.destinationRegions().get(0).byteLength();
    }

    /** With --used-only, what is copied and skipped (null otherwise). */
    public UsedCopy usedCopy() {
        return setup.used();
    }

    /** Bytes each destination had from the earlier runs of a resumed job (in {@link #written()}); 0 otherwise. */
    public long copiedBefore() {
        return setup.copiedBefore();
    }

    /** Bytes written to each destination so far (none while probing). */
    public long[] written() {
        KcopydJob j = job;
        long[] w = j != null ? j.progress().bytesWritten() : new long[plan.destinations().size()];
        return setup.written(w);
    }

    /** Whether destination {@code i} is being (or was) read back; false until verification starts. */
    public boolean isVerifying(int i) {
        return check.isVerifying(i);
    }

    /** Bytes verified so far (every destination being verified moves together). */
    public long verifiedBytes() {
        return check.verifiedBytes();
    }

    /** Source sectors found unreadable so far. */
    public List<SectorRange> unreadableSoFar() {
        return problems.unreadableSoFar();
    }

    /** The error of destination {@code i} if it failed so far, else null. */
    public String error(int i) {
        return problems.error(i);
    }

    public CopyPlanner.Plan plan() {
        return plan;
    }

    public boolean isDone() {
        return report.isDone();
    }

    /** Waits for the end (flushed, verified) and returns the report. */
    public Report await() throws InterruptedException {
        try {
            return report.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the run failed inside: " + e.getCause().getMessage(), e.getCause());
        }
    }

    public CompletableFuture<Report> completion() {
        return report.copy();
    }

    /** Set after a read error when the source no longer reads even the first sector of its region. */
    private volatile boolean sourceGone;

    private Report report(JobResult result, long[] written) {
        // the job and the verifier stop early only when cancel() has set this (nobody else can reach them)
        return RunReport.assemble(new RunReport.Facts(plan, opened.images().sourceFailure(), result, written,
                check.toCheck(), check.checked(), check.verifiedBytes(), sourceGone, check.destSha256(), gpt,
                setup.used(), setup.map(), setup.hasher(), cancelled, (clock.getAsLong() - started) / 1e9));
    }
}
