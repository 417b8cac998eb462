package org.kclone.device.resume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceOpener;
import org.kclone.device.Endpoint;
import org.kclone.device.OpenedPlan;
import org.kclone.device.RefusedException;
import org.kclone.device.Sizes;
import org.kclone.device.verify.SourceHasher;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.ChunkObserver;
import org.kclone.engine.Extents;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;

/**
 * The map of one copy job ({@code --map FILE}): what each destination has durably received, kept
 * as the job runs, and on a later run of the same job where to continue.
 *
 * <p>{@link #prepare} reads an existing map and refuses it unless it is this job's (same source and
 * destinations, same regions) and the source still has, at the region's head and right before the
 * resume point, the bytes it had when they were copied. The run then copies the regions from the
 * resume point only ({@link #source}, {@link #destinations}): the lowest point below which every
 * destination has every byte, durably. Its destinations are wrapped to record completed writes;
 * after every {@code every} bytes written to each (and at least every 5 seconds) every destination
 * is flushed and the map written again, atomically ({@link MapCheckpoints}). The engine's own final
 * flush is recorded too, and {@link #ended} writes the last map: {@code finished} when every
 * destination has its whole region.
 *
 * <p>The report covers the whole job: a resumed run reads the already-copied part of the source
 * again ({@link #prefill}, read only) so the source's SHA-256 and --verify's digests cover every
 * byte, and counts the bytes copied before as written.
 *
 * <p>A --used-only job's map ({@link UsedExtents}): the skipped space is done from the start, the
 * extent list is kept as a hash and must be the same on a resume, and the run copies the extents
 * from the resume point on ({@link #extents}). The checks before a resume are {@link MapChecks}.
 */
public final class JobMap {

    /** Flush and record after this many bytes written to each destination, by default. */
    public static final long DEFAULT_EVERY = 256L << 20;
    /** ... and at least this often while writing. */
    static final long EVERY_NANOS = 5_000_000_000L;

    /** A map is a few lines per destination; a larger file given as one is refused unread. */
    static final long MAX_MAP_BYTES = 16L << 20;

    private final Path file;
    /** The map an earlier run left, or null for a new job. */
    private final MapFile stored;
    /** Bytes from each region's start already durably on every destination: this run starts there. */
    private final long skip;

    private final MapCheckpoints checkpoints;
    private OpenedPlan opened;

    private JobMap(Path file, long every, MapFile stored, long skip) {
        this.file = file;
        this.stored = stored;
        this.skip = skip;
        this.checkpoints = new MapCheckpoints(file, every);
    }

    /**
     * Reads {@code file} (a new job when it does not exist) and checks it against {@code plan};
     * nothing is written here.
     *
     * @throws RefusedException naming --map: a map that cannot be read, of another job, or whose
     *     source changed where it was already copied; a job that cannot resume (a compressed image)
     */
    public static JobMap prepare(Path file, long every, CopyPlanner.Plan plan) throws RefusedException {
        return prepare(file, every, plan, null);
    }

    /**
     * {@link #prepare(Path, long, CopyPlanner.Plan)} for a job that copies every sector
     * ({@code usedOnly} false) or only the used blocks (true), refusing a map of the other kind;
     * null: the kind the map says. A --used-only map is checked against the source planned again.
     */
    public static JobMap prepare(Path file, long every, CopyPlanner.Plan plan, Boolean usedOnly)
            throws RefusedException {
        return prepare(file, every, plan, usedOnly, DeviceOpener.BY_PATH);
    }

    /**
     * {@link #prepare(Path, long, CopyPlanner.Plan, Boolean)}, the source and destinations read for the
     * checks through {@code opener} (read only): the run's own (the helper's pins what it checked).
     */
    public static JobMap prepare(Path file, long every, CopyPlanner.Plan plan, Boolean usedOnly, DeviceOpener opener)
            throws RefusedException {
        MapPreparation.Prepared p = MapPreparation.prepare(file, every, plan, usedOnly, opener);
        JobMap j = new JobMap(file, every, p.stored(), p.skip());
        j.leftOut = p.leftOut();
        j.use(p.used());
        return j;
    }

    /** With --used-only, the job's extents (null for a copy of every sector, and before {@link #begin}). */
    private UsedExtents used;
    /** {@link #copiedBefore()}: read by every progress poll, so counted once per {@link #use}, not per call. */
    private long copiedBefore;

    private void use(UsedExtents u) {
        used = u;
        copiedBefore = u == null ? skip : u.copiedBelow(skip);
    }
    /** The source opened apart to check it on a resume: kept open to the run's end ({@link #close}). */
    private BlockDevice apart;

    private List<String> leftOut = List.of();

    /** The map's destinations this command does not name (they leave the map when this run writes it). */
    public List<String> leftOut() {
        return leftOut;
    }

    /** Whether the map says the job is done: every destination has its whole region, durably. */
    public boolean finished() {
        return stored != null && stored.complete();
    }

    /** Bytes of each region already durably copied: where this run starts (0 for a new job). */
    public long resumeAt() {
        return skip;
    }

    /** Bytes earlier runs copied to each destination: {@link #resumeAt()}, or with --used-only the extents' below it. */
    public long copiedBefore() {
        return copiedBefore;
    }

    public Path file() {
        return file;
    }

    /**
     * On the run's devices, right before the copy: checks again that they are the map's (they were
     * opened after {@link #prepare}) and writes the map as this run starts.
     */
    public void begin(OpenedPlan opened) throws RefusedException {
        begin(opened, null);
    }

    /**
     * {@link #begin(OpenedPlan)} for a --used-only job copying {@code extents} (relative to the
     * source region; null: every sector): the skipped space counts as done from the start, and a
     * resumed job must have the same extents as the map's ({@link UsedExtents}).
     */
    public void begin(OpenedPlan opened, Extents extents) throws RefusedException {
        this.opened = opened;
        CopyPlanner.Plan plan = opened.plan();
        UsedExtents u = extents == null ? null
                : new UsedExtents(extents, plan.source().count(), plan.source().byteLength());
        MapFile m = new MapFile();
        m.used = u != null ? u.line() : null;
        try {
            m.source = entry(plan.source(), true);
            for (Endpoint e : plan.destinations()) {
                m.dests.add(entry(e, false));
                Ranges done = new Ranges();
                if (u != null) {
                    done.addAll(u.gaps()); // nothing to write there: done on every destination
                }
                m.done.add(done);
            }
        } catch (IOException e) {
            throw new RefusedException("--map", "cannot tell what the devices are: " + e.getMessage()
                    + "; nothing was written");
        }
        if (stored != null) {
            MapChecks.samePlan(file, stored, u);
            MapFile again = MapChecks.forPlan(file, stored, plan, null);
            // opened apart: the run's source may be an image checked against its sidecar, whose reads must
            // come in order from its start (prefill's); these come from the middle. Kept open to the run's
            // end: closing any descriptor of a file drops the process's fcntl locks on it (the claim's)
            try {
                apart = opened.opener().open(plan.source(), false); // the run's opener: the helper's pins
                MapChecks.sourceUnchanged(file, stored, apart, plan.source(), u);
            } catch (IOException e) {
                throw new RefusedException("--map", "cannot read SOURCE to check it against " + file + ": "
                        + e.getMessage() + "; nothing was written");
            }
            for (int i = 0; i < plan.destinations().size(); i++) { // read through the run's own devices
                Endpoint e = plan.destinations().get(i);
                try {
                    MapChecks.destinationUnchanged(file, again, i, e, opened.destinations().get(i), u);
                } catch (IOException x) {
                    throw new RefusedException("--map", "cannot read " + e.field() + " " + e.path() + " to check"
                            + " it against " + file + ": " + x.getMessage() + "; nothing was written");
                }
            }
            for (int i = 0; i < m.done.size(); i++) {
                m.done.get(i).addAll(again.done.get(i));
            }
            m.hashes.addAll(stored.hashes);
        }
        use(u);
        try {
            m.save(file);
        } catch (IOException e) {
            throw new RefusedException("--map", "cannot write " + file + ": " + e.getMessage()
                    + "; nothing was written");
        }
        checkpoints.start(m, opened, u);
    }

    /**
     * After the run, its devices closed: closes the source opened apart to check it (kept open so the
     * run's fcntl lock on a source image stays while the run has it).
     */
    public void close() {
        BlockDevice a = apart;
        apart = null;
        if (a != null) {
            try {
                a.close();
            } catch (IOException ignored) {
                // read only
            }
        }
    }

    /**
     * For a run that could not start: a new job's map is removed (its new image files are too, and a
     * map naming them would refuse the next run); an earlier run's map was written back unchanged.
     */
    public void discard() {
        close();
        if (stored == null && checkpoints.current() != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort: the run is refused either way
            }
        }
    }

    private static MapFile.Entry entry(Endpoint e, boolean source) throws IOException {
        return new MapFile.Entry(e.start(), e.count(), e.byteLength(), Identity.of(e, source), e.path().toString());
    }

    /** Whether the run must read the source's copied part again before the engine starts ({@link #prefill}). */
    public boolean resuming() {
        return skip > 0;
    }

    /** The part of the source region this run copies. */
    public IoRegion source(IoRegion whole) {
        if (used != null) {
            return whole; // the extents say where ({@link #extents})
        }
        return new IoRegion(whole.device(), whole.sector() + skip / Sizes.SECTOR, whole.count() - skip / Sizes.SECTOR);
    }

    /** The parts of the destination regions this run writes, each recording what it durably received. */
    public List<IoRegion> destinations(List<IoRegion> whole) {
        List<RecordingDevice> recs = new ArrayList<>();
        List<IoRegion> out = new ArrayList<>();
        MapFile current = checkpoints.current();
        long bytes = current.source.bytes();
        for (int i = 0; i < whole.size(); i++) {
            IoRegion r = whole.get(i);
            RecordingDevice rec = new RecordingDevice(r.device(), r.byteOffset(), bytes, current.done.get(i),
                    checkpoints::written);
            recs.add(rec);
            out.add(used != null ? new IoRegion(rec, r.sector(), r.count())
                    : new IoRegion(rec, r.sector() + skip / Sizes.SECTOR, r.count() - skip / Sizes.SECTOR));
        }
        checkpoints.recording(recs);
        return out;
    }

    /** With --used-only, the extents this run copies: {@code all} (the job's) from the resume point on. */
    public Extents extents(Extents all) {
        return used == null || skip == 0 ? all : used.from(skip);
    }

    /** What the engine's chunks (placed in this run's part) are in the whole region. */
    public ChunkObserver observer(SourceHasher hasher) {
        if (hasher == null || skip == 0 || used != null) { // used-only: the chunks lie in the whole region already
            return hasher;
        }
        return (offset, data, done) -> hasher.chunkRead(offset + skip, data, done);
    }

    /**
     * Reads the source's already-copied part again (read only) into {@code hasher}, so its SHA-256
     * and digests cover the whole region. Returns the hasher, or null (and closes it) when that part
     * cannot be read: the report then has no SHA-256 and verification reads the source. Read also
     * without a hasher: a source image checked against its SHA-256 sidecar is hashed in order from its
     * start, and waits for these bytes before it serves the engine's first read.
     */
    public SourceHasher prefill(SourceHasher hasher, IoRegion whole, java.util.function.BooleanSupplier cancelled) {
        if (skip == 0) {
            return hasher;
        }
        if (used != null) { // --used-only: the hasher digests the copied extents end to end
            return copiedPart.read(hasher, used.compact(whole), copiedBefore, cancelled);
        }
        return copiedPart.read(hasher, whole, skip, cancelled);
    }

    private final CopiedPart copiedPart = new CopiedPart();

    /** Source sectors (of the device) found unreadable while the copied part was read again ({@link #prefill}). */
    public List<SectorRange> unreadable() {
        List<SectorRange> out = copiedPart.unreadable();
        // --used-only: read through the copied extents end to end (compact sectors): the source's sectors
        return used == null || opened == null ? out : used.toSource(out, opened.sourceRegion().sector());
    }

    /** Per destination, bytes of the whole region written: this run's plus what was copied before. */
    public long[] written(long[] thisRun) {
        long[] out = thisRun.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += copiedBefore;
        }
        return out;
    }

    /** After the job (and the engine's final flush): the last map, finished when every destination has everything. */
    public void ended() {
        ended(i -> false);
    }

    /**
     * {@link #ended()}, with the destinations {@code gptFailed} names (their GPT could not be fitted
     * after the copy) taken out of the map: the fix-up may have rewritten their head, so the next
     * run copies them again from the start, and fits their GPT again.
     */
    public void ended(IntPredicate gptFailed) {
        checkpoints.ended(gptFailed);
    }
}
