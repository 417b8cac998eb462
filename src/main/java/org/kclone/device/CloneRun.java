package org.kclone.device;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.kclone.engine.IoRegion;
import org.kclone.engine.JobResult;
import org.kclone.engine.KcopydClient;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.engine.KcopydJob;
import org.kclone.engine.ProgressListener;
import org.kclone.engine.SectorRange;

/**
 * One planned copy or zero, run through the engine and optionally verified, ending in a
 * {@link Report}. Both faces use it: the CLI prints from it, the window polls it. Its state is
 * read with cheap calls from any thread; nothing here is pushed per chunk.
 */
public final class CloneRun {

    /** Where the run is. */
    public enum Phase { COPYING, VERIFYING, DONE }

    /** How to run: engine tuning, flags, and whether to read back. */
    public record Settings(int pages, KcopydConfig config, long bytesPerSecond, Set<KcopydFlag> flags,
            boolean verify) {
    }

    private final CopyPlanner.Plan plan;
    private final OpenedPlan opened;
    private final KcopydClient client;
    private final KcopydJob job;
    private final boolean verify;
    private final long started = System.nanoTime();
    private final List<SectorRange> unreadable = new ArrayList<>();
    /** Joined once per (rare) bad range, not on every poll. */
    private volatile List<SectorRange> unreadableJoined = List.of();
    private final AtomicReferenceArray<String> errors;
    private final AtomicLong verified = new AtomicLong();
    private final CompletableFuture<Report> report = new CompletableFuture<>();
    private volatile Phase phase = Phase.COPYING;
    private volatile boolean cancelled;

    private CloneRun(CopyPlanner.Plan plan, OpenedPlan opened, Settings settings) {
        this.plan = plan;
        this.opened = opened;
        this.verify = settings.verify() && plan.source() != null;
        this.errors = new AtomicReferenceArray<>(plan.destinations().size());
        this.client = KcopydClient.create(settings.pages(), settings.config());
        client.setThrottle(settings.bytesPerSecond());
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
        List<IoRegion> dests = opened.destinationRegions();
        this.job = plan.source() != null
                ? client.copy(opened.sourceRegion(), dests, settings.flags(), (r, w, res) -> { }, listener)
                : client.zero(dests, settings.flags(), (r, w, res) -> { }, listener);
        Thread t = new Thread(this::finish, "kclone-run");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Opens the plan's devices and starts. Nothing is written before this; a device that cannot be
     * opened is refused here, naming its argument.
     */
    public static CloneRun start(CopyPlanner.Plan plan, Settings settings) throws RefusedException {
        OpenedPlan opened = OpenedPlan.open(plan);
        return new CloneRun(plan, opened, settings);
    }

    private void finish() {
        try {
            JobResult result = job.await();
            long[] written = job.progress().bytesWritten();
            Verifier.Result checked = null;
            if (verify && !result.cancelled() && !cancelled) {
                List<IoRegion> toVerify = new ArrayList<>();
                List<Integer> index = new ArrayList<>();
                List<IoRegion> dests = opened.destinationRegions();
                for (int i = 0; i < dests.size(); i++) {
                    if (!result.failed(i) && written[i] == dests.get(i).byteLength()) {
                        toVerify.add(dests.get(i));
                        index.add(i);
                    }
                }
                if (!toVerify.isEmpty()) {
                    phase = Phase.VERIFYING;
                    checked = spread(Verifier.verify(opened.sourceRegion(), toVerify, result.unreadable(),
                            verified::set, () -> cancelled), index, dests.size());
                }
            }
            report.complete(report(result, written, checked));
        } catch (Throwable t) {
            report.completeExceptionally(t);
        } finally {
            client.destroy();
            try {
                opened.close();
            } catch (IOException e) {
                // closing after the flush: the data is already durable
            }
            phase = Phase.DONE;
        }
    }

    /** Cancels: writes in flight finish, destinations are flushed; verification stops. */
    public void cancel() {
        cancelled = true;
        job.cancel();
    }

    public Phase phase() {
        return phase;
    }

    /** Bytes of each destination's region. */
    public long totalBytes() {
        return job.totalBytes();
    }

    /** Bytes written to each destination so far. */
    public long[] written() {
        return job.progress().bytesWritten();
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

    private static String message(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** Puts verification outcomes back at their destination index (the others were not verified). */
    private static Verifier.Result spread(Verifier.Result v, List<Integer> index, int n) {
        List<Verifier.Outcome> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(null);
        }
        for (int k = 0; k < index.size(); k++) {
            all.set(index.get(k), v.destinations().get(k));
        }
        return new Verifier.Result(all, v.unreadableSource(), v.cancelled());
    }

    private Report report(JobResult result, long[] written, Verifier.Result verifiedResult) {
        List<Report.Destination> dests = new ArrayList<>();
        for (int i = 0; i < plan.destinations().size(); i++) {
            Endpoint e = plan.destinations().get(i);
            String status = "ok";
            String error = null;
            List<Report.Mismatch> mismatches = List.of();
            long needed = e.count() * Sizes.SECTOR;
            if (result.failed(i)) {
                status = "failed";
                Exception ex = result.destinationErrors().get(i);
                error = ex == null ? "failed" : message(ex);
            } else if (written[i] < needed) {
                // Never "ok" for a destination that did not get everything: the job stopped early.
                status = "failed";
                error = "incomplete: " + written[i] + " of " + needed + " bytes written; the job stopped "
                        + (result.cancelled() ? "when it was cancelled"
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
                }
            }
            dests.add(new Report.Destination(e.path().toString(), e.start(), e.count(), status, error, mismatches));
        }
        List<SectorRange> readErrors = verifiedResult != null ? verifiedResult.unreadableSource() : result.unreadable();
        boolean wasCancelled = result.cancelled() || cancelled
                || (verifiedResult != null && verifiedResult.cancelled());
        Report.Region source = plan.source() == null ? null
                : Report.Region.of(plan.source());
        double seconds = (System.nanoTime() - started) / 1e9;
        // the engine moves whole sectors; a partial last sector (an odd-size image) was cut to the region's bytes
        long bytes = Math.min(result.bytesCopied(), plan.destinations().get(0).byteLength());
        return new Report(plan.source() != null ? "copy" : "zero", source, bytes,
                Math.round(seconds * 1000) / 1000.0, wasCancelled, Report.Range.of(readErrors), dests);
    }
}
