package org.kclone.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kclone.testing.FaultyDevice;
import org.kclone.testing.MemoryDevice;

/** Faults through the fault-injecting wrapper, and the engine's additions: drop, cancel, throttle, flush. */
class KcopydFaultTest {

    private static final int CHUNK = 64 * 1024;
    private static final int SECTORS = 8192; // 4 MiB
    private static final Set<KcopydFlag> NO_FLAGS = EnumSet.noneOf(KcopydFlag.class);

    private final KcopydClient client = KcopydClient.create(256, new KcopydConfig(CHUNK, 8));

    @AfterEach
    void destroy() {
        client.destroy();
    }

    private static JobResult await(KcopydJob job) throws Exception {
        return job.await(60, TimeUnit.SECONDS); // a hang guard, not a timing assertion
    }

    @Test
    void readErrorWithoutIgnoreErrorReportsTheExactRangeAndStops() throws Exception {
        MemoryDevice mem = MemoryDevice.random("src", 8 << 20, 1);
        FaultyDevice src = new FaultyDevice(mem).badReadSectors(3000, 7);
        MemoryDevice dst = MemoryDevice.random("dst", 8 << 20, 2);
        byte[] before = dst.bytes();
        JobResult r = await(client.copy(new IoRegion(src, 100, SECTORS), List.of(new IoRegion(dst, 0, SECTORS)),
                NO_FLAGS, (a, b, c) -> { }));
        assertTrue(r.readError());
        assertEquals(List.of(new SectorRange(3000, 7)), r.unreadable(), "absolute source sectors");
        // The chunk holding the bad sectors (region bytes [2900*512 ...]) was not written: old bytes stay.
        long chunkStart = (2900L * 512) / CHUNK * CHUNK;
        assertArrayEquals(Arrays.copyOfRange(before, (int) chunkStart, (int) chunkStart + CHUNK),
                dst.bytes(chunkStart, chunkStart + CHUNK));
        assertFalse(r.succeeded());
    }

    @Test
    void unreadableRangesReachTheListenerAsTheyAreFound() throws Exception {
        FaultyDevice src = new FaultyDevice(MemoryDevice.random("src", 8 << 20, 30)).badReadSectors(3000, 7)
                .badReadSectors(7000, 1);
        List<SectorRange> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        JobResult r = await(client.copy(new IoRegion(src, 0, SECTORS),
                List.of(new IoRegion(new MemoryDevice("d", 8 << 20), 0, SECTORS)), EnumSet.of(KcopydFlag.IGNORE_ERROR),
                (a, b, c) -> { }, new ProgressListener() {
                    @Override
                    public void unreadable(long start, long count) {
                        seen.add(new SectorRange(start, count));
                    }
                }));
        assertEquals(r.unreadable(), SectorRange.coalesce(seen));
        assertEquals(List.of(new SectorRange(3000, 7), new SectorRange(7000, 1)), r.unreadable());
    }

    @Test
    void readErrorWithIgnoreErrorWritesZerosThereAndEverythingElse() throws Exception {
        MemoryDevice mem = MemoryDevice.random("src", 8 << 20, 3);
        FaultyDevice src = new FaultyDevice(mem).badReadSectors(3000, 7);
        List<MemoryDevice> dsts = List.of(new MemoryDevice("a", 8 << 20), new MemoryDevice("b", 8 << 20));
        JobResult r = await(client.copy(new IoRegion(src, 100, SECTORS),
                dsts.stream().map(d -> new IoRegion(d, 16, SECTORS)).toList(), EnumSet.of(KcopydFlag.IGNORE_ERROR),
                (a, b, c) -> { }));
        assertTrue(r.readError());
        assertEquals(0, r.writeErrorBits());
        assertEquals(List.of(new SectorRange(3000, 7)), r.unreadable());
        byte[] want = mem.bytes(100 * 512, (100L + SECTORS) * 512);
        Arrays.fill(want, (3000 - 100) * 512, (3007 - 100) * 512, (byte) 0);
        for (MemoryDevice d : dsts) {
            assertArrayEquals(want, d.bytes(16 * 512, (16L + SECTORS) * 512), d.name());
        }
    }

    @Test
    void writeErrorWithoutDropStopsTheJob() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 8 << 20, 4);
        FaultyDevice bad = new FaultyDevice(new MemoryDevice("bad", 8 << 20)).badWriteSectors(4000, 1);
        MemoryDevice good = new MemoryDevice("good", 8 << 20);
        JobResult r = await(client(1).copy(new IoRegion(src, 0, SECTORS),
                List.of(new IoRegion(good, 0, SECTORS), new IoRegion(bad, 0, SECTORS)), NO_FLAGS, (a, b, c) -> { }));
        assertEquals(0b10L, r.writeErrorBits());
        assertTrue(r.destinationErrors().get(1).getMessage().contains("injected write fault"));
        // Kernel rule: no new chunk after the error, so the good destination is incomplete too.
        byte[] tail = good.bytes((long) SECTORS * 512 - CHUNK, (long) SECTORS * 512);
        assertArrayEquals(new byte[CHUNK], tail, "the last chunk was never written");
    }

    @Test
    void writeErrorWithDropFinishesTheOthers() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 8 << 20, 5);
        List<BlockDevice> devices = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            MemoryDevice m = new MemoryDevice("stick" + i, 8 << 20);
            devices.add(i == 3 ? new FaultyDevice(m).badWriteSectors(4000, 1)
                    : i == 7 ? new FaultyDevice(m).failAllWrites(true) : m);
        }
        Set<Integer> failedSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger failureCalls = new AtomicInteger();
        JobResult r = await(client.copy(new IoRegion(src, 0, SECTORS),
                devices.stream().map(d -> new IoRegion(d, 0, SECTORS)).toList(),
                EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS), (a, b, c) -> { }, new ProgressListener() {
                    @Override
                    public void destinationFailed(int destination, Exception error) {
                        failedSeen.add(destination);
                        failureCalls.incrementAndGet();
                    }
                }));
        assertEquals(2, failureCalls.get());
        assertEquals((1L << 3) | (1L << 7), r.writeErrorBits());
        assertEquals(Set.of(3, 7), r.destinationErrors().keySet());
        assertEquals(Set.of(3, 7), failedSeen, "the listener heard of each failure once");
        assertFalse(r.readError());
        assertEquals((long) SECTORS * 512, r.bytesCopied(), "the survivors got everything");
        byte[] want = src.bytes(0, (long) SECTORS * 512);
        for (BlockDevice d : devices) {
            if (d instanceof MemoryDevice m) {
                assertArrayEquals(want, m.bytes(0, (long) SECTORS * 512), m.name());
            }
        }
    }

    @Test
    void aSlowDestinationHoldsTheJobButEveryDestinationCompletes() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 8 << 20, 6);
        FaultyDevice slow = new FaultyDevice(new MemoryDevice("slow", 8 << 20)).writeDelay(4);
        FaultyDevice fast = new FaultyDevice(new MemoryDevice("fast", 8 << 20));
        AtomicLong progressCalls = new AtomicLong();
        JobResult r = await(client.copy(new IoRegion(src, 0, SECTORS),
                List.of(new IoRegion(slow, 0, SECTORS), new IoRegion(fast, 0, SECTORS)), NO_FLAGS, (a, b, c) -> { },
                new ProgressListener() {
                    @Override
                    public void bytesWritten(int destination, long total) {
                        progressCalls.incrementAndGet();
                    }
                }));
        assertTrue(r.succeeded());
        assertEquals(2L * SECTORS * 512 / CHUNK, progressCalls.get(), "one progress call per chunk per destination");
        assertEquals(SECTORS * 512 / CHUNK, slow.writes().size());
        assertEquals(1, slow.flushes());
        assertEquals(1, fast.flushes());
        // Each chunk was read once for both destinations.
        assertTrue(slow.maxConcurrentTransfers() > 1, "the slow device had several chunks in flight");
    }

    @Test
    void cancelStopsIssuingFlushesAndReportsCancelled() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 64 << 20, 7);
        FaultyDevice dst = new FaultyDevice(new MemoryDevice("dst", 64 << 20)).writeDelay(5);
        CountDownLatch started = new CountDownLatch(1);
        KcopydJob job = client.copy(new IoRegion(src, 0, 131072), List.of(new IoRegion(dst, 0, 131072)), NO_FLAGS,
                (a, b, c) -> { }, new ProgressListener() {
                    @Override
                    public void bytesWritten(int destination, long total) {
                        started.countDown();
                    }
                });
        assertTrue(started.await(30, TimeUnit.SECONDS));
        job.cancel();
        JobResult r = await(job);
        assertTrue(r.cancelled());
        assertFalse(r.succeeded());
        assertTrue(r.bytesCopied() > 0 && r.bytesCopied() < 131072L * 512, "bytes " + r.bytesCopied());
        assertEquals(r.bytesCopied(), job.progress().bytesWritten(0));
        assertEquals(1, dst.flushes(), "what was written is flushed");
        assertEquals(r.bytesCopied() / CHUNK, dst.writes().size(), "every write issued was completed and counted");
    }

    @Test
    void throttleChangedWhileRunningTakesEffect() throws Exception {
        // Simulated time that stands still: under the limit the issuer waits until the limit changes
        // (setThrottle wakes it), and the test sees it waiting instead of sleeping to guess.
        CountDownLatch waiting = new CountDownLatch(1);
        Throttle frozen = new Throttle(() -> 0L, (monitor, nanos) -> {
            waiting.countDown();
            monitor.wait();
        });
        KcopydClient c = KcopydClient.create(256, new KcopydConfig(CHUNK, 8), frozen);
        try {
            c.setThrottle(1); // one byte per second: after the first chunk, nothing moves
            MemoryDevice src = MemoryDevice.random("src", 8 << 20, 8);
            MemoryDevice dst = new MemoryDevice("dst", 8 << 20);
            CountDownLatch firstChunk = new CountDownLatch(1);
            KcopydJob job = c.copy(new IoRegion(src, 0, SECTORS), List.of(new IoRegion(dst, 0, SECTORS)), NO_FLAGS,
                    (a, b, x) -> { }, new ProgressListener() {
                        @Override
                        public void bytesWritten(int destination, long total) {
                            firstChunk.countDown();
                        }
                    });
            assertTrue(firstChunk.await(30, TimeUnit.SECONDS));
            assertTrue(waiting.await(30, TimeUnit.SECONDS), "the issuer waits in the throttle");
            assertEquals(CHUNK, job.progress().bytesRead(), "held back to one chunk by the limit");
            c.setThrottle(0);
            JobResult r = await(job);
            assertTrue(r.succeeded());
            assertArrayEquals(src.bytes(0, (long) SECTORS * 512), dst.bytes(0, (long) SECTORS * 512));
        } finally {
            c.destroy();
        }
    }

    @Test
    void cancelWhileThrottledStillCompletes() throws Exception {
        KcopydClient c = KcopydClient.create(256, new KcopydConfig(CHUNK, 8));
        try {
            c.setThrottle(1);
            MemoryDevice src = MemoryDevice.random("src", 8 << 20, 9);
            CountDownLatch firstChunk = new CountDownLatch(1);
            KcopydJob job = c.copy(new IoRegion(src, 0, SECTORS),
                    List.of(new IoRegion(new MemoryDevice("d", 8 << 20), 0, SECTORS)), NO_FLAGS, (a, b, x) -> { },
                    new ProgressListener() {
                        @Override
                        public void bytesWritten(int destination, long total) {
                            firstChunk.countDown();
                        }
                    });
            assertTrue(firstChunk.await(30, TimeUnit.SECONDS));
            job.cancel(); // the issuer is now waiting in the throttle for a second chunk
            JobResult r = await(job);
            assertTrue(r.cancelled());
            assertEquals(CHUNK, r.bytesCopied());
        } finally {
            c.destroy();
        }
    }

    @Test
    void successIsReportedOnlyAfterEveryDestinationIsFlushed() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 8 << 20, 10);
        List<FaultyDevice> dsts = List.of(new FaultyDevice(new MemoryDevice("a", 8 << 20)),
                new FaultyDevice(new MemoryDevice("b", 8 << 20)));
        List<Integer> flushesSeenByCallback = new ArrayList<>();
        JobResult r = await(client.copy(new IoRegion(src, 0, SECTORS),
                dsts.stream().map(d -> new IoRegion(d, 0, SECTORS)).toList(), NO_FLAGS,
                (a, b, x) -> dsts.forEach(d -> flushesSeenByCallback.add(d.flushes()))));
        assertTrue(r.succeeded());
        assertEquals(List.of(1, 1), flushesSeenByCallback);
    }

    @Test
    void aFailedFlushFailsThatDestination() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 8 << 20, 11);
        FaultyDevice bad = new FaultyDevice(new MemoryDevice("a", 8 << 20)).failFlush(true);
        MemoryDevice good = new MemoryDevice("b", 8 << 20);
        JobResult r = await(client.copy(new IoRegion(src, 0, SECTORS),
                List.of(new IoRegion(good, 0, SECTORS), new IoRegion(bad, 0, SECTORS)),
                EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS), (a, b, x) -> { }));
        assertEquals(0b10L, r.writeErrorBits());
        assertTrue(r.destinationErrors().get(1).getMessage().contains("flush"));
        assertEquals(1, good.flushes());
    }

    @Test
    void aThrowingListenerDoesNotBreakTheJob() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 8 << 20, 12);
        MemoryDevice dst = new MemoryDevice("d", 8 << 20);
        AtomicInteger calls = new AtomicInteger();
        JobResult r = await(client.copy(new IoRegion(src, 0, SECTORS), List.of(new IoRegion(dst, 0, SECTORS)), NO_FLAGS,
                (a, b, x) -> { }, new ProgressListener() {
                    @Override
                    public void bytesRead(long total) {
                        calls.incrementAndGet();
                        throw new IllegalStateException("listener bug");
                    }
                }));
        assertTrue(r.succeeded());
        assertEquals(SECTORS * 512 / CHUNK, calls.get(), "still called for every chunk");
        assertArrayEquals(src.bytes(0, (long) SECTORS * 512), dst.bytes(0, (long) SECTORS * 512));
    }

    @Test
    void zeroWritesZerosWithoutPagesAndTouchesNothingElse() throws Exception {
        List<MemoryDevice> dsts = List.of(MemoryDevice.random("a", 8 << 20, 13), MemoryDevice.random("b", 8 << 20, 14));
        List<byte[]> before = dsts.stream().map(MemoryDevice::bytes).toList();
        JobResult r = await(client.zero(dsts.stream().map(d -> new IoRegion(d, 33, 5000)).toList(), NO_FLAGS,
                (a, b, x) -> { }));
        assertTrue(r.succeeded());
        assertEquals(5000L * 512, r.bytesCopied());
        assertEquals(0, client.maxPagesInUse(), "zeroing takes no pages");
        for (int i = 0; i < dsts.size(); i++) {
            byte[] want = before.get(i).clone();
            Arrays.fill(want, 33 * 512, (33 + 5000) * 512, (byte) 0);
            assertArrayEquals(want, dsts.get(i).bytes());
            assertEquals(1, dsts.get(i).flushes());
        }
    }

    private KcopydClient extra;

    private KcopydClient client(int inFlight) {
        extra = KcopydClient.create(256, new KcopydConfig(CHUNK, inFlight));
        return extra;
    }

    @AfterEach
    void destroyExtra() {
        if (extra != null) {
            extra.destroy();
        }
    }
}
