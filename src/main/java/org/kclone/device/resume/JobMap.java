package org.kclone.device.resume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.OpenedPlan;
import org.kclone.device.RefusedException;
import org.kclone.device.Sizes;
import org.kclone.device.image.compress.CompressedImages;
import org.kclone.device.image.compress.Format;
import org.kclone.device.verify.SourceHasher;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.ChunkObserver;
import org.kclone.engine.FileBlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * is flushed and the map written again, atomically. The engine's own final flush is recorded too,
 * and {@link #ended} writes the last map: {@code finished} when every destination has its whole
 * region.
 *
 * <p>The report covers the whole job: a resumed run reads the already-copied part of the source
 * again ({@link #prefill}, read only) so the source's SHA-256 and --verify's digests cover every
 * byte, and counts the bytes copied before as written.
 */
public final class JobMap {

    private static final Logger LOG = LoggerFactory.getLogger(JobMap.class);

    /** Flush and record after this many bytes written to each destination, by default. */
    public static final long DEFAULT_EVERY = 256L << 20;
    /** ... and at least this often while writing. */
    static final long EVERY_NANOS = 5_000_000_000L;

    /** A map is a few lines per destination; a larger file given as one is refused unread. */
    static final long MAX_MAP_BYTES = 16L << 20;

    private final Path file;
    private final long every;
    /** The map an earlier run left, or null for a new job. */
    private final MapFile stored;
    /** Bytes from each region's start already durably on every destination: this run starts there. */
    private final long skip;

    private final ReentrantLock checkpointing = new ReentrantLock();
    private final AtomicLong sinceFlush = new AtomicLong();
    private volatile long lastFlush = System.nanoTime();
    private volatile List<RecordingDevice> recorders = List.of();
    private MapFile current;
    private OpenedPlan opened;

    private JobMap(Path file, long every, MapFile stored, long skip) {
        this.file = file;
        this.every = every;
        this.stored = stored;
        this.skip = skip;
    }

    /**
     * Reads {@code file} (a new job when it does not exist) and checks it against {@code plan};
     * nothing is written here.
     *
     * @throws RefusedException naming --map: a map that cannot be read, of another job, or whose
     *     source changed where it was already copied; a job that cannot resume (a compressed image)
     */
    public static JobMap prepare(Path file, long every, CopyPlanner.Plan plan) throws RefusedException {
        if (every < 4096) {
            throw new RefusedException("--map-every", "must be at least 4K");
        }
        if (plan.source() == null) {
            throw new RefusedException("--map", "only a copy keeps a map");
        }
        if (CompressedImages.isCompressedSource(plan.source())) {
            throw new RefusedException("--map", "SOURCE " + plan.source().path() + " is a compressed image, read as"
                    + " one stream from its start: such a copy cannot resume; nothing was written");
        }
        for (Endpoint e : plan.destinations()) {
            if (e.isFile() && Format.forNewFile(e.path()).isPresent()) {
                throw new RefusedException("--map", e.field() + " " + e.path() + " is a compressed image, written as"
                        + " one stream from its start: such a copy cannot resume; nothing was written");
            }
        }
        List<Endpoint> all = new ArrayList<>(plan.destinations());
        all.add(0, plan.source());
        for (Endpoint e : all) {
            if (samePath(file, e.path())) {
                throw new RefusedException("--map", file + " is " + e.field() + " of this job: give the map a file of"
                        + " its own; nothing was written");
            }
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new RefusedException("--map", file + " is not a regular file (a map is a small text file);"
                    + " nothing was written");
        }
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new RefusedException("--map", "the folder of " + file + " does not exist; nothing was written");
            }
            if (!Files.isWritable(dir)) {
                throw new RefusedException("--map", "the folder of " + file + " is not writable (the map is written"
                        + " beside it, then renamed); nothing was written");
            }
            return new JobMap(file, every, null, 0);
        }
        MapFile m;
        try {
            if (Files.size(file) > MAX_MAP_BYTES) {
                throw new MapFile.BadMapException(Files.size(file) + " bytes, more than a map ever holds");
            }
            m = MapFile.read(file);
        } catch (MapFile.BadMapException e) {
            throw new RefusedException("--map", file + " is not a kclone map: " + e.getMessage()
                    + "; nothing was written");
        } catch (IOException e) {
            throw new RefusedException("--map", "cannot read " + file + ": " + e.getMessage()
                    + "; nothing was written");
        }
        List<String> leftOut = new ArrayList<>();
        m = forPlan(file, m, plan, leftOut);
        if (!m.complete()) {
            try (BlockDevice src = FileBlockDevice.open(plan.source().path(), false,
                    plan.source().logicalSectorSize())) {
                checkSourceUnchanged(file, m, src, plan.source().startByte());
            } catch (IOException e) {
                throw new RefusedException("--map", "cannot read SOURCE " + plan.source().path() + " to check it"
                        + " against " + file + ": " + e.getMessage() + "; nothing was written");
            }
            for (int i = 0; i < plan.destinations().size(); i++) {
                Endpoint e = plan.destinations().get(i);
                try (BlockDevice d = FileBlockDevice.open(e.path(), false, e.logicalSectorSize())) {
                    checkDestinationUnchanged(file, m, i, e, d);
                } catch (IOException x) {
                    throw new RefusedException("--map", "cannot read " + e.field() + " " + e.path() + " to check it"
                            + " against " + file + ": " + x.getMessage() + "; nothing was written");
                }
            }
        }
        JobMap j = new JobMap(file, every, m, m.complete() ? m.source.bytes() : m.resumePoint());
        j.leftOut = List.copyOf(leftOut);
        return j;
    }

    private List<String> leftOut = List.of();

    /** The map's destinations this command does not name (they leave the map when this run writes it). */
    public List<String> leftOut() {
        return leftOut;
    }

    private static boolean samePath(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the map says the job is done: every destination has its whole region, durably. */
    public boolean finished() {
        return stored != null && stored.complete();
    }

    /** Bytes of each region already durably copied: where this run starts (0 for a new job). */
    public long resumeAt() {
        return skip;
    }

    public Path file() {
        return file;
    }

    /**
     * The map's part for this plan: its source must be this one, and each destination of the plan
     * one of the map's (same device or file, same region), in any order. A destination of the map
     * may be left out (one that failed, so the others go on from their own point).
     */
    private static MapFile forPlan(Path file, MapFile m, CopyPlanner.Plan plan, List<String> leftOut)
            throws RefusedException {
        String other = file + " is the map of another job: ";
        same(other, "SOURCE", m.source, plan.source(), true);
        MapFile view = new MapFile();
        view.status = m.status;
        view.source = m.source;
        view.hashes.addAll(m.hashes);
        boolean[] used = new boolean[m.dests.size()];
        for (Endpoint e : plan.destinations()) {
            String id = null;
            if (e.kind() != Endpoint.Kind.NEW_IMAGE) {
                try {
                    id = Identity.of(e, false);
                } catch (IOException ex) {
                    throw new RefusedException("--map", "cannot tell what " + e.path() + " is: " + ex.getMessage()
                            + "; nothing was written");
                }
            }
            int found = -1;
            for (int j = 0; j < m.dests.size() && found < 0; j++) {
                MapFile.Entry d = m.dests.get(j);
                if (!used[j] && d.id().equals(id) && d.start() == e.start() && d.count() == e.count()) {
                    found = j;
                }
            }
            if (found < 0) {
                List<String> theirs = m.dests.stream().map(d -> d.path() + " (" + d.id() + ", sectors " + d.start()
                        + "+" + d.count() + ")").toList();
                throw refused(other + e.field() + " " + e.path() + (id == null ? " does not exist"
                        : " (" + id + ", sectors " + e.start() + "+" + e.count() + ")") + " is not one of its"
                        + " destinations: " + String.join(", ", theirs));
            }
            used[found] = true;
            view.dests.add(m.dests.get(found));
            view.done.add(m.done.get(found).copy());
        }
        for (int j = 0; j < used.length; j++) {
            if (!used[j] && leftOut != null) {
                leftOut.add(m.dests.get(j).path());
            }
        }
        return view;
    }

    private static void same(String other, String field, MapFile.Entry was, Endpoint now, boolean source)
            throws RefusedException {
        if (was.start() != now.start() || was.count() != now.count() || was.bytes() != now.byteLength()) {
            throw refused(other + field + " was sectors " + was.start() + "+" + was.count() + " (" + was.bytes()
                    + " bytes) there, here sectors " + now.start() + "+" + now.count() + " (" + now.byteLength()
                    + " bytes)");
        }
        if (now.kind() == Endpoint.Kind.NEW_IMAGE) {
            throw refused(other + field + " was " + was.path() + ", which does not exist any more");
        }
        String id;
        try {
            id = Identity.of(now, source);
        } catch (IOException e) {
            throw new RefusedException("--map", "cannot tell what " + now.path() + " is: " + e.getMessage()
                    + "; nothing was written");
        }
        if (!id.equals(was.id())) {
            throw refused(other + field + " was " + was.path() + " (" + was.id() + "), here it is " + now.path()
                    + " (" + id + ")" + (source && id.startsWith("file:") && was.id().startsWith("file:")
                            ? ": an image file that was changed or replaced since" : ""));
        }
    }

    private static void checkSourceUnchanged(Path file, MapFile m, BlockDevice src, long regionStart)
            throws IOException, RefusedException {
        MapFile.Hash changed = SourceHashes.firstChanged(src, regionStart, m.hashes);
        if (changed != null) {
            throw refused("the source changed where it was already copied: " + m.source.path() + " no longer has"
                    + " the bytes " + changed.start() + "+" + changed.length() + " of its region that " + file
                    + " recorded (SHA-256 " + changed.sha256().substring(0, 16) + "...); resuming would leave"
                    + " the destinations a mix of old and new. Copy again without this map");
        }
    }

    /**
     * A destination still below its recorded point must hold there the source's bytes that the map
     * hashed (they were copied to it): otherwise it was written since (another copy, a mkfs), the
     * map is stale, and a resume would keep the foreign bytes below the point. A destination the map
     * has whole is not checked: after its copy the GPT may have been fitted to it (--grow-last).
     */
    private static void checkDestinationUnchanged(Path file, MapFile view, int i, Endpoint e, BlockDevice d)
            throws IOException, RefusedException {
        long prefix = view.done.get(i).prefix();
        if (prefix >= view.source.bytes()) {
            return;
        }
        // only what the map says this destination has (a map written by a run hashes below every one's point)
        List<MapFile.Hash> had = view.hashes.stream().filter(h -> h.start() + h.length() <= prefix).toList();
        MapFile.Hash changed = SourceHashes.firstChanged(d, e.startByte(), had);
        if (changed != null) {
            throw refused(e.field() + " " + e.path() + " no longer has the bytes " + changed.start() + "+"
                    + changed.length() + " of its region that " + file + " recorded as copied to it (it was written"
                    + " since?): the map is stale, and resuming would keep what is there now. Copy again without"
                    + " this map");
        }
    }

    private static RefusedException refused(String why) {
        return new RefusedException("--map", why + "; nothing was written");
    }

    /**
     * On the run's devices, right before the copy: checks again that they are the map's (they were
     * opened after {@link #prepare}) and writes the map as this run starts.
     */
    public void begin(OpenedPlan opened) throws RefusedException {
        this.opened = opened;
        CopyPlanner.Plan plan = opened.plan();
        MapFile m = new MapFile();
        try {
            m.source = entry(plan.source(), true);
            for (Endpoint e : plan.destinations()) {
                m.dests.add(entry(e, false));
                m.done.add(new Ranges());
            }
        } catch (IOException e) {
            throw new RefusedException("--map", "cannot tell what the devices are: " + e.getMessage()
                    + "; nothing was written");
        }
        if (stored != null) {
            MapFile again = forPlan(file, stored, plan, null);
            // opened apart: the run's source may be an image checked against its sidecar, whose reads must
            // come in order from its start (prefill's); these come from the middle
            try (BlockDevice src = FileBlockDevice.open(plan.source().path(), false,
                    plan.source().logicalSectorSize())) {
                checkSourceUnchanged(file, stored, src, plan.source().startByte());
            } catch (IOException e) {
                throw new RefusedException("--map", "cannot read SOURCE to check it against " + file + ": "
                        + e.getMessage() + "; nothing was written");
            }
            for (int i = 0; i < plan.destinations().size(); i++) { // read through the run's own devices
                Endpoint e = plan.destinations().get(i);
                try {
                    checkDestinationUnchanged(file, again, i, e, opened.destinations().get(i));
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
        try {
            m.save(file);
        } catch (IOException e) {
            throw new RefusedException("--map", "cannot write " + file + ": " + e.getMessage()
                    + "; nothing was written");
        }
        current = m;
    }

    /**
     * For a run that could not start: a new job's map is removed (its new image files are too, and a
     * map naming them would refuse the next run); an earlier run's map was written back unchanged.
     */
    public void discard() {
        if (stored == null && current != null) {
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
        return new IoRegion(whole.device(), whole.sector() + skip / Sizes.SECTOR, whole.count() - skip / Sizes.SECTOR);
    }

    /** The parts of the destination regions this run writes, each recording what it durably received. */
    public List<IoRegion> destinations(List<IoRegion> whole) {
        List<RecordingDevice> recs = new ArrayList<>();
        List<IoRegion> out = new ArrayList<>();
        long bytes = current.source.bytes();
        for (int i = 0; i < whole.size(); i++) {
            IoRegion r = whole.get(i);
            RecordingDevice rec = new RecordingDevice(r.device(), r.byteOffset(), bytes, current.done.get(i),
                    this::written);
            recs.add(rec);
            out.add(new IoRegion(rec, r.sector() + skip / Sizes.SECTOR, r.count() - skip / Sizes.SECTOR));
        }
        recorders = List.copyOf(recs);
        return out;
    }

    /** What the engine's chunks (placed in this run's part) are in the whole region. */
    public ChunkObserver observer(SourceHasher hasher) {
        if (hasher == null || skip == 0) {
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
        int size = 4 << 20;
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(2);
        free.add(ByteBuffer.allocateDirect(size + 4096).alignedSlice(4096));
        free.add(ByteBuffer.allocateDirect(size + 4096).alignedSlice(4096));
        try {
            for (long at = 0; at < skip; ) {
                if (cancelled.getAsBoolean()) { // the job starts cancelled: it stops at once, without a hash
                    break;
                }
                ByteBuffer b = free.take();
                int n = (int) Math.min(size, skip - at);
                b.clear().limit(n);
                readOrZero(whole.device(), b, whole.byteOffset() + at);
                b.flip();
                if (hasher != null) {
                    hasher.chunkRead(at, b.asReadOnlyBuffer(), () -> free.add(b));
                } else {
                    free.add(b);
                }
                at += n;
            }
            if (!cancelled.getAsBoolean()) {
                return hasher;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("reading the source's already-copied part again failed; no SHA-256 for this job", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (hasher != null) {
            hasher.close();
        }
        return null;
    }

    /**
     * Reads {@code b} at {@code position}; where that fails, sector by sector, each unreadable
     * sector left as zeros (what an earlier run with --ignore-errors wrote there) and recorded for the
     * report ({@link #unreadable}): the job's report must not call the source clean because the bad
     * sectors lie in the part an earlier run copied.
     */
    private void readOrZero(BlockDevice device, ByteBuffer b, long position) throws IOException {
        int start = b.position();
        try {
            device.read(b, position);
            return;
        } catch (IOException e) {
            LOG.warn("the source's already-copied part at byte {} cannot be read ({}): reading it sector by sector",
                    position, e.toString());
        }
        int end = b.limit();
        ByteBuffer sector = ByteBuffer.allocateDirect(2 * Sizes.SECTOR).alignedSlice(Sizes.SECTOR);
        for (int off = start; off < end; off += Sizes.SECTOR) {
            int n = Math.min(Sizes.SECTOR, end - off);
            sector.clear().limit(n);
            try {
                device.read(sector, position + off - start);
                sector.flip();
            } catch (IOException e) {
                sector.clear().limit(n);
                while (sector.hasRemaining()) {
                    sector.put((byte) 0);
                }
                sector.flip();
                synchronized (unreadable) {
                    unreadable.add(new SectorRange((position + off - start) / Sizes.SECTOR, 1));
                }
            }
            b.put(off, sector, 0, n);
        }
        b.position(end);
    }

    private final List<SectorRange> unreadable = new ArrayList<>();

    /** Source sectors (of the device) found unreadable while the copied part was read again ({@link #prefill}). */
    public List<SectorRange> unreadable() {
        synchronized (unreadable) {
            return SectorRange.coalesce(new ArrayList<>(unreadable));
        }
    }

    /** Per destination, bytes of the whole region written: this run's plus what was copied before. */
    public long[] written(long[] thisRun) {
        long[] out = thisRun.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += skip;
        }
        return out;
    }

    /** Told by a destination after each write: now and then, flush them all and record that. */
    void written(long bytes) {
        long n = sinceFlush.addAndGet(bytes);
        List<RecordingDevice> recs = recorders;
        if ((n >= every * Math.max(1, recs.size()) || System.nanoTime() - lastFlush >= EVERY_NANOS)
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

    /** After the job (and the engine's final flush): the last map, finished when every destination has everything. */
    public void ended() {
        if (current == null) {
            return;
        }
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
            current.done.set(i, recs.get(i).durable());
        }
        current.status = status != null ? status : current.complete() ? "finished" : "interrupted";
        long at = current.resumePoint();
        try {
            current.hashes.clear(); // a finished job has nothing to check on a later run
            if (!current.complete()) {
                current.hashes.addAll(SourceHashes.around(opened.source(), opened.plan().source().startByte(), at));
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
