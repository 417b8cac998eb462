package org.kclone.device.used;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.engine.JobResult;
import org.kclone.device.Report;
import org.kclone.device.Verifier;
import org.kclone.device.verify.DigestVerifier;
import org.kclone.device.verify.SourceHasher;
import org.kclone.engine.ChunkObserver;
import org.kclone.engine.Extents;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;

/**
 * A used-blocks-only copy inside a {@link org.kclone.device.CloneRun}: the plan made from the
 * opened source ({@link UsedPlanner}), the source hasher and verification over the copied extents
 * only ({@link CompactView}), {@code --wipe-free} after the copy, and the report's part.
 */
public final class UsedCopy {

    private final UsedPlan plan;
    private final CompactView view;
    private final boolean wipeFree;
    /** Per destination, why --wipe-free failed there (null: it did not). */
    private String[] wipeErrors = new String[0];

    private UsedCopy(UsedPlan plan, long contentBytes, boolean wipeFree) {
        this.plan = plan;
        this.view = new CompactView(plan.extents(), plan.regionSectors(), contentBytes);
        this.wipeFree = wipeFree;
    }

    /**
     * Plans from the source region as opened, with the file system readers of this build.
     *
     * @param contentBytes the region's exact bytes (fewer than its sectors' when the last is partial: an odd-size image)
     */
    public static UsedCopy plan(IoRegion source, long contentBytes, int sectorSize, boolean wipeFree)
            throws IOException {
        return plan(source, contentBytes, sectorSize, wipeFree, UsageProbe.system());
    }

    public static UsedCopy plan(IoRegion source, long contentBytes, int sectorSize, boolean wipeFree,
            UsageProbe probe) throws IOException {
        return new UsedCopy(UsedPlanner.plan(source.device(), source.byteOffset(), source.count(), sectorSize, probe),
                contentBytes, wipeFree);
    }

    /** {@link #plan(IoRegion, long, int, boolean)} for a run: refused, naming --used-only, when the source cannot be read. */
    public static UsedCopy forRun(IoRegion source, long contentBytes, org.kclone.engine.BlockDevice device,
            boolean wipeFree) throws RefusedException {
        try {
            return plan(source, contentBytes, device.logicalSectorSize(), wipeFree);
        } catch (IOException e) {
            throw new RefusedException("--used-only", "cannot read the source's partition table or file systems: "
                    + (e.getMessage() != null ? e.getMessage() : e.toString()) + "; nothing was written");
        }
    }

    /**
     * After the job: wipes the skipped space (--wipe-free) of the destinations that got every extent,
     * and returns the bytes written with each of those counted as its whole region, so the steps
     * after (GPT, verification, report) see it complete.
     */
    public long[] afterJob(long[] written, JobResult result, boolean cancelled, List<Endpoint> endpoints,
            List<IoRegion> dests) {
        long[] out = written.clone();
        boolean[] failed = new boolean[out.length];
        for (int i = 0; i < out.length; i++) {
            failed[i] = result.failed(i) || written[i] != bytes() || result.cancelled() || cancelled;
            out[i] = failed[i] ? written[i] : endpoints.get(i).byteLength();
        }
        afterCopy(endpoints, dests, failed);
        return out;
    }

    public UsedPlan plan() {
        return plan;
    }

    public Extents extents() {
        return plan.extents();
    }

    /** Bytes copied to each destination (a partial last sector counted as its bytes). */
    public long bytes() {
        return view.bytes();
    }

    /** A hasher of the copied bytes end to end (its SHA-256 is of those, not of the region: not reported). */
    public SourceHasher hasher(boolean withDigests) {
        return new SourceHasher(plan.extents().bytes(), bytes(), withDigests);
    }

    /** The hasher as the engine's observer (the engine tells region offsets; the hasher wants compact ones). */
    public ChunkObserver observer(SourceHasher hasher) {
        return view.observer(hasher);
    }

    /** After the copy's flush: with --wipe-free, clears the skipped space of every destination that did not fail. */
    public void afterCopy(List<Endpoint> endpoints, List<IoRegion> dests, boolean[] failed) {
        wipeErrors = new String[dests.size()];
        if (!wipeFree) {
            return;
        }
        List<SectorRange> gaps = plan.skipped();
        for (int i = 0; i < dests.size(); i++) {
            if (failed[i]) {
                continue;
            }
            Endpoint e = endpoints.get(i);
            try {
                FreeWiper.wipe(e.path(), e.kind() == Endpoint.Kind.BLOCK, dests.get(i), gaps);
            } catch (IOException | RuntimeException x) {
                wipeErrors[i] = "clearing the free space (--wipe-free) after the copy: "
                        + (x.getMessage() != null ? x.getMessage() : x.toString());
            }
        }
    }

    /** Why --wipe-free failed on destination {@code i}, or null. */
    public String wipeError(int i) {
        return i < wipeErrors.length ? wipeErrors[i] : null;
    }

    /**
     * Verifies the copied extents of every destination: against the hasher's digests (or the source
     * read again), mismatches named as sectors relative to the regions, as {@link Verifier} does.
     */
    public DigestVerifier.Verified verify(SourceHasher hasher, IoRegion source, boolean rereadable,
            List<IoRegion> dests, List<SectorRange> unreadable, LongConsumer progress, BooleanSupplier cancelled) {
        List<IoRegion> compactDests = dests.stream().map(view::region).toList();
        IoRegion compactSource = view.region(source);
        DigestVerifier.Verified v = DigestVerifier.afterCopy(hasher, bytes(), compactSource, rereadable,
                compactDests, view.toCompact(unreadable, source.sector()), progress, cancelled);
        List<Verifier.Outcome> out = new ArrayList<>();
        for (Verifier.Outcome o : v.result().destinations()) {
            out.add(new Verifier.Outcome(view.toRegion(o.mismatches()), o.error()));
        }
        List<SectorRange> bad = new ArrayList<>();
        for (SectorRange r : view.toRegion(v.result().unreadableSource())) {
            bad.add(new SectorRange(r.start() + source.sector(), r.count()));
        }
        List<String> noHashes = new ArrayList<>();
        for (int i = 0; i < dests.size(); i++) {
            noHashes.add(null); // a hash of the copied extents end to end would pass for the region's: not given
        }
        return new DigestVerifier.Verified(new Verifier.Result(out, bad, v.result().cancelled()), noHashes);
    }

    /** The report's part. */
    public Report.UsedOnly report() {
        List<Report.UsedOnly.Area> areas = new ArrayList<>();
        for (UsedPlan.Area a : plan.areas()) {
            areas.add(new Report.UsedOnly.Area(a.name(), a.sector(), a.count(), a.type(), a.copiedBytes(),
                    a.skippedBytes(), a.note()));
        }
        return new Report.UsedOnly(plan.copiedBytes(), plan.skippedBytes(), wipeFree, areas);
    }
}
