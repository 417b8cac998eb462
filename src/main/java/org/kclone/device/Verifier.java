package org.kclone.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;
import org.kclone.engine.UnskippableReadException;

/**
 * Compares a source region with destination regions by reading both back. Reads are widened to
 * 4096-byte boundaries and go into aligned buffers, so {@link org.kclone.engine.FileBlockDevice}
 * takes them through O_DIRECT and the page cache cannot answer for the device. The source is read
 * once per window and compared with every destination in parallel.
 */
public final class Verifier {

    /**
     * One destination's verdict. {@code mismatches} are sectors relative to the region's start
     * ({@link Report.Mismatch#of} names them on each device); {@code error} is set when it could
     * not be read back.
     */
    public record Outcome(List<SectorRange> mismatches, IOException error) {
        public boolean ok() {
            return mismatches.isEmpty() && error == null;
        }
    }

    /**
     * Every destination's verdict, and source sectors that could not be read (expected as zeros).
     * {@code sourceBroken} is set when the source could not be read on past a point (a compressed
     * image whose stream broke): the comparison stopped at the window where it broke.
     */
    public record Result(List<Outcome> destinations, List<SectorRange> unreadableSource, boolean cancelled,
            UnskippableReadException sourceBroken) {
        public Result(List<Outcome> destinations, List<SectorRange> unreadableSource, boolean cancelled) {
            this(destinations, unreadableSource, cancelled, null);
        }
    }

    private static final int WINDOW = 4 << 20;
    private static final int ALIGN = 4096;

    private Verifier() {
    }

    /**
     * Compares whole sectors: {@code source.byteLength()} bytes of each region.
     *
     * @param knownUnreadable source sectors the copy could not read (written as zeros): expected as zeros
     * @param progress called with the bytes verified so far (per window)
     * @param cancelled polled between windows
     */
    public static Result verify(IoRegion source, List<IoRegion> dests, List<SectorRange> knownUnreadable,
            LongConsumer progress, BooleanSupplier cancelled) {
        return verify(source, source.byteLength(), dests, knownUnreadable, progress, cancelled);
    }

    /**
     * Compares the first {@code bytes} bytes of the source region with those of every destination
     * region, every byte (the last sector may be partial: an image file of odd size). A destination
     * that ends before its region's {@code bytes} does is compared as far as it goes, and every
     * sector past its end is a mismatch.
     */
    public static Result verify(IoRegion source, long bytes, List<IoRegion> dests, List<SectorRange> knownUnreadable,
            LongConsumer progress, BooleanSupplier cancelled) {
        if (bytes > source.byteLength() || bytes <= source.byteLength() - Sizes.SECTOR) {
            throw new IllegalArgumentException(bytes + " bytes do not end in the last of " + source.count()
                    + " sectors");
        }
        int n = dests.size();
        List<List<SectorRange>> mismatches = new ArrayList<>();
        IOException[] errors = new IOException[n];
        for (int i = 0; i < n; i++) {
            mismatches.add(new ArrayList<>());
        }
        List<SectorRange> unreadable = new ArrayList<>(knownUnreadable);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, n), r -> {
            Thread t = new Thread(r, "kclone-verify");
            t.setDaemon(true);
            return t;
        });
        Window srcWin = new Window();
        Window[] dstWin = new Window[n];
        for (int i = 0; i < n; i++) {
            dstWin[i] = new Window();
        }
        boolean wasCancelled = false;
        UnskippableReadException broken = null;
        try {
            long total = source.count();
            for (long done = 0; done < total; ) {
                if (cancelled.getAsBoolean()) {
                    wasCancelled = true;
                    break;
                }
                long first = done;
                // the last window ends with the bytes to compare (a partial last sector: an odd-size image)
                int length = (int) Math.min(WINDOW, bytes - first * Sizes.SECTOR);
                ByteBuffer expected;
                try {
                    expected = readSource(source, first, length, srcWin, unreadable);
                } catch (UnskippableReadException e) {
                    broken = e; // a broken stream: nothing past it can be compared (nor read as zeros)
                    break;
                }
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (errors[i] != null) {
                        continue;
                    }
                    int d = i;
                    futures.add(pool.submit(() -> {
                        try {
                            IoRegion dest = dests.get(d);
                            long at = dest.byteOffset() + first * Sizes.SECTOR;
                            int there = (int) Math.max(0, Math.min(length, dest.device().size() - at));
                            ByteBuffer got = dstWin[d].read(dest.device(), at, there);
                            compare(expected, got, first, mismatches.get(d));
                        } catch (IOException e) {
                            errors[d] = e;
                        }
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
                done += WINDOW / Sizes.SECTOR;
                progress.accept(first * Sizes.SECTOR + length);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            wasCancelled = true;
        } catch (ExecutionException e) {
            throw new IllegalStateException("verification failed inside", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Outcome(SectorRange.coalesce(mismatches.get(i)), errors[i]));
        }
        return new Result(out, SectorRange.coalesce(unreadable), wasCancelled, broken);
    }

    /**
     * Reads the source window; sectors known or found unreadable read as zeros.
     *
     * @throws UnskippableReadException when the source cannot be read on (a broken compressed stream)
     */
    private static ByteBuffer readSource(IoRegion source, long first, int length, Window win,
            List<SectorRange> unreadable) throws UnskippableReadException {
        long abs = source.sector() + first;
        long sectors = (length + Sizes.SECTOR - 1) / Sizes.SECTOR;
        try {
            ByteBuffer b = win.read(source.device(), abs * Sizes.SECTOR, length);
            zeroKnown(b, abs, sectors, unreadable);
            return b;
        } catch (UnskippableReadException e) {
            throw e;
        } catch (IOException e) {
            // Sector by sector: what reads is compared, what does not is expected as zeros.
            ByteBuffer b = win.buffer(length);
            for (long s = 0; s < sectors; s++) {
                ByteBuffer one = b.duplicate().position((int) (s * Sizes.SECTOR))
                        .limit((int) Math.min((s + 1) * Sizes.SECTOR, length));
                try {
                    source.device().read(one, (abs + s) * Sizes.SECTOR);
                } catch (IOException ex) {
                    unreadable.add(new SectorRange(abs + s, 1)); // zeroed with the known ones below
                }
            }
            zeroKnown(b, abs, sectors, unreadable);
            return b.position(0).limit(length);
        }
    }

    private static void zeroKnown(ByteBuffer b, long abs, long sectors, List<SectorRange> unreadable) {
        for (SectorRange r : unreadable) {
            long from = Math.max(r.start(), abs);
            long to = Math.min(r.end(), abs + sectors);
            for (long s = from; s < to; s++) {
                for (int k = 0; k < Sizes.SECTOR && (s - abs) * Sizes.SECTOR + k < b.limit(); k++) {
                    b.put((int) ((s - abs) * Sizes.SECTOR + k), (byte) 0);
                }
            }
        }
    }

    /**
     * Compares a window sector by sector. {@code got} may be shorter than {@code expected} (the
     * destination ended): every sector it does not fully hold is a mismatch.
     */
    private static void compare(ByteBuffer expected, ByteBuffer got, long firstSector, List<SectorRange> out) {
        int length = expected.remaining();
        int sectors = (length + Sizes.SECTOR - 1) / Sizes.SECTOR;
        if (got.remaining() == length && expected.duplicate().mismatch(got.duplicate()) == -1) {
            return;
        }
        for (int s = 0; s < sectors; s++) {
            int from = s * Sizes.SECTOR;
            int to = Math.min(from + Sizes.SECTOR, length);
            boolean differs = to > got.remaining()
                    || expected.duplicate().position(from).limit(to).mismatch(got.duplicate().position(from).limit(to)) != -1;
            if (differs) {
                out.add(new SectorRange(firstSector + s, 1));
            }
        }
    }

    /** A reusable aligned buffer that reads a sector range through an aligned (O_DIRECT-able) window. */
    private static final class Window {
        private ByteBuffer buf = ByteBuffer.allocateDirect(WINDOW + 2 * ALIGN + ALIGN).alignedSlice(ALIGN);

        ByteBuffer buffer(int length) {
            return buf.duplicate().position(0).limit(length);
        }

        /** Reads {@code length} bytes at byte {@code from}, widened to the alignment within the device. */
        ByteBuffer read(BlockDevice device, long from, int length) throws IOException {
            if (length == 0) {
                return buf.duplicate().position(0).limit(0).slice();
            }
            long to = from + length;
            long alignedFrom = from / ALIGN * ALIGN;
            long alignedTo = Math.min((to + ALIGN - 1) / ALIGN * ALIGN, Math.max(to, device.size()));
            ByteBuffer w = buf.duplicate().position(0).limit((int) (alignedTo - alignedFrom));
            device.read(w, alignedFrom);
            return buf.duplicate().position((int) (from - alignedFrom)).limit((int) (to - alignedFrom)).slice();
        }
    }
}
