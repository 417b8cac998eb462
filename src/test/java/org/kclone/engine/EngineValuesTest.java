package org.kclone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kclone.testing.MemoryDevice;

/** The engine's small values and checks, each edge pinned: ranges, regions, results, config, pages. */
class EngineValuesTest {

    private static String refusal(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void sectorRanges() {
        SectorRange r = new SectorRange(0, 1);
        assertEquals(1, r.end());
        assertEquals("0+1", r.toString());
        assertEquals("bad sector range: start -1 count 1", refusal(() -> new SectorRange(-1, 1)));
        assertEquals("bad sector range: start 5 count 0", refusal(() -> new SectorRange(5, 0)));
        assertEquals(List.of(), SectorRange.coalesce(List.of()));
        assertEquals(List.of(new SectorRange(1, 9), new SectorRange(20, 1)), SectorRange.coalesce(List.of(
                new SectorRange(20, 1), new SectorRange(5, 5), new SectorRange(1, 4), new SectorRange(2, 1))),
                "unsorted; touching, overlapping and contained ranges join");
        assertEquals(List.of(new SectorRange(1, 1), new SectorRange(3, 1)),
                SectorRange.coalesce(List.of(new SectorRange(3, 1), new SectorRange(1, 1))), "a gap of one stays");
        List<SectorRange> in = new ArrayList<>(List.of(new SectorRange(9, 1), new SectorRange(1, 1)));
        SectorRange.coalesce(in);
        assertEquals(new SectorRange(9, 1), in.get(0), "the argument is left alone");
        assertThrows(UnsupportedOperationException.class, () -> SectorRange.coalesce(in).add(r));
    }

    @Test
    void ioRegions() {
        MemoryDevice d = new MemoryDevice("m", 4096);
        IoRegion r = new IoRegion(d, 3, 5);
        assertEquals(1536, r.byteOffset());
        assertEquals(2560, r.byteLength());
        assertEquals(8, r.endSector());
        assertEquals("m@3+5", r.toString());
        assertEquals(0, new IoRegion(d, 0, 0).byteLength());
        assertEquals("sector must not be negative: -1", refusal(() -> new IoRegion(d, -1, 1)));
        assertEquals("count must not be negative: -1", refusal(() -> new IoRegion(d, 0, -1)));
        long max = Long.MAX_VALUE / 512;
        assertEquals(max, new IoRegion(d, 1, max - 1).endSector(), "the largest region whose bytes fit a long");
        assertEquals("region too large: sector 1 count " + max, refusal(() -> new IoRegion(d, 1, max)));
        assertThrows(NullPointerException.class, () -> new IoRegion(null, 0, 1));
    }

    @Test
    void jobResultsAndProgress() {
        Map<Integer, Exception> errors = new HashMap<>();
        errors.put(2, new IOException("x"));
        JobResult failed = new JobResult(false, 0b100, errors, List.of(), 10, false);
        errors.clear();
        assertEquals(1, failed.destinationErrors().size(), "copied");
        assertTrue(failed.failed(2));
        assertFalse(failed.failed(1));
        assertFalse(failed.failed(3));
        assertFalse(failed.succeeded());
        assertTrue(new JobResult(false, 0, Map.of(), List.of(), 0, false).succeeded());
        assertFalse(new JobResult(true, 0, Map.of(), List.of(), 0, false).succeeded());
        assertFalse(new JobResult(false, 0, Map.of(), List.of(), 0, true).succeeded());
        assertTrue(new JobResult(false, 1L << 63, Map.of(), List.of(), 0, false).failed(63));

        long[] written = {1, 2};
        JobProgress p = new JobProgress(10, 5, written);
        written[0] = 99;
        assertEquals(1, p.bytesWritten(0), "copied in");
        p.bytesWritten()[1] = 99;
        assertEquals(2, p.bytesWritten(1), "copied out");
        assertEquals(10, p.totalBytes());
        assertEquals(5, p.bytesRead());
    }

    @Test
    void configEdges() {
        assertEquals(1, new KcopydConfig(4096, 1).pagesPerChunk());
        assertEquals(16384, new KcopydConfig(KcopydConfig.MAX_CHUNK_BYTES, 1).pagesPerChunk());
        String small = refusal(() -> new KcopydConfig(2048, 1));
        assertEquals("chunk size must be a multiple of 4096 bytes between 4 KiB and 64 MiB, not 2048", small);
        assertTrue(refusal(() -> new KcopydConfig(6144, 1)).endsWith("not 6144"));
        assertTrue(refusal(() -> new KcopydConfig(KcopydConfig.MAX_CHUNK_BYTES + 4096, 1)).contains("64 MiB"));
        assertEquals("chunks in flight must be at least 1, not 0", refusal(() -> new KcopydConfig(4096, 0)));
        KcopydConfig c = KcopydConfig.DEFAULT;
        assertEquals(1 << 20, c.chunkBytes());
        assertEquals(8, c.maxChunksInFlight());
        assertEquals(new KcopydConfig(8192, 8), c.withChunkBytes(8192));
        assertEquals(new KcopydConfig(1 << 20, 3), c.withMaxChunksInFlight(3));
    }

    @Test
    void clientCreationAndItsLimits() throws Exception {
        String budget = refusal(() -> KcopydClient.create(15, new KcopydConfig(64 << 10, 1)));
        assertEquals("a page budget of 15 pages (60 KiB) is smaller than one chunk of 64 KiB (16 pages): give at least"
                + " 16 pages or a smaller chunk size", budget);
        KcopydClient c = KcopydClient.create(16, new KcopydConfig(64 << 10, 1));
        try {
            assertEquals(16, c.numPages());
            assertEquals(new KcopydConfig(64 << 10, 1), c.config());
            assertTrue(c.toString().startsWith("KcopydClient[") && c.toString().contains("16 pages"), c.toString());
            assertEquals(0, c.throttle());
            c.setThrottle(123);
            assertEquals(123, c.throttle());
            assertTrue(refusal(() -> c.setThrottle(-5)).contains("-5"));
            assertFalse(c.isEngineThread());
            MemoryDevice src = new MemoryDevice("s", 1 << 20);
            List<IoRegion> many = new ArrayList<>();
            for (int i = 0; i < KcopydClient.MAX_DESTINATIONS + 1; i++) {
                many.add(new IoRegion(new MemoryDevice("d" + i, 512), 0, 1));
            }
            assertEquals("a job takes at most 64 destinations, got 65", refusal(() -> c.copy(new IoRegion(src, 0, 1),
                    many, EnumSet.noneOf(KcopydFlag.class), (a, b, x) -> { })));
            c.setThrottle(0);
            JobResult r = c.copy(new IoRegion(src, 0, 1), many.subList(0, 64), null, (a, b, x) -> { }).await();
            assertTrue(r.succeeded(), "64 destinations are allowed, and no flags is no flags");
            assertEquals(512, r.bytesCopied(), "every one of the 64 was written");
            assertEquals("the first destination has 1", refusal(() -> c.zero(List.of(new IoRegion(src, 0, 1),
                    new IoRegion(src, 8, 2)), EnumSet.noneOf(KcopydFlag.class), (a, b, x) -> { }))
                    .replaceAll(".*but (the first destination has 1).*", "$1"));
        } finally {
            c.destroy();
        }
        c.destroy(); // idempotent
        IllegalStateException gone = assertThrows(IllegalStateException.class, () -> c.zero(
                List.of(new IoRegion(new MemoryDevice("z", 512), 0, 1)), null, (a, b, x) -> { }));
        assertTrue(gone.getMessage().contains("has been destroyed"), gone.getMessage());
    }

    @Test
    void pagePoolHandsOutAlignedChunksAndCountsThem() throws Exception {
        PagePool pool = new PagePool(5, 2); // two buffers of 8 KiB; the fifth page is never usable
        assertEquals(5, pool.totalPages());
        ByteBuffer a = pool.acquire(() -> false);
        ByteBuffer b = pool.acquire(() -> false);
        assertEquals(8192, a.remaining());
        assertEquals(0, a.position());
        assertTrue(a.isDirect());
        assertEquals(0, a.alignmentOffset(0, 4096));
        assertEquals(4, pool.pagesInUse());
        assertNull(pool.acquire(() -> true), "none free and told to give up");
        a.position(100).limit(200);
        pool.release(a);
        assertEquals(2, pool.pagesInUse());
        ByteBuffer again = pool.acquire(() -> false);
        assertEquals(0, again.position(), "cleared for its next use");
        assertEquals(8192, again.limit());
        assertEquals(4, pool.maxPagesInUse());
        pool.release(again);
        pool.release(b);
        assertEquals(0, pool.pagesInUse());
        assertEquals(4, pool.maxPagesInUse(), "the most ever in use");
        pool.free();
        assertNull(pool.acquire(() -> true), "freed: nothing to hand out");
    }
}
