package org.kclone.device.verify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.kclone.device.Verifier;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;

/**
 * Verifies destinations against the {@link ChunkDigests} kept while copying: reads only the
 * destinations, each on its own thread, through aligned 4 MiB windows (O_DIRECT, past the page
 * cache), and compares each MiB's digest. A destination may read a few windows ahead of the
 * slowest; progress is told per window once every destination has it. A MiB that differs is narrowed to its sectors by
 * reading that MiB of the source once more ({@link Verifier} on the one MiB) where the source can be
 * read again; otherwise (a {@link OneShot} stream, given as a null source) the whole MiB is named.
 * Also gives each destination's SHA-256 of its region's content as read back.
 *
 * <p>Sectors the copy could not read (written as zeros under IGNORE_ERROR) were digested as zeros,
 * so they are expected as zeros, as with {@link Verifier}.
 */
public final class DigestVerifier {

    /** The verdict in {@link Verifier}'s terms, and each destination's SHA-256 (null: not all read back). */
    public record Verified(Verifier.Result result, List<String> sha256) {

        /** The hashes put back at their destinations' indexes {@code index} among {@code n} (null elsewhere). */
        public List<String> sha256At(List<Integer> index, int n) {
            List<String> all = new ArrayList<>(java.util.Collections.nCopies(n, null));
            for (int k = 0; k < index.size(); k++) {
                all.set(index.get(k), sha256.get(k));
            }
            return all;
        }
    }

    private static final int WINDOW = 4 * ChunkDigests.UNIT;
    private static final int ALIGN = 4096;
    private static final int SECTOR = 512;

    private DigestVerifier() {
    }

    /**
     * Verifies a copy that {@code hasher} watched: against its digests, or, if it has none (hashing
     * failed), by reading the source again with {@link Verifier} where that can be done.
     *
     * @param source the source region; {@code rereadable} whether it may be read again (not a {@link OneShot})
     */
    public static Verified afterCopy(SourceHasher hasher, long contentBytes, IoRegion source, boolean rereadable,
            List<IoRegion> dests, List<SectorRange> knownUnreadable, LongConsumer progress,
            BooleanSupplier cancelled) {
        ChunkDigests digests = hasher != null ? hasher.digests() : null;
        if (digests != null) {
            return verify(digests, contentBytes, dests, rereadable ? source : null, knownUnreadable, progress,
                    cancelled);
        }
        List<String> none = new ArrayList<>();
        for (int i = 0; i < dests.size(); i++) {
            none.add(null);
        }
        if (rereadable) {
            return new Verified(Verifier.verify(source, dests, knownUnreadable, progress, cancelled), none);
        }
        List<Verifier.Outcome> out = new ArrayList<>();
        for (int i = 0; i < dests.size(); i++) {
            out.add(new Verifier.Outcome(List.of(), new IOException("the copy kept no digests and the source"
                    + " cannot be read again")));
        }
        return new Verified(new Verifier.Result(out, SectorRange.coalesce(knownUnreadable), false), none);
    }

    /**
     * @param digests of the region as it was copied ({@code digests.bytes()} bytes of each destination region)
     * @param contentBytes bytes of the region the SHA-256 covers (fewer than the digests' bytes when
     *     the last sector is partial)
     * @param source the source region, to narrow a MiB that differs; null when it cannot be read again
     * @param knownUnreadable source sectors the copy could not read (absolute sectors of the source)
     * @param progress called with the bytes verified so far, after each window (every destination moves together)
     * @param cancelled polled between windows
     */
    public static Verified verify(ChunkDigests digests, long contentBytes, List<IoRegion> dests, IoRegion source,
            List<SectorRange> knownUnreadable, LongConsumer progress, BooleanSupplier cancelled) {
        int n = dests.size();
        int windows = (int) ((digests.bytes() + WINDOW - 1) / WINDOW);
        List<List<SectorRange>> mismatches = new ArrayList<>();
        Worker[] workers = new Worker[n];
        Pace pace = new Pace();
        for (int i = 0; i < n; i++) {
            mismatches.add(new ArrayList<>());
            workers[i] = new Worker(digests, contentBytes, dests.get(i), windows, pace);
        }
        List<SectorRange> unreadable = SectorRange.coalesce(knownUnreadable);
        List<Thread> threads = new ArrayList<>();
        for (Worker w : workers) {
            Thread t = new Thread(w, "kclone-verify");
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        boolean wasCancelled = false;
        try {
            for (int k = 0; k < windows; k++) {
                if (cancelled.getAsBoolean()) {
                    wasCancelled = true;
                    break;
                }
                pace.awaitWindow(workers, k);
                // unit -> destinations that differ there
                TreeMap<Integer, List<Integer>> differing = new TreeMap<>();
                for (int i = 0; i < n; i++) {
                    for (int u : workers[i].differing(k)) {
                        differing.computeIfAbsent(u, x -> new ArrayList<>()).add(i);
                    }
                }
                for (var e : differing.entrySet()) {
                    unreadable = narrow(digests, e.getKey(), e.getValue(), dests, source, unreadable, mismatches);
                }
                pace.allow(k + 1 + LEAD);
                progress.accept(Math.min(digests.bytes(), (long) (k + 1) * WINDOW));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            wasCancelled = true;
        } finally {
            pace.stop();
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    wasCancelled = true;
                }
            }
        }
        List<Verifier.Outcome> out = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Worker w = workers[i];
            out.add(new Verifier.Outcome(SectorRange.coalesce(mismatches.get(i)), w.error));
            boolean whole = !wasCancelled && w.error == null && !w.shortRead;
            hashes.add(whole ? HexFormat.of().formatHex(w.sha.digest()) : null);
        }
        return new Verified(new Verifier.Result(out, SectorRange.coalesce(unreadable), wasCancelled), hashes);
    }

    /** How many windows a destination may read ahead of the slowest one (verification's progress). */
    private static final int LEAD = 4;

    /**
     * Which windows the destinations may read (at most {@link #LEAD} past the verified ones), and
     * waiting for a window to be read on every destination.
     */
    private static final class Pace {
        private int allowed = LEAD;
        private boolean stopped;

        synchronized void allow(int windows) {
            allowed = windows;
            notifyAll();
        }

        synchronized void stop() {
            stopped = true;
            notifyAll();
        }

        /** On a destination's thread: false when verification stopped. */
        synchronized boolean mayRead(int window) throws InterruptedException {
            while (!stopped && window >= allowed) {
                wait();
            }
            return !stopped;
        }

        synchronized void read() {
            notifyAll();
        }

        /** Until every destination has read window {@code k} (or can read no more: failed). */
        synchronized void awaitWindow(Worker[] workers, int k) throws InterruptedException {
            for (Worker w : workers) {
                while (w.done <= k && w.error == null && !w.ended) {
                    wait();
                }
            }
        }
    }

    /** One destination read back front to back on its own thread, as far as {@link Pace} allows. */
    private static final class Worker implements Runnable {
        private final ChunkDigests digests;
        private final long contentBytes;
        private final IoRegion dest;
        private final int windows;
        private final Pace pace;
        private final AlignedWindow win = new AlignedWindow(WINDOW);
        final MessageDigest sha = sha256();
        /** Units that differ, per window read (guarded by pace). */
        private final List<List<Integer>> differing = new ArrayList<>();
        // Guarded by pace.
        int done;
        boolean ended;
        IOException error;
        /** Written by this worker only; read after it was joined. */
        boolean shortRead;

        Worker(ChunkDigests digests, long contentBytes, IoRegion dest, int windows, Pace pace) {
            this.digests = digests;
            this.contentBytes = contentBytes;
            this.dest = dest;
            this.windows = windows;
            this.pace = pace;
        }

        @Override
        public void run() {
            try {
                for (int k = 0; k < windows && pace.mayRead(k); k++) {
                    long from = (long) k * WINDOW;
                    int length = (int) Math.min(WINDOW, digests.bytes() - from);
                    List<Integer> d = readAndCompare(from, length);
                    synchronized (pace) {
                        differing.add(d);
                        done = k + 1;
                        pace.read();
                    }
                }
            } catch (IOException e) {
                synchronized (pace) {
                    error = e;
                }
            } catch (RuntimeException e) { // a device that throws unchecked: this destination is not verified
                synchronized (pace) {
                    error = new IOException(e.toString(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                synchronized (pace) {
                    ended = true;
                    pace.read();
                }
            }
        }

        /** Units of window {@code k} that differ (none when this destination failed before it). */
        List<Integer> differing(int k) {
            synchronized (pace) {
                return k < differing.size() ? differing.get(k) : List.of();
            }
        }

        /**
         * Reads one window, adds its content to the SHA-256 and returns the units whose digest
         * differs (or that the destination does not fully hold: it ends before them).
         */
        private List<Integer> readAndCompare(long from, int length) throws IOException {
            long at = dest.byteOffset() + from;
            int there = (int) Math.max(0, Math.min(length, dest.device().size() - at));
            ByteBuffer got = win.read(dest.device(), at, there);
            if (there < length) {
                shortRead = true;
            }
            sha.update(got.duplicate().limit((int) Math.max(0, Math.min(there, contentBytes - from))));
            List<Integer> differ = new ArrayList<>();
            for (int off = 0; off < length; off += ChunkDigests.UNIT) {
                int u = (int) ((from + off) / ChunkDigests.UNIT);
                int len = digests.unitLength(u);
                if (off + len > there || ChunkDigests.of(got.duplicate().position(off).limit(off + len), u)
                        != digests.digest(u)) {
                    differ.add(u);
                }
            }
            return differ;
        }
    }

    /**
     * Names the sectors of unit {@code u} that differ on {@code which} destinations: by comparing
     * them with the source's unit read again, or the whole unit when the source cannot be read again
     * (or reads the same as every destination now: it changed since it was copied). Returns the
     * source sectors known unreadable, with any found on the way.
     */
    private static List<SectorRange> narrow(ChunkDigests digests, int u, List<Integer> which, List<IoRegion> dests,
            IoRegion source, List<SectorRange> unreadable, List<List<SectorRange>> mismatches) {
        long firstSector = (long) u * ChunkDigests.UNIT / SECTOR;
        long sectors = (digests.unitLength(u) + SECTOR - 1) / SECTOR;
        SectorRange whole = new SectorRange(firstSector, sectors);
        if (source == null) {
            for (int d : which) {
                mismatches.get(d).add(whole);
            }
            return unreadable;
        }
        List<IoRegion> parts = new ArrayList<>();
        for (int d : which) {
            IoRegion r = dests.get(d);
            parts.add(new IoRegion(r.device(), r.sector() + firstSector, sectors));
        }
        IoRegion src = new IoRegion(source.device(), source.sector() + firstSector, sectors);
        Verifier.Result r = Verifier.verify(src, sectors * SECTOR, parts, unreadable, b -> { }, () -> false);
        for (int k = 0; k < which.size(); k++) {
            Verifier.Outcome o = r.destinations().get(k);
            List<SectorRange> found = mismatches.get(which.get(k));
            if (o.error() != null || o.mismatches().isEmpty()) {
                found.add(whole);
            } else {
                for (SectorRange m : o.mismatches()) {
                    found.add(new SectorRange(firstSector + m.start(), m.count()));
                }
            }
        }
        return r.unreadableSource();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    /** A reusable aligned buffer that reads a byte range widened to 4096-byte boundaries (O_DIRECT-able). */
    static final class AlignedWindow {
        private final ByteBuffer buf;

        AlignedWindow(int bytes) {
            buf = ByteBuffer.allocateDirect(bytes + 3 * ALIGN).alignedSlice(ALIGN);
        }

        /** Reads {@code length} bytes at byte {@code from} of {@code device}; the bytes, position 0. */
        ByteBuffer read(BlockDevice device, long from, int length) throws IOException {
            if (length == 0) {
                return buf.duplicate().position(0).limit(0).slice();
            }
            long to = from + length;
            long alignedFrom = from / ALIGN * ALIGN;
            long alignedTo = Math.min((to + ALIGN - 1) / ALIGN * ALIGN, Math.max(to, device.size()));
            device.read(buf.duplicate().position(0).limit((int) (alignedTo - alignedFrom)), alignedFrom);
            return buf.duplicate().position((int) (from - alignedFrom)).limit((int) (to - alignedFrom)).slice();
        }
    }
}
