package org.kclone.device.resume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.kclone.device.Sizes;
import org.kclone.device.verify.SourceHasher;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A resumed run's reading of the source's already-copied part ({@link JobMap#prefill}): read only,
 * into the hasher, unreadable sectors read around one by one, left as zeros and listed.
 */
final class CopiedPart {

    private static final Logger LOG = LoggerFactory.getLogger(CopiedPart.class);

    private final List<SectorRange> unreadable = new ArrayList<>();

    /** Reads {@code [0, skip)} of {@code whole} into {@code hasher}; the hasher, or null (closed) when it failed or was cancelled. */
    SourceHasher read(SourceHasher hasher, IoRegion whole, long skip,
            java.util.function.BooleanSupplier cancelled) {
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

    /** Sectors (of the device read) found unreadable. */
    List<SectorRange> unreadable() {
        synchronized (unreadable) {
            return SectorRange.coalesce(new ArrayList<>(unreadable));
        }
    }
}
