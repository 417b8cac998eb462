package org.kclone.device;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.kclone.device.gpt.GptCheck;
import org.kclone.device.gpt.GptFixup;
import org.kclone.device.gpt.GptRelocator;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.FileBlockDevice;
import org.kclone.engine.JobResult;
import org.kclone.engine.SectorRange;

/**
 * The GPT fix-up of a copy, for {@link CloneRun}: when the source is a whole disk or image file
 * (from sector 0 to its end) and a destination region starts at 0 of a larger device or image
 * file, the GPT copied there is fitted to the destination's size after the copy
 * ({@link GptRelocator}). Verification then skips the sectors that were rewritten (they differ from
 * the source by design) and checks them with {@link GptCheck} instead.
 */
public final class GptStep {

    private final CopyPlanner.Plan plan;
    private final boolean growLast;
    private final GptFixup[] fixups;
    private final String[] errors;

    GptStep(CopyPlanner.Plan plan, boolean growLast) {
        this.plan = plan;
        this.growLast = growLast;
        int n = plan.destinations().size();
        this.fixups = new GptFixup[n];
        this.errors = new String[n];
    }

    /** Whether the source region is a whole disk or image file, from sector 0 to its end. */
    static boolean wholeSource(CopyPlanner.Plan plan) {
        Endpoint s = plan.source();
        return s != null && s.start() == 0 && s.sizeBytes() > 0 && s.byteLength() == s.sizeBytes();
    }

    /** Whether destination {@code e} may take a fitted GPT: its region starts at 0 of an existing device or file. */
    static boolean wholeDestination(Endpoint e) {
        return e.start() == 0 && e.kind() != Endpoint.Kind.NEW_IMAGE; // a new image gets exactly the source's size
    }

    private static int sectorSize(Endpoint e) {
        return e.kind() == Endpoint.Kind.BLOCK ? e.logicalSectorSize() : 0;
    }

    /**
     * Before the copy, for the plan shown to the person: what will be done on each destination
     * (null where nothing), read from the source (its first sectors and old backup only).
     */
    public static List<GptFixup> preview(CopyPlanner.Plan plan, boolean growLast) {
        List<GptFixup> out = new ArrayList<>();
        for (int i = 0; i < plan.destinations().size(); i++) {
            out.add(GptFixup.none());
        }
        if (!wholeSource(plan) || plan.destinations().stream().noneMatch(e -> wholeDestination(e)
                && e.sizeBytes() > plan.source().byteLength())) {
            return out; // nothing can be fitted: the source is not even read
        }
        Endpoint src = plan.source();
        try (FileBlockDevice d = FileBlockDevice.open(src.path(), false, src.logicalSectorSize())) {
            for (int i = 0; i < out.size(); i++) {
                Endpoint e = plan.destinations().get(i);
                if (wholeDestination(e)) {
                    out.set(i, GptRelocator.plan(d, sectorSize(src), sectorSize(e), src.byteLength(), e.sizeBytes(),
                            growLast));
                }
            }
        } catch (IOException e) {
            // the source cannot be read now: the copy will say so; nothing to show here
        }
        return out;
    }

    /**
     * Refuses --grow-last (exit 2, nothing written) when it would grow nothing, saying why: the
     * source is not a whole GPT disk, or no destination is a larger whole disk.
     */
    public static void checkGrowLast(CopyPlanner.Plan plan, List<GptFixup> preview) throws RefusedException {
        if (preview.stream().anyMatch(f -> f.grownPartition() > 0)) {
            return;
        }
        String why;
        if (!wholeSource(plan)) {
            why = "the source region is not a whole disk or image file (from sector 0 to its end)";
        } else if (preview.stream().anyMatch(GptFixup::skipped)) {
            why = preview.stream().filter(GptFixup::skipped).findFirst().orElseThrow().note();
        } else if (preview.stream().anyMatch(GptFixup::relocates)) {
            why = "the source's GPT has no partition";
        } else if (plan.destinations().stream().noneMatch(e -> wholeDestination(e)
                && e.sizeBytes() > plan.source().byteLength())) {
            why = "no destination is an existing disk or image file larger than the source ("
                    + Sizes.human(plan.source().byteLength()) + ") taking it from sector 0";
        } else {
            why = "the source holds no GPT partition table (it grows the last partition of a GPT disk only)";
        }
        throw new RefusedException("--grow-last", why + "; nothing was written");
    }

    /**
     * After the engine job (flushed): fits the GPT on each destination that was written whole and
     * did not fail, and flushes it again. A destination whose fix-up cannot be written is failed.
     */
    void afterCopy(OpenedPlan opened, JobResult result, long[] written) {
        if (!wholeSource(plan) || result.cancelled()) {
            return;
        }
        Endpoint src = plan.source();
        for (int i = 0; i < fixups.length; i++) {
            Endpoint e = plan.destinations().get(i);
            if (!wholeDestination(e) || result.failed(i) || written[i] != e.byteLength()) {
                continue;
            }
            BlockDevice d = opened.destinations().get(i);
            try {
                GptFixup f = GptRelocator.plan(d, sectorSize(src), sectorSize(e), src.byteLength(), d.size(),
                        growLast);
                fixups[i] = f;
                f.apply(d);
            } catch (IOException | RuntimeException x) {
                errors[i] = "fitting the GPT to the disk after the copy: " + (x.getMessage() != null ? x.getMessage()
                        : x.toString());
            }
        }
    }

    /** Whether the GPT of destination {@code i} could not be fitted after the copy ({@link #afterCopy}). */
    boolean fitFailed(int i) {
        return errors[i] != null;
    }

    /**
     * Verification's verdicts with the rewritten sectors taken out of each mismatch list, and
     * those sectors checked with {@link GptCheck} (a problem fails the destination in {@link #adjust}).
     */
    Verifier.Result afterVerify(Verifier.Result v, OpenedPlan opened) {
        List<Verifier.Outcome> out = new ArrayList<>(v.destinations());
        for (int i = 0; i < out.size(); i++) {
            Verifier.Outcome o = out.get(i);
            GptFixup f = fixups[i];
            if (o == null || f == null || !f.relocates() || errors[i] != null) {
                continue;
            }
            out.set(i, new Verifier.Outcome(subtract(o.mismatches(), f.rewritten()), o.error()));
            if (o.error() == null && !v.cancelled()) {
                try {
                    String problem = GptCheck.verify(opened.destinations().get(i), f);
                    if (problem != null) {
                        errors[i] = "verification: the GPT fitted to the disk is wrong: " + problem;
                    }
                } catch (IOException x) {
                    errors[i] = "reading back the GPT fitted to the disk for verification: " + x.getMessage();
                }
            }
        }
        return new Verifier.Result(out, v.unreadableSource(), v.cancelled());
    }

    /** {@code ranges} without any sector of {@code cut} (both ascending and coalesced). */
    static List<SectorRange> subtract(List<SectorRange> ranges, List<SectorRange> cut) {
        List<SectorRange> out = new ArrayList<>();
        for (SectorRange r : ranges) {
            long at = r.start();
            for (SectorRange c : cut) {
                if (c.end() <= at || c.start() >= r.end()) {
                    continue;
                }
                if (c.start() > at) {
                    out.add(new SectorRange(at, c.start() - at));
                }
                at = Math.max(at, c.end());
            }
            if (at < r.end()) {
                out.add(new SectorRange(at, r.end() - at));
            }
        }
        return List.copyOf(out);
    }

    /** The report's note for destination {@code i}: what was done to its GPT, or why not; null when nothing. */
    String note(int i) {
        return fixups[i] != null ? fixups[i].note() : null;
    }

    /**
     * A destination written (and verified) ok is failed when its GPT could not be fitted or checked;
     * so is one whose only differences may come from a fit-up that failed half-way (its mismatches stay listed).
     */
    String[] adjust(int i, String status, String error) {
        if (errors[i] != null && ("ok".equals(status) || "mismatch".equals(status))) {
            return new String[] {"failed", errors[i]};
        }
        return new String[] {status, error};
    }
}
