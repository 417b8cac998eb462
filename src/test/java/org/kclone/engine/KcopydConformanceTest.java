package org.kclone.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kclone.testing.FaultyDevice;
import org.kclone.testing.MemoryDevice;

/** The conformance list of kcopyd-semantics.md, one test per point. */
class KcopydConformanceTest {

    private static final int CHUNK = 64 * 1024;
    private static final int CHUNK_SECTORS = CHUNK / 512;
    private static final Set<KcopydFlag> NO_FLAGS = EnumSet.noneOf(KcopydFlag.class);
    private static final KcopydNotify IGNORE = (r, w, res) -> { };

    private final List<KcopydClient> clients = new ArrayList<>();

    private KcopydClient client(int pages, int chunkBytes, int inFlight) {
        KcopydClient c = KcopydClient.create(pages, new KcopydConfig(chunkBytes, inFlight));
        clients.add(c);
        return c;
    }

    private KcopydClient client() {
        return client(256, CHUNK, 8);
    }

    @AfterEach
    void destroyClients() {
        clients.forEach(KcopydClient::destroy);
    }

    private static JobResult await(KcopydJob job) throws Exception {
        // A hang guard, not a timing assertion.
        return job.await(60, TimeUnit.SECONDS);
    }

    @Test
    void countZeroCompletesAsynchronouslyWithoutIo() throws Exception {
        FaultyDevice src = new FaultyDevice(MemoryDevice.random("src", 1 << 20, 1));
        FaultyDevice dst = new FaultyDevice(new MemoryDevice("dst", 1 << 20));
        AtomicReference<Thread> callbackThread = new AtomicReference<>();
        KcopydJob job = client().copy(new IoRegion(src, 100, 0), List.of(new IoRegion(dst, 7, 0)), NO_FLAGS,
                (r, w, res) -> callbackThread.set(Thread.currentThread()));
        JobResult result = await(job);
        assertTrue(result.succeeded(), result.toString());
        assertEquals(0, result.bytesCopied());
        assertNotNull(callbackThread.get(), "the callback ran");
        assertNotEquals(Thread.currentThread(), callbackThread.get());
        assertEquals(List.of(), src.reads());
        assertEquals(List.of(), dst.writes());
        assertEquals(0, dst.flushes(), "no I/O at all, not even a flush");
    }

    @Test
    void zeroDestinationsRefused() {
        MemoryDevice src = MemoryDevice.random("src", 1 << 20, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> client().copy(new IoRegion(src, 0, 8), List.of(), NO_FLAGS, IGNORE));
        assertTrue(e.getMessage().contains("at least one destination"), e.getMessage());
    }

    @Test
    void mismatchedDestinationCountRefused() {
        MemoryDevice src = MemoryDevice.random("src", 1 << 20, 3);
        MemoryDevice dst = new MemoryDevice("dst", 1 << 20);
        byte[] before = dst.bytes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> client().copy(new IoRegion(src, 0, 16),
                        List.of(new IoRegion(dst, 0, 16), new IoRegion(dst, 100, 15)), NO_FLAGS, IGNORE));
        assertTrue(e.getMessage().contains("destination 1"), e.getMessage());
        assertArrayEquals(before, dst.bytes(), "nothing written");
    }

    @Test
    void writeErrorBitsExactWithOneFailingDestination() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 1 << 20, 4);
        List<IoRegion> dests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            dests.add(new IoRegion(new FaultyDevice(new MemoryDevice("d" + i, 1 << 20)).failAllWrites(i == 1), 0, 2048));
        }
        JobResult result = await(client().copy(new IoRegion(src, 0, 2048), dests, NO_FLAGS, IGNORE));
        assertEquals(0b010L, result.writeErrorBits());
        assertFalse(result.readError());
        assertEquals(Set.of(1), result.destinationErrors().keySet());
        assertTrue(result.destinationErrors().get(1).getMessage().contains("injected write fault"));
    }

    @Test
    void writeErrorBitsExactWithSeveralFailingDestinations() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 1 << 20, 5);
        List<IoRegion> dests = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            boolean fails = i == 0 || i == 3 || i == 9;
            dests.add(new IoRegion(new FaultyDevice(new MemoryDevice("d" + i, 1 << 20)).failAllWrites(fails), 0, 2048));
        }
        AtomicReference<Long> notified = new AtomicReference<>();
        JobResult result = await(client().copy(new IoRegion(src, 0, 2048), dests, NO_FLAGS,
                (r, w, res) -> notified.set(w)));
        long expected = (1L << 0) | (1L << 3) | (1L << 9);
        assertEquals(expected, result.writeErrorBits());
        assertEquals(expected, notified.get(), "the callback's write_err carries the same bits");
    }

    @Test
    void noWriteAfterFailedReadWithoutIgnoreError() throws Exception {
        MemoryDevice srcMem = MemoryDevice.random("src", 1 << 20, 6);
        FaultyDevice src = new FaultyDevice(srcMem).badReadSectors(3 * CHUNK_SECTORS + 10, 1);
        FaultyDevice dst = new FaultyDevice(new MemoryDevice("dst", 1 << 20));
        // One chunk in flight: the failed chunk is the last thing that happens.
        JobResult result = await(client(256, CHUNK, 1).copy(new IoRegion(src, 0, 2048),
                List.of(new IoRegion(dst, 0, 2048)), NO_FLAGS, IGNORE));
        assertTrue(result.readError());
        assertEquals(0, result.writeErrorBits());
        assertEquals(List.of(new SectorRange(3 * CHUNK_SECTORS + 10, 1)), result.unreadable());
        for (FaultyDevice.Transfer w : dst.writes()) {
            assertTrue(w.position() < 3L * CHUNK, "write at " + w.position() + " after the failed read");
        }
        assertEquals(3, dst.writes().size(), "the three chunks before the bad one were written");
        assertEquals(3L * CHUNK, result.bytesCopied());
    }

    @Test
    void noWriteOfTheFailedChunkWithManyInFlight() throws Exception {
        MemoryDevice srcMem = MemoryDevice.random("src", 4 << 20, 7);
        FaultyDevice src = new FaultyDevice(srcMem).badReadSectors(5 * CHUNK_SECTORS, 1);
        // Slow writes hold the permits, so the fast failed read is seen long before chunk 15 could start.
        FaultyDevice dst = new FaultyDevice(new MemoryDevice("dst", 4 << 20)).writeDelay(5);
        JobResult result = await(client().copy(new IoRegion(src, 0, 16 * CHUNK_SECTORS),
                List.of(new IoRegion(dst, 0, 16 * CHUNK_SECTORS)), NO_FLAGS, IGNORE));
        assertTrue(result.readError());
        // Chunks issued while the bad one was still being read may finish; the bad one never is
        // written, and nothing is issued once the error is recorded, so the job ends early.
        for (FaultyDevice.Transfer w : dst.writes()) {
            assertNotEquals(5L * CHUNK, w.position(), "the chunk whose read failed was written");
        }
        assertTrue(dst.writes().size() < 15, "the job stopped early: " + dst.writes().size());
    }

    @Test
    void ignoreErrorWritesZerosAndReportsSectorExactRanges() throws Exception {
        MemoryDevice srcMem = MemoryDevice.random("src", 1 << 20, 8);
        FaultyDevice src = new FaultyDevice(srcMem)
                .badReadSectors(1000, 3)
                .badReadSectors(1003, 2)      // touching: reported as one range
                .badReadSectors(CHUNK_SECTORS * 4 - 1, 2) // across a chunk boundary
                .badReadSectors(1900, 1);
        MemoryDevice dst = MemoryDevice.random("dst", 1 << 20, 9);
        JobResult result = await(client().copy(new IoRegion(src, 0, 2048), List.of(new IoRegion(dst, 0, 2048)),
                EnumSet.of(KcopydFlag.IGNORE_ERROR), IGNORE));
        assertTrue(result.readError());
        assertEquals(0, result.writeErrorBits());
        assertEquals(List.of(new SectorRange(CHUNK_SECTORS * 4 - 1, 2), new SectorRange(1000, 5),
                new SectorRange(1900, 1)).stream().sorted((a, b) -> Long.compare(a.start(), b.start())).toList(),
                result.unreadable());
        byte[] expected = srcMem.bytes(0, 2048 * 512);
        for (SectorRange r : result.unreadable()) {
            java.util.Arrays.fill(expected, (int) r.start() * 512, (int) r.end() * 512, (byte) 0);
        }
        assertArrayEquals(expected, dst.bytes(0, 2048 * 512), "zeros exactly where unreadable, data elsewhere");
        assertEquals(2048L * 512, result.bytesCopied());
    }

    @Test
    void exactlyOneSubJobIsNotSplit() throws Exception {
        FaultyDevice src = new FaultyDevice(MemoryDevice.random("src", 1 << 20, 10));
        MemoryDevice dst = new MemoryDevice("dst", 1 << 20);
        await(client().copy(new IoRegion(src, 8, CHUNK_SECTORS), List.of(new IoRegion(dst, 0, CHUNK_SECTORS)),
                NO_FLAGS, IGNORE));
        assertEquals(List.of(new FaultyDevice.Transfer(8 * 512, CHUNK)), src.reads());
    }

    @Test
    void oneSectorMoreThanASubJobIsSplit() throws Exception {
        FaultyDevice src = new FaultyDevice(MemoryDevice.random("src", 1 << 20, 11));
        MemoryDevice dst = new MemoryDevice("dst", 1 << 20);
        await(client().copy(new IoRegion(src, 8, CHUNK_SECTORS + 1),
                List.of(new IoRegion(dst, 0, CHUNK_SECTORS + 1)), NO_FLAGS, IGNORE));
        List<FaultyDevice.Transfer> reads = new ArrayList<>(src.reads());
        reads.sort((a, b) -> Long.compare(a.position(), b.position()));
        assertEquals(List.of(new FaultyDevice.Transfer(8 * 512, CHUNK),
                new FaultyDevice.Transfer(8 * 512 + CHUNK, 512)), reads);
    }

    @Test
    void chunksAreIssuedInAscendingOrder() throws Exception {
        FaultyDevice src = new FaultyDevice(MemoryDevice.random("src", 4 << 20, 12));
        MemoryDevice dst = new MemoryDevice("dst", 4 << 20);
        await(client(256, CHUNK, 1).copy(new IoRegion(src, 0, 8192), List.of(new IoRegion(dst, 0, 8192)),
                NO_FLAGS, IGNORE));
        List<Long> positions = src.reads().stream().map(FaultyDevice.Transfer::position).toList();
        assertEquals(positions.stream().sorted().toList(), positions);
        assertEquals(8192 / CHUNK_SECTORS, positions.size());
    }

    @Test
    void writeSeqWritesEachDestinationInStrictlyAscendingOrder() throws Exception {
        // Reads finish out of order (random delays), yet each destination sees ascending writes.
        java.util.Random random = new java.util.Random(13);
        MemoryDevice srcMem = MemoryDevice.random("src", 4 << 20, 14);
        BlockDevice src = new BlockDevice() {
            @Override public String name() { return "jittery"; }
            @Override public long size() { return srcMem.size(); }
            @Override public int logicalSectorSize() { return 512; }
            @Override public void read(java.nio.ByteBuffer d, long p) throws java.io.IOException {
                try {
                    Thread.sleep(random.nextInt(4));
                } catch (InterruptedException e) {
                    throw new java.io.IOException(e);
                }
                srcMem.read(d, p);
            }
            @Override public void write(java.nio.ByteBuffer s, long p) { throw new UnsupportedOperationException(); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        List<FaultyDevice> dsts = List.of(new FaultyDevice(new MemoryDevice("a", 4 << 20)).writeDelay(1),
                new FaultyDevice(new MemoryDevice("b", 4 << 20)));
        JobResult result = await(client().copy(new IoRegion(src, 0, 8192),
                dsts.stream().map(d -> new IoRegion(d, 0, 8192)).toList(), EnumSet.of(KcopydFlag.WRITE_SEQ), IGNORE));
        assertTrue(result.succeeded(), result.toString());
        for (FaultyDevice d : dsts) {
            List<Long> positions = d.writes().stream().map(FaultyDevice.Transfer::position).toList();
            assertEquals(8192 / CHUNK_SECTORS, positions.size());
            for (int i = 1; i < positions.size(); i++) {
                assertTrue(positions.get(i) > positions.get(i - 1), d.name() + " out of order: " + positions);
            }
            assertArrayEquals(srcMem.bytes(0, 8192 * 512), ((MemoryDevice) unwrap(d)).bytes(0, 8192 * 512));
        }
    }

    @Test
    void writeSeqTurnsIgnoreErrorOffAndDoesNotHangAfterAReadError() throws Exception {
        FaultyDevice src = new FaultyDevice(MemoryDevice.random("src", 4 << 20, 15)).badReadSectors(CHUNK_SECTORS * 2, 1);
        FaultyDevice dst = new FaultyDevice(new MemoryDevice("dst", 4 << 20));
        JobResult result = await(client().copy(new IoRegion(src, 0, 8192), List.of(new IoRegion(dst, 0, 8192)),
                EnumSet.of(KcopydFlag.WRITE_SEQ, KcopydFlag.IGNORE_ERROR), IGNORE));
        assertTrue(result.readError());
        for (FaultyDevice.Transfer w : dst.writes()) {
            assertNotEquals(2L * CHUNK, w.position(), "IGNORE_ERROR must be off under WRITE_SEQ");
        }
    }

    @Test
    void writeSeqFailsLaterChunksWithoutIoAfterAWriteError() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 4 << 20, 16);
        FaultyDevice dst = new FaultyDevice(new MemoryDevice("dst", 4 << 20)).badWriteSectors(CHUNK_SECTORS, 1);
        JobResult result = await(client().copy(new IoRegion(src, 0, 8192), List.of(new IoRegion(dst, 0, 8192)),
                EnumSet.of(KcopydFlag.WRITE_SEQ), IGNORE));
        assertEquals(1L, result.writeErrorBits());
        List<Long> positions = dst.writes().stream().map(FaultyDevice.Transfer::position).toList();
        assertEquals(List.of(0L, (long) CHUNK), positions, "nothing is written to it after its failed write");
    }

    @Test
    void atMostNChunksInFlight() throws Exception {
        int inFlight = 3;
        KcopydClient c = client(1024, CHUNK, inFlight);
        MemoryDevice src = MemoryDevice.random("src", 4 << 20, 17);
        FaultyDevice dst = new FaultyDevice(new MemoryDevice("dst", 4 << 20)).writeDelay(5);
        JobResult result = await(c.copy(new IoRegion(src, 0, 8192), List.of(new IoRegion(dst, 0, 8192)), NO_FLAGS,
                IGNORE));
        assertTrue(result.succeeded());
        // Each chunk in flight holds one chunk of pages: with a slow writer the limit is reached, never passed.
        assertEquals(inFlight * (CHUNK / 4096), c.maxPagesInUse());
        assertTrue(dst.maxConcurrentTransfers() <= inFlight, "writes at once: " + dst.maxConcurrentTransfers());
        assertEquals(0, c.pagesInUse(), "every page went back");
    }

    @Test
    void exactlyOneCompletionPerJob() throws Exception {
        KcopydClient c = client();
        MemoryDevice src = MemoryDevice.random("src", 4 << 20, 18);
        List<AtomicInteger> counts = new ArrayList<>();
        List<KcopydJob> jobs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            AtomicInteger count = new AtomicInteger();
            counts.add(count);
            // A mix: plain, failing destination, failing read, zero length.
            FaultyDevice dst = new FaultyDevice(new MemoryDevice("d" + i, 1 << 20)).failAllWrites(i % 4 == 1);
            FaultyDevice s = new FaultyDevice(src).readDelay(0);
            if (i % 4 == 2) {
                s.badReadSectors(100, 1);
            }
            long n = i % 4 == 3 ? 0 : 1024;
            jobs.add(c.copy(new IoRegion(s, 0, n), List.of(new IoRegion(dst, 0, n)), NO_FLAGS,
                    (r, w, res) -> count.incrementAndGet()));
        }
        for (KcopydJob j : jobs) {
            await(j);
        }
        c.destroy(); // waits for everything; nothing may come after
        for (int i = 0; i < counts.size(); i++) {
            assertEquals(1, counts.get(i).get(), "job " + i);
        }
    }

    @Test
    void callbacksAreSerializedAndNeverOnTheCallersThread() throws Exception {
        KcopydClient c = client();
        MemoryDevice src = MemoryDevice.random("src", 1 << 20, 19);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(30);
        for (int i = 0; i < 30; i++) {
            c.copy(new IoRegion(src, 0, 256), List.of(new IoRegion(new MemoryDevice("d" + i, 1 << 20), 0, 256)),
                    NO_FLAGS, (r, w, res) -> {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        threads.add(Thread.currentThread());
                        try {
                            Thread.sleep(2);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        inside.decrementAndGet();
                        done.countDown();
                    });
        }
        assertTrue(done.await(60, TimeUnit.SECONDS));
        assertEquals(1, maxInside.get(), "two callbacks of one client ran at once");
        assertFalse(threads.contains(Thread.currentThread()));
        assertEquals(1, threads.size(), "one callback thread per client: " + threads);
    }

    @Test
    void destroyWaitsForRunningJobs() throws Exception {
        KcopydClient c = KcopydClient.create(256, new KcopydConfig(CHUNK, 2));
        MemoryDevice src = MemoryDevice.random("src", 4 << 20, 20);
        FaultyDevice dst = new FaultyDevice(new MemoryDevice("dst", 4 << 20)).writeDelay(3);
        AtomicInteger notified = new AtomicInteger();
        KcopydJob job = c.copy(new IoRegion(src, 0, 8192), List.of(new IoRegion(dst, 0, 8192)), NO_FLAGS,
                (r, w, res) -> notified.incrementAndGet());
        c.destroy();
        assertTrue(job.isDone(), "destroy returned before the job completed");
        assertEquals(1, notified.get(), "destroy returned before the callback ran");
        assertEquals(8192L * 512, job.await().bytesCopied());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> c.copy(new IoRegion(src, 0, 8), List.of(new IoRegion(dst, 0, 8)), NO_FLAGS, IGNORE));
        assertTrue(e.getMessage().contains("destroyed"), e.getMessage());
    }

    @Test
    void destroyFromACallbackFailsFastInsteadOfHanging() throws Exception {
        KcopydClient c = client();
        MemoryDevice src = MemoryDevice.random("src", 1 << 20, 21);
        AtomicReference<Throwable> fromDestroy = new AtomicReference<>();
        AtomicReference<Throwable> fromAwait = new AtomicReference<>();
        KcopydJob other = c.copy(new IoRegion(src, 0, 8), List.of(new IoRegion(new MemoryDevice("o", 1 << 20), 0, 8)),
                NO_FLAGS, IGNORE);
        KcopydJob job = c.copy(new IoRegion(src, 0, 8), List.of(new IoRegion(new MemoryDevice("d", 1 << 20), 0, 8)),
                NO_FLAGS, (r, w, res) -> {
                    try {
                        c.destroy();
                    } catch (Throwable t) {
                        fromDestroy.set(t);
                    }
                    try {
                        other.await();
                    } catch (Throwable t) {
                        fromAwait.set(t);
                    }
                });
        await(job);
        assertTrue(fromDestroy.get() instanceof IllegalStateException, String.valueOf(fromDestroy.get()));
        assertTrue(fromDestroy.get().getMessage().contains("own thread"), fromDestroy.get().getMessage());
        assertTrue(fromAwait.get() instanceof IllegalStateException, String.valueOf(fromAwait.get()));
    }

    @Test
    void pageBudgetNeverExceededAndProgressWithTheSmallestBudget() throws Exception {
        int pagesPerChunk = CHUNK / 4096;
        KcopydClient c = client(pagesPerChunk, CHUNK, 8);
        MemoryDevice src = MemoryDevice.random("src", 4 << 20, 22);
        List<MemoryDevice> dsts = new ArrayList<>();
        List<KcopydJob> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // three jobs compete for the one chunk the budget holds
            MemoryDevice d = new MemoryDevice("d" + i, 4 << 20);
            dsts.add(d);
            jobs.add(c.copy(new IoRegion(src, 0, 8000), List.of(new IoRegion(d, 0, 8000)), NO_FLAGS, IGNORE));
        }
        for (KcopydJob j : jobs) {
            assertTrue(await(j).succeeded());
        }
        for (MemoryDevice d : dsts) {
            assertArrayEquals(src.bytes(0, 8000 * 512), d.bytes(0, 8000 * 512));
        }
        assertEquals(pagesPerChunk, c.maxPagesInUse(), "never more than the budget");
    }

    @Test
    void aBudgetSmallerThanOneChunkIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KcopydClient.create(255, KcopydConfig.DEFAULT));
        assertTrue(e.getMessage().contains("smaller than one chunk"), e.getMessage());
    }

    private static BlockDevice unwrap(FaultyDevice d) {
        return d.wrapped();
    }
}
