package org.kclone.device;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import org.kclone.engine.IoRegion;
import org.kclone.engine.JobResult;
import org.kclone.engine.KcopydClient;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.engine.KcopydJob;
import org.kclone.engine.ProgressListener;
import org.kclone.engine.SectorRange;
import org.kclone.device.probe.ProbeMode;
import org.kclone.device.probe.Probes;
import org.kclone.device.resume.JobMap;
import org.kclone.device.verify.DigestVerifier;
import org.kclone.device.verify.SourceHasher;

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
            boolean verify, ProbeMode probe, boolean growLast, JobMap map) {
        /** Without a map (--map): the job cannot be resumed. */
        public Settings(int pages, KcopydConfig config, long bytesPerSecond, Set<KcopydFlag> flags, boolean verify,
                ProbeMode probe, boolean growLast) {
            this(pages, config, bytesPerSecond, flags, verify, probe, growLast, null);
        }

        /** These settings with a map that records the job and resumes it ({@link JobMap}). */
        public Settings withMap(JobMap m) {
            return new Settings(pages, config, bytesPerSecond, flags, verify, probe, growLast, m);
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
    /** Records what the destinations durably received and where a resumed job starts (--map); or null. */
    private final JobMap map;
    private final boolean verify;
    private final Listener events;
    private final LongSupplier clock;
    private final long started;
    private final List<SectorRange> unreadable = new ArrayList<>();
    /** Joined once per (rare) bad range, not on every poll. */
    private volatile List<SectorRange> unreadableJoined = List.of();
    private final AtomicReferenceArray<String> errors;
    /** A GPT copied to a larger disk, fitted to it after the copy. */
    private final GptStep gpt;
    private final AtomicLong verified = new AtomicLong();
    private final CompletableFuture<Report> report = new CompletableFuture<>();
    private volatile Phase phase = Phase.COPYING;
    private volatile boolean cancelled;
    /** Destinations being read back (all false until verification starts). */
    private volatile boolean[] verifying;
    /** True while destinations are probed for fake capacity (before the first byte is copied). */
    private volatile boolean probing;

    /** Whether the destinations are being probed for fake capacity right now (nothing copied yet). */
    public boolean probing() {
        return probing;
    }

    /** Per destination, why the fake-capacity probe refused it, or null. */
    private final String[] probeFailures;
    /** Hashes the source as it is copied (SHA-256, and the digests verification compares with); null for a zero. */
    private volatile SourceHasher hasher;
    /** Per destination, the SHA-256 verification read back, or null. */
    private List<String> destSha256;

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
        this.errors = new AtomicReferenceArray<>(plan.destinations().size());
        this.gpt = new GptStep(plan, settings.growLast());
        this.verifying = new boolean[plan.destinations().size()];
        this.map = settings.map() != null && plan.source() != null ? settings.map() : null;
        if (map != null) {
            map.begin(opened); // refused here (nothing written) when the devices are not the map's
        }
        this.client = clients.create(settings);
        this.ownsClient = !(clients instanceof SharedClient);
        try {
            client.setThrottle(settings.bytesPerSecond());
            this.settings = settings;
            this.probeFailures = new String[plan.destinations().size()];
            // a resumed job reads the source's copied part again first: on the run's thread, not the caller's
            if (plan.destinations().stream().noneMatch(settings.probe()::applies)
                    && (map == null || !map.resuming())) {
                this.job = startJob(settings); // nothing to probe: started here, so a job that cannot start is refused here
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

    /** Probes the destinations {@code mode} applies to; told to the listener first. */
    private String[] probe(ProbeMode mode) {
        List<String> names = new ArrayList<>();
        for (Endpoint e : plan.destinations()) {
            if (mode.applies(e)) {
                names.add(e.path().toString());
            }
        }
        if (names.isEmpty()) {
            return new String[plan.destinations().size()];
        }
        events.probing(names);
        probing = true;
        try {
            return Probes.run(plan.destinations(), opened.destinationRegions(), mode);
        } finally {
            probing = false;
        }
    }

    /** The engine client, or a refusal naming --pages when its page budget cannot be had. */
    static KcopydClient newClient(Settings settings) throws RefusedException {
        try {
            return KcopydClient.create(settings.pages(), settings.config());
        } catch (OutOfMemoryError | IllegalArgumentException e) {
            throw new RefusedException("--pages", "the copy engine cannot start with a budget of " + settings.pages()
                    + " pages (" + Sizes.human(settings.pages() * 4096L) + "): " + message(e)
                    + "; nothing was written");
        }
    }

    private KcopydJob startJob(Settings settings) {
        ProgressListener listener = new ProgressListener() {
            @Override
            public void unreadable(long start, long count) {
                synchronized (unreadable) {
                    unreadable.add(new SectorRange(start, count));
                    unreadableJoined = SectorRange.coalesce(unreadable);
                }
            }

            @Override
            public void destinationFailed(int destination, Exception error) {
                errors.set(destination, message(error));
            }
        };
        opened.images().removeStaleSidecars(plan); // the image files' bytes change from here on
        List<IoRegion> dests = new ArrayList<>(opened.destinationRegions());
        for (int i = 0; i < dests.size(); i++) {
            if (probeFailures[i] != null) { // dropped by the engine at its first write, the others go on
                IoRegion r = dests.get(i);
                dests.set(i, new IoRegion(new Probes.Refused(r.device(), probeFailures[i]), r.sector(), r.count()));
            }
        }
        if (plan.source() == null) {
            return client.zero(dests, settings.flags(), (r, w, res) -> { }, listener);
        }
        // -Dkclone.sha256=off: the benchmark's baseline for what hashing costs (no sha256 in the report,
        // and --verify, which needs the digests, still hashes)
        boolean hashOff = !verify && "off".equals(System.getProperty("kclone.sha256"));
        hasher = hashOff ? null : new SourceHasher(opened.sourceRegion().byteLength(), plan.source().byteLength(),
                verify);
        if (map != null) { // only what is missing; the copied part read again for the hash
            hasher = map.prefill(hasher, opened.sourceRegion(), () -> cancelled);
            return client.copy(map.source(opened.sourceRegion()), map.destinations(dests), settings.flags(),
                    (r, w, res) -> { }, listener, map.observer(hasher));
        }
        return client.copy(opened.sourceRegion(), dests, settings.flags(), (r, w, res) -> { }, listener, hasher);
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
        String[] found = probe(map != null && map.resuming() ? ProbeMode.OFF : settings.probe());
        System.arraycopy(found, 0, probeFailures, 0, found.length);
        KcopydJob j = startJob(settings);
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
            long[] written = map != null ? map.written(job.progress().bytesWritten()) : job.progress().bytesWritten();
            gpt.afterCopy(opened, result, written);
            if (map != null) {
                map.ended();
            }
            events.copied(this);
            Verifier.Result checked = null;
            // Destinations that were to be read back: fully written and not failed.
            boolean[] toCheck = new boolean[written.length];
            if (verify) {
                List<IoRegion> toVerify = new ArrayList<>();
                List<Integer> index = new ArrayList<>();
                List<IoRegion> dests = opened.destinationRegions();
                for (int i = 0; i < dests.size(); i++) {
                    if (!result.failed(i) && written[i] == dests.get(i).byteLength()) {
                        toVerify.add(dests.get(i));
                        index.add(i);
                        toCheck[i] = true;
                    }
                }
                if (!toVerify.isEmpty() && !result.cancelled() && !cancelled) {
                    verifying = toCheck.clone();
                    phase = Phase.VERIFYING;
                    events.verifying(this);
                    DigestVerifier.Verified v = DigestVerifier.afterCopy(hasher, plan.source().byteLength(),
                            opened.sourceRegion(), opened.sourceRereadable(), toVerify,
                            result.unreadable(), b -> {
                                verified.set(b);
                                events.verified(this, b);
                            }, () -> cancelled);
                    checked = gpt.afterVerify(spread(v.result(), index, dests.size()), opened);
                    destSha256 = v.sha256At(index, dests.size());
                }
            }
            sourceGone = result.readError() && !result.cancelled() && !sourceAnswers(result.unreadable());
            done = report(result, written, toCheck, checked);
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
        if (hasher != null) {
            hasher.close();
        }
        try {
            opened.close();
        } catch (IOException e) {
            // closing after the flush: the data is already durable
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

    /** Bytes of each destination's region. */
    public long totalBytes() {
        return opened.destinationRegions().get(0).byteLength();
    }

    /** Bytes written to each destination so far (none while probing). */
    public long[] written() {
        KcopydJob j = job;
        long[] w = j != null ? j.progress().bytesWritten() : new long[plan.destinations().size()];
        return map != null ? map.written(w) : w;
    }

    /** Whether destination {@code i} is being (or was) read back; false until verification starts. */
    public boolean isVerifying(int i) {
        return verifying[i];
    }

    /** Bytes verified so far (every destination being verified moves together). */
    public long verifiedBytes() {
        return verified.get();
    }

    /** Source sectors found unreadable so far. */
    public List<SectorRange> unreadableSoFar() {
        return unreadableJoined;
    }

    /** The error of destination {@code i} if it failed so far, else null. */
    public String error(int i) {
        return errors.get(i);
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

    private static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** Puts verification outcomes back at their destination index (the others were not verified). */
    private static Verifier.Result spread(Verifier.Result v, List<Integer> index, int n) {
        List<Verifier.Outcome> all = new ArrayList<>(Collections.nCopies(n, null));
        for (int k = 0; k < index.size(); k++) {
            all.set(index.get(k), v.destinations().get(k));
        }
        return new Verifier.Result(all, v.unreadableSource(), v.cancelled());
    }

    /** Set after a read error when the source no longer reads even the first sector of its region. */
    private volatile boolean sourceGone;

    /**
     * Whether the source still reads the first 4 KiB block of its region that holds no sector
     * reported unreadable, past the page cache: after a read error, tells bad sectors (it does) from a
     * source that went away (a pulled stick: it does not), so the report does not suggest
     * --ignore-errors for a disk that is gone.
     */
    private boolean sourceAnswers(List<SectorRange> bad) {
        IoRegion src = opened.sourceRegion();
        long end = src.endSector() * 512;
        long at = (src.byteOffset() + 4095) / 4096 * 4096; // whole 4 KiB blocks: direct I/O, no page cache
        for (SectorRange r : bad) { // coalesced and ascending: step past each one the block touches
            if (at < (r.start() + r.count()) * 512 && r.start() * 512 < at + 4096) {
                at = ((r.start() + r.count()) * 512 + 4095) / 4096 * 4096;
            }
        }
        if (at + 4096 > end) {
            return true; // no whole readable block left to try: say only what is known
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(2 * 4096).alignedSlice(4096).limit(4096);
        try {
            src.device().read(b, at);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private Report report(JobResult result, long[] written, boolean[] toCheck, Verifier.Result verifiedResult) {
        List<Report.Destination> dests = new ArrayList<>();
        String sourceBroken = opened.images().sourceFailure();
        for (int i = 0; i < plan.destinations().size(); i++) {
            Endpoint e = plan.destinations().get(i);
            String status = "ok";
            String error = null;
            List<Report.Mismatch> mismatches = List.of();
            long needed = e.count() * Sizes.SECTOR;
            if (sourceBroken != null) {
                // a compressed stream that broke, an image that fails its checksum: nothing from it is trusted
                status = "failed";
                error = "incomplete: " + written[i] + " of " + needed + " bytes written; " + sourceBroken;
            } else if (result.failed(i)) {
                status = "failed";
                // the engine keeps every failed destination's exception (JobResult holds no nulls)
                error = message(result.destinationErrors().get(i));
            } else if (written[i] < needed) {
                // Never "ok" for a destination that did not get everything: the job stopped early
                // (cancelled: its own status, not a failure of the device; still exit code 1).
                status = result.cancelled() ? CANCELLED : "failed";
                error = "incomplete: " + written[i] + " of " + needed + " bytes written; the job stopped "
                        + (result.cancelled() ? "when it was cancelled"
                                : sourceGone ? "when the source stopped answering (it does not read even its first"
                                        + " sector now: removed, or dead?)"
                                : result.readError() ? "at a source read error (--ignore-errors goes past it)"
                                        : "at another destination's error (--strict)");
            } else if (verifiedResult != null && verifiedResult.destinations().get(i) != null) {
                Verifier.Outcome o = verifiedResult.destinations().get(i);
                if (o.error() != null) {
                    status = "failed";
                    error = "reading back for verification: " + message(o.error());
                } else if (!o.mismatches().isEmpty()) {
                    status = "mismatch";
                    mismatches = Report.Mismatch.of(o.mismatches(), e.start(), plan.source().start());
                } else if (verifiedResult.cancelled()) {
                    // Written, but not all of it read back: never "ok" when verification was asked for.
                    status = UNVERIFIED;
                    error = "verification stopped at " + verified.get() + " of " + needed
                            + " bytes when it was cancelled; the data was written and flushed";
                }
            } else if (toCheck[i]) {
                status = UNVERIFIED;
                error = "not verified: cancelled after the data was written and flushed, before verification";
            }
            String[] g = gpt.adjust(i, status, error);
            // read back to its end and compared: the verifier's two verdicts, from a pass not cancelled
            boolean compared = verifiedResult != null && !verifiedResult.cancelled()
                    && verifiedResult.destinations().get(i) != null && ("ok".equals(g[0]) || "mismatch".equals(g[0]));
            dests.add(new Report.Destination(e.path().toString(), e.start(), e.count(), g[0], g[1], mismatches,
                    destSha256 != null ? destSha256.get(i) : null, gpt.note(i), compared));
        }
        List<SectorRange> readErrors = verifiedResult != null ? verifiedResult.unreadableSource() : result.unreadable();
        // the job and the verifier stop early only when cancel() has set this (nobody else can reach them)
        boolean wasCancelled = cancelled;
        Report.Region source = plan.source() == null ? null
                : Report.Region.of(plan.source()).withSha256(readErrors.isEmpty() && hasher != null ? hasher.sha256() : null);
        double seconds = (clock.getAsLong() - started) / 1e9;
        // the engine moves whole sectors; a partial last sector (an odd-size image) was cut to the region's bytes
        long bytes = Math.min(result.bytesCopied() + (map != null ? map.resumeAt() : 0),
                plan.destinations().get(0).byteLength());
        return new Report(plan.source() != null ? "copy" : "zero", source, bytes,
                Math.round(seconds * 1000) / 1000.0, wasCancelled, Report.Range.of(readErrors), dests);
    }
}
