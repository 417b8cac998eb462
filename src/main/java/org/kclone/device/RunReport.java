package org.kclone.device;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.kclone.device.resume.JobMap;
import org.kclone.device.used.UsedCopy;
import org.kclone.device.verify.SourceHasher;
import org.kclone.engine.IoRegion;
import org.kclone.engine.JobResult;
import org.kclone.engine.SectorRange;

/**
 * How a {@link CloneRun} that has ended becomes its {@link Report}: each destination's status from
 * what the engine, the verifier, the GPT step, the used-blocks copy and a resumed map say, never
 * "ok" for one that did not get everything.
 */
final class RunReport {

    private RunReport() {
    }

    /**
     * What the run knows at its end. {@code written}: bytes per destination (an earlier run's
     * included); {@code toCheck}: destinations that were to be read back; {@code verified}: the
     * verifier's result or null; {@code sourceGone}: the source stopped answering after a read error.
     */
    record Facts(CopyPlanner.Plan plan, String sourceBroken, JobResult result, long[] written, boolean[] toCheck,
            Verifier.Result verified, long verifiedBytes, boolean sourceGone, List<String> destSha256, GptStep gpt,
            UsedCopy used, JobMap map, SourceHasher hasher, boolean cancelled, double seconds) {
    }

    static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** Puts verification outcomes back at their destination index (the others were not verified). */
    static Verifier.Result spread(Verifier.Result v, List<Integer> index, int n) {
        List<Verifier.Outcome> all = new ArrayList<>(Collections.nCopies(n, null));
        for (int k = 0; k < index.size(); k++) {
            all.set(index.get(k), v.destinations().get(k));
        }
        return new Verifier.Result(all, v.unreadableSource(), v.cancelled());
    }

    /**
     * Whether the source still reads the first 4 KiB block of its region that holds no sector
     * reported unreadable, past the page cache: after a read error, tells bad sectors (it does) from a
     * source that went away (a pulled stick: it does not), so the report does not suggest
     * --ignore-errors for a disk that is gone.
     */
    static boolean sourceAnswers(IoRegion src, List<SectorRange> bad) {
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

    /** The report of a run that has ended: per destination its status and error, the source's hash, the bytes. */
    static Report assemble(Facts f) {
        CopyPlanner.Plan plan = f.plan();
        JobResult result = f.result();
        long[] written = f.written();
        Verifier.Result verifiedResult = f.verified();
        GptStep gpt = f.gpt();
        UsedCopy used = f.used();
        JobMap map = f.map();
        List<Report.Destination> dests = new ArrayList<>();
        String sourceBroken = f.sourceBroken();
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
                status = result.cancelled() ? CloneRun.CANCELLED : "failed";
                error = "incomplete: " + written[i] + " of " + needed + " bytes written; the job stopped "
                        + (result.cancelled() ? "when it was cancelled"
                                : f.sourceGone() ? "when the source stopped answering (it does not read even its first"
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
                    status = CloneRun.UNVERIFIED;
                    error = "verification stopped at " + f.verifiedBytes() + " of " + needed
                            + " bytes when it was cancelled; the data was written and flushed";
                }
            } else if (f.toCheck()[i]) {
                status = CloneRun.UNVERIFIED;
                error = "not verified: cancelled after the data was written and flushed, before verification";
            }
            if (used != null && used.wipeError(i) != null && "ok".equals(status)) {
                status = "failed"; // the copy is there, but the free space is not what --wipe-free promised
                error = used.wipeError(i);
            }
            String[] g = gpt.adjust(i, status, error);
            // read back to its end and compared: the verifier's two verdicts, from a pass not cancelled
            boolean compared = verifiedResult != null && !verifiedResult.cancelled()
                    && verifiedResult.destinations().get(i) != null && ("ok".equals(g[0]) || "mismatch".equals(g[0]));
            dests.add(new Report.Destination(e.path().toString(), e.start(), e.count(), g[0], g[1], mismatches,
                    f.destSha256() != null ? f.destSha256().get(i) : null, gpt.note(i), compared));
        }
        List<SectorRange> readErrors = verifiedResult != null ? verifiedResult.unreadableSource() : result.unreadable();
        if (map != null && !map.unreadable().isEmpty()) { // bad sectors in the part an earlier run copied
            List<SectorRange> all = new ArrayList<>(readErrors);
            all.addAll(map.unreadable());
            readErrors = SectorRange.coalesce(all);
        }
        Report.Region source = plan.source() == null ? null
                : Report.Region.of(plan.source()).withSha256(readErrors.isEmpty() && f.hasher() != null && used == null
                        ? f.hasher().sha256() : null);
        double seconds = f.seconds();
        // the engine moves whole sectors; a partial last sector (an odd-size image) was cut to the region's bytes
        long bytes = Math.min(result.bytesCopied() + (map != null ? map.copiedBefore() : 0),
                plan.destinations().get(0).byteLength());
        return new Report(plan.source() != null ? "copy" : "zero", source, bytes,
                Math.round(seconds * 1000) / 1000.0, f.cancelled(), Report.Range.of(readErrors), dests)
                .withUsedOnly(used != null ? used.report() : null);
    }
}
