package org.kclone.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kclone.testing.FaultyDevice;
import org.kclone.testing.MemoryDevice;

/**
 * The engine's edges, each pinned: a job whose every destination was dropped stops reading; the
 * bandwidth cap holds its rate on simulated time; regions at the very end of a device, of one
 * sector, and one sector longer than a chunk.
 */
class KcopydBoundaryTest {

    private static final int CHUNK = 64 * 1024;
    private static final int CHUNK_SECTORS = CHUNK / 512;
    private static final Set<KcopydFlag> NO_FLAGS = EnumSet.noneOf(KcopydFlag.class);
    private static final Set<KcopydFlag> DROP = EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS);
    private static final KcopydNotify IGNORE = (r, w, res) -> { };

    private final List<KcopydClient> clients = new ArrayList<>();

    private KcopydClient client(int inFlight) {
        KcopydClient c = KcopydClient.create(256, new KcopydConfig(CHUNK, inFlight));
        clients.add(c);
        return c;
    }

    @AfterEach
    void destroyClients() {
        clients.forEach(KcopydClient::destroy);
    }

    private static JobResult await(KcopydJob job) throws Exception {
        return job.await(60, TimeUnit.SECONDS); // a hang guard, not a timing assertion
    }

    // ---- every destination dropped ----------------------------------------------------------

    /** Counts the source's reads when the listener hears of the last destination failing. */
    private static final class LastDrop implements ProgressListener {
        private final FaultyDevice source;
        private final int destinations;
        private final AtomicInteger failed = new AtomicInteger();
        volatile int readsWhenAllFailed = -1;

        LastDrop(FaultyDevice source, int destinations) {
            this.source = source;
            this.destinations = destinations;
        }

        @Override
        public void destinationFailed(int destination, Exception error) {
            if (failed.incrementAndGet() == destinations) {
                readsWhenAllFailed = source.reads().size();
            }
        }
    }

    private void assertStopsReadingOnceAllAreDropped(Set<KcopydFlag> flags, boolean secondFailsLate) throws Exception {
        int inFlight = 4;
        int chunks = 128;
        int sectors = chunks * CHUNK_SECTORS;
        FaultyDevice src = new FaultyDevice(MemoryDevice.random("src", chunks * CHUNK, 31));
        FaultyDevice a = new FaultyDevice(new MemoryDevice("a", chunks * CHUNK)).failAllWrites(true);
        FaultyDevice b = new FaultyDevice(new MemoryDevice("b", chunks * CHUNK));
        int lateChunk = 40;
        if (secondFailsLate) {
            b.badWriteSectors((long) lateChunk * CHUNK_SECTORS, sectors - (long) lateChunk * CHUNK_SECTORS);
        } else {
            b.failAllWrites(true);
        }
        LastDrop drops = new LastDrop(src, 2);
        JobResult r = await(client(inFlight).copy(new IoRegion(src, 0, sectors),
                List.of(new IoRegion(a, 0, sectors), new IoRegion(b, 0, sectors)), flags, IGNORE, drops));
        assertEquals(0b11L, r.writeErrorBits());
        assertEquals(0, r.bytesCopied());
        assertTrue(drops.readsWhenAllFailed >= 1, "the listener heard both failures");
        int reads = src.reads().size();
        // After the last destination is dropped nothing new is read: only chunks already holding one
        // of the other in-flight permits (the failing chunk holds one itself) may still be read.
        assertTrue(reads <= drops.readsWhenAllFailed + inFlight - 1, reads + " source reads, "
                + drops.readsWhenAllFailed + " of them before the last destination was dropped");
        if (secondFailsLate) {
            // While one destination stands, reading goes on: b fails only when chunk 40 reaches it,
            // and every chunk up to 40 had been issued (in ascending order), so all were read.
            assertTrue(reads >= lateChunk + 1, "stopped reading with a destination standing: " + reads + " reads");
            assertTrue(b.writes().stream().anyMatch(w -> w.position() >= (long) lateChunk * CHUNK),
                    "b was written until it failed");
        }
        assertTrue(reads < chunks / 2, "read on after every destination was gone: " + reads + " of " + chunks);
    }

    @Test
    void aJobWhoseEveryDestinationIsDroppedStopsReading() throws Exception {
        assertStopsReadingOnceAllAreDropped(DROP, false);
    }

    @Test
    void droppingOneOfTwoGoesOnReadingDroppingTheSecondStops() throws Exception {
        assertStopsReadingOnceAllAreDropped(DROP, true);
    }

    @Test
    void underWriteSeqTooEveryDestinationDroppedStopsReading() throws Exception {
        assertStopsReadingOnceAllAreDropped(EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS, KcopydFlag.WRITE_SEQ),
                true);
    }

    @Test
    void aDroppedDestinationGetsNoFurtherWriteAndIsReportedOnce() throws Exception {
        int sectors = 16 * CHUNK_SECTORS;
        MemoryDevice srcMem = MemoryDevice.random("src", 16 * CHUNK, 41);
        List<FaultyDevice> dests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            dests.add(new FaultyDevice(new MemoryDevice("d" + i, 16 * CHUNK)).failAllWrites(i == 2));
        }
        List<Integer> told = new CopyOnWriteArrayList<>();
        // One chunk in flight: chunk n+1 starts after chunk n is done, so after the first failure
        // destination 2 must see no write at all.
        JobResult r = await(client(1).copy(new IoRegion(srcMem, 0, sectors),
                dests.stream().map(d -> new IoRegion(d, 0, sectors)).toList(), DROP, IGNORE, new ProgressListener() {
                    @Override
                    public void destinationFailed(int destination, Exception error) {
                        told.add(destination);
                    }
                }));
        assertEquals(1L << 2, r.writeErrorBits());
        assertEquals(List.of(2), told);
        assertEquals(1, dests.get(2).writes().size(), "writes to the dropped destination: " + dests.get(2).writes());
        assertEquals(0, dests.get(2).flushes(), "a dropped destination is not flushed");
        assertEquals(16L * CHUNK, r.bytesCopied());
        for (int i : new int[] {0, 1, 3}) {
            assertEquals(16, dests.get(i).writes().size());
            assertEquals(1, dests.get(i).flushes());
        }
    }

    // ---- the bandwidth cap through the engine -------------------------------------------------

    /** Records the simulated time of each read. */
    private static final class TimedReads implements BlockDevice {
        private final BlockDevice inner;
        private final SimulatedTime time;
        final List<long[]> reads = new CopyOnWriteArrayList<>();

        TimedReads(BlockDevice inner, SimulatedTime time) {
            this.inner = inner;
            this.time = time;
        }

        @Override public String name() { return inner.name(); }
        @Override public long size() throws IOException { return inner.size(); }
        @Override public int logicalSectorSize() { return inner.logicalSectorSize(); }
        @Override public void write(ByteBuffer src, long position) throws IOException { inner.write(src, position); }
        @Override public void flush() throws IOException { inner.flush(); }
        @Override public void close() throws IOException { inner.close(); }

        @Override
        public void read(ByteBuffer dst, long position) throws IOException {
            reads.add(new long[] {time.now(), dst.remaining()});
            inner.read(dst, position);
        }
    }

    @Test
    void theLimitHoldsItsRateInEverySimulatedSecond() throws Exception {
        long rate = 4L << 20;
        int seconds = 8;
        int bytes = (int) rate * seconds;
        SimulatedTime time = new SimulatedTime(5 * SimulatedTime.SECOND);
        // One chunk in flight: a chunk is read before the issuer can ask the throttle for the next,
        // so each read carries the simulated time at which the throttle let it go.
        KcopydClient c = KcopydClient.create(256, new KcopydConfig(CHUNK, 1), time.throttle());
        clients.add(c);
        c.setThrottle(rate);
        assertEquals(rate, c.throttle());
        MemoryDevice srcMem = MemoryDevice.random("src", bytes, 32);
        TimedReads src = new TimedReads(srcMem, time);
        MemoryDevice dst = new MemoryDevice("dst", bytes);
        JobResult r = await(c.copy(new IoRegion(src, 0, bytes / 512), List.of(new IoRegion(dst, 0, bytes / 512)),
                NO_FLAGS, IGNORE));
        assertTrue(r.succeeded());
        assertArrayEquals(srcMem.bytes(), dst.bytes());
        long start = src.reads.get(0)[0];
        for (int s = 0; s < seconds; s++) {
            long from = start + s * SimulatedTime.SECOND;
            long to = from + SimulatedTime.SECOND;
            long inSecond = src.reads.stream().filter(x -> x[0] >= from && x[0] < to).mapToLong(x -> x[1]).sum();
            assertTrue(Math.abs(inSecond - rate) <= rate * 0.02, "simulated second " + s + ": " + inSecond
                    + " bytes read at a limit of " + rate + " per second");
        }
        long last = src.reads.get(src.reads.size() - 1)[0];
        assertTrue(last - start >= (seconds - 0.05) * SimulatedTime.SECOND - (double) CHUNK / rate * SimulatedTime.SECOND,
                "the whole copy took " + (last - start) + " simulated ns");
    }

    @Test
    void aZeroJobIsHeldToTheLimitToo() throws Exception {
        long rate = 1L << 20;
        SimulatedTime time = new SimulatedTime(0);
        KcopydClient c = KcopydClient.create(256, new KcopydConfig(CHUNK, 1), time.throttle());
        clients.add(c);
        c.setThrottle(rate);
        MemoryDevice dst = MemoryDevice.random("dst", 4 << 20, 33);
        JobResult r = await(c.zero(List.of(new IoRegion(dst, 0, 8192)), NO_FLAGS, IGNORE));
        assertTrue(r.succeeded());
        assertArrayEquals(new byte[4 << 20], dst.bytes());
        // 4 MiB at 1 MiB/s: the last of 64 chunks goes after 63 chunks' worth of time.
        assertTrue(time.now() >= 63L * CHUNK * SimulatedTime.SECOND / rate - 1000, "after " + time.now() + " ns");
        assertTrue(time.now() <= 64L * CHUNK * SimulatedTime.SECOND / rate, "after " + time.now() + " ns");
    }

    // ---- regions at the edges -------------------------------------------------------------------

    @Test
    void aLastChunkEndingExactlyAtTheRegionsAndTheDevicesEnd() throws Exception {
        int deviceSectors = 2048;
        int count = 3 * CHUNK_SECTORS;
        MemoryDevice srcMem = MemoryDevice.random("src", deviceSectors * 512, 34);
        FaultyDevice src = new FaultyDevice(srcMem);
        int dstSectors = 3000;
        MemoryDevice dstMem = MemoryDevice.random("dst", dstSectors * 512, 35);
        FaultyDevice dst = new FaultyDevice(dstMem);
        byte[] before = dstMem.bytes();
        long srcStart = deviceSectors - count;
        long dstStart = dstSectors - count;
        JobResult r = await(client(8).copy(new IoRegion(src, srcStart, count), List.of(new IoRegion(dst, dstStart, count)),
                NO_FLAGS, IGNORE));
        assertTrue(r.succeeded(), r.toString());
        assertEquals((long) count * 512, r.bytesCopied());
        List<FaultyDevice.Transfer> reads = sorted(src.reads());
        assertEquals(List.of(new FaultyDevice.Transfer(srcStart * 512, CHUNK),
                new FaultyDevice.Transfer(srcStart * 512 + CHUNK, CHUNK),
                new FaultyDevice.Transfer(srcStart * 512 + 2 * CHUNK, CHUNK)), reads, "three whole chunks, no fourth");
        assertEquals(List.of(new FaultyDevice.Transfer(dstStart * 512, CHUNK),
                new FaultyDevice.Transfer(dstStart * 512 + CHUNK, CHUNK),
                new FaultyDevice.Transfer(dstStart * 512 + 2 * CHUNK, CHUNK)), sorted(dst.writes()));
        byte[] want = before.clone();
        System.arraycopy(srcMem.bytes(srcStart * 512, deviceSectors * 512L), 0, want,
                (int) dstStart * 512, count * 512);
        assertArrayEquals(want, dstMem.bytes());
    }

    @Test
    void aRegionOfOneSectorAtEitherEndAndInTheMiddle() throws Exception {
        int deviceSectors = 2048;
        for (long[] at : new long[][] {{0, deviceSectors - 1}, {deviceSectors - 1, 0}, {777, 1234}}) {
            MemoryDevice srcMem = MemoryDevice.random("src", deviceSectors * 512, 36);
            FaultyDevice src = new FaultyDevice(srcMem);
            MemoryDevice dstMem = MemoryDevice.random("dst", deviceSectors * 512, 37);
            FaultyDevice dst = new FaultyDevice(dstMem);
            byte[] want = dstMem.bytes();
            System.arraycopy(srcMem.bytes(at[0] * 512, at[0] * 512 + 512), 0, want, (int) at[1] * 512, 512);
            JobResult r = await(client(8).copy(new IoRegion(src, at[0], 1), List.of(new IoRegion(dst, at[1], 1)),
                    NO_FLAGS, IGNORE));
            assertTrue(r.succeeded(), r.toString());
            assertEquals(512, r.bytesCopied());
            assertEquals(List.of(new FaultyDevice.Transfer(at[0] * 512, 512)), src.reads());
            assertEquals(List.of(new FaultyDevice.Transfer(at[1] * 512, 512)), dst.writes());
            assertArrayEquals(want, dstMem.bytes(), "sector " + at[0] + " to sector " + at[1] + " and nothing else");
            assertEquals(1, dst.flushes());
        }
    }

    @Test
    void aRegionOneSectorLongerThanAChunkEndingAtTheDevicesEnd() throws Exception {
        int deviceSectors = 1024;
        int count = CHUNK_SECTORS + 1;
        long start = deviceSectors - count;
        MemoryDevice srcMem = MemoryDevice.random("src", deviceSectors * 512, 38);
        FaultyDevice src = new FaultyDevice(srcMem);
        MemoryDevice dstMem = MemoryDevice.random("dst", deviceSectors * 512, 39);
        FaultyDevice dst = new FaultyDevice(dstMem);
        byte[] want = dstMem.bytes();
        System.arraycopy(srcMem.bytes(start * 512, deviceSectors * 512L), 0, want, 0, count * 512);
        JobResult r = await(client(8).copy(new IoRegion(src, start, count), List.of(new IoRegion(dst, 0, count)),
                NO_FLAGS, IGNORE));
        assertTrue(r.succeeded(), r.toString());
        assertEquals((long) count * 512, r.bytesCopied());
        assertEquals(List.of(new FaultyDevice.Transfer(start * 512, CHUNK),
                new FaultyDevice.Transfer(start * 512 + CHUNK, 512)), sorted(src.reads()));
        assertEquals(List.of(new FaultyDevice.Transfer(0, CHUNK), new FaultyDevice.Transfer(CHUNK, 512)),
                sorted(dst.writes()));
        assertArrayEquals(want, dstMem.bytes());
    }

    @Test
    void aRegionEndingAtTheDevicesEndIsTakenAndOneSectorMoreIsRefused() throws Exception {
        int deviceSectors = 2048;
        FaultyDevice src = new FaultyDevice(MemoryDevice.random("src", deviceSectors * 512, 40));
        FaultyDevice dst = new FaultyDevice(new MemoryDevice("dst", deviceSectors * 512));
        KcopydClient c = client(8);
        IllegalArgumentException fromSource = assertThrows(IllegalArgumentException.class,
                () -> c.copy(new IoRegion(src, 1, deviceSectors), List.of(new IoRegion(dst, 0, deviceSectors)),
                        NO_FLAGS, IGNORE));
        assertTrue(fromSource.getMessage().startsWith("source ") && fromSource.getMessage().contains(
                "ends at sector 2049, beyond the end of faulty:src (2048 sectors)"), fromSource.getMessage());
        IllegalArgumentException fromDest = assertThrows(IllegalArgumentException.class,
                () -> c.copy(new IoRegion(src, 0, 100), List.of(new IoRegion(dst, deviceSectors - 100, 100),
                        new IoRegion(dst, deviceSectors - 99, 100)), NO_FLAGS, IGNORE));
        assertTrue(fromDest.getMessage().startsWith("destination 1 ") && fromDest.getMessage().contains(
                "ends at sector 2049, beyond the end of faulty:dst (2048 sectors)"), fromDest.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> c.zero(List.of(new IoRegion(dst, deviceSectors, 1)), NO_FLAGS, IGNORE));
        assertTrue(zero.getMessage().startsWith("destination 0 "), zero.getMessage());
        assertEquals(List.of(), src.reads(), "nothing read for a refused job");
        assertEquals(List.of(), dst.writes(), "nothing written for a refused job");

        JobResult r = await(c.copy(new IoRegion(src, 0, deviceSectors), List.of(new IoRegion(dst, 0, deviceSectors)),
                NO_FLAGS, IGNORE));
        assertTrue(r.succeeded(), r.toString());
        assertEquals(deviceSectors * 512L, r.bytesCopied());
        JobResult z = await(c.zero(List.of(new IoRegion(dst, deviceSectors - 1, 1)), NO_FLAGS, IGNORE));
        assertTrue(z.succeeded(), z.toString());
        assertFalse(z.readError());
    }

    private static List<FaultyDevice.Transfer> sorted(List<FaultyDevice.Transfer> transfers) {
        List<FaultyDevice.Transfer> out = new ArrayList<>(transfers);
        out.sort((x, y) -> Long.compare(x.position(), y.position()));
        return out;
    }
}
