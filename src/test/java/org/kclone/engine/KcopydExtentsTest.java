package org.kclone.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kclone.testing.MemoryDevice;

/** A copy of only some sector ranges of a region ({@link Extents}): one job, chunks inside the ranges. */
class KcopydExtentsTest {

    private static final int CHUNK = 64 * 1024;
    private static final Set<KcopydFlag> NO_FLAGS = EnumSet.noneOf(KcopydFlag.class);

    private final KcopydClient client = KcopydClient.create(64, new KcopydConfig(CHUNK, 4));

    @AfterEach
    void destroy() {
        client.destroy();
    }

    private static MemoryDevice filled(String name, int size, byte value) {
        byte[] b = new byte[size];
        Arrays.fill(b, value);
        return MemoryDevice.of(name, b);
    }

    /** Records every read (offset, length) in the order it was made. */
    private static final class RecordingReads extends ForwardingBlockDevice {
        final List<long[]> reads = new CopyOnWriteArrayList<>();

        RecordingReads(BlockDevice inner) {
            super(inner);
        }

        @Override
        public void read(ByteBuffer dst, long position) throws IOException {
            reads.add(new long[] {position, dst.remaining()});
            super.read(dst, position);
        }
    }

    @Test
    void onlyTheExtentsAreCopiedToEveryDestinationAndTheGapsKeepWhatWasThere() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 4 << 20, 7);
        RecordingReads reading = new RecordingReads(src);
        MemoryDevice d1 = filled("d1", 4 << 20, (byte) 0xAA);
        MemoryDevice d2 = filled("d2", 5 << 20, (byte) 0xAA);
        // region: source sectors 1000.. (3000 sectors); destination 2 starts at sector 2048
        Extents ext = Extents.of(List.of(new SectorRange(0, 8), new SectorRange(100, 300), new SectorRange(1000, 1),
                new SectorRange(2990, 10)));
        List<Long> observed = new CopyOnWriteArrayList<>();
        KcopydJob job = client.copy(new IoRegion(reading, 1000, 3000),
                List.of(new IoRegion(d1, 0, 3000), new IoRegion(d2, 2048, 3000)), ext, NO_FLAGS, (a, b, c) -> { },
                ProgressListener.NONE, (offset, data, done) -> {
                    observed.add(offset);
                    done.run();
                });
        JobResult r = job.await(60, TimeUnit.SECONDS); // a hang guard, not a timing assertion
        assertTrue(r.succeeded());
        assertEquals(319 * 512L, r.bytesCopied());
        assertEquals(319 * 512L, job.progress().totalBytes());
        assertEquals(319 * 512L, job.progress().bytesWritten(0));
        for (MemoryDevice d : List.of(d1, d2)) {
            long base = d == d1 ? 0 : 2048 * 512L;
            for (long s = 0; s < 3000; s++) {
                long sector = s;
                boolean in = ext.ranges().stream().anyMatch(x -> x.start() <= sector && sector < x.end());
                byte[] got = d.bytes(base + s * 512, base + s * 512 + 512);
                byte[] want = in ? src.bytes((1000 + s) * 512, (1000 + s) * 512 + 512) : filledSector((byte) 0xAA);
                assertArrayEquals(want, got, d.name() + " sector " + s + (in ? " (copied)" : " (skipped)"));
            }
        }
        // reads stay inside the extents and ascend in issue order; the observer sees region offsets
        for (long[] read : reading.reads) {
            long from = read[0] / 512 - 1000;
            long to = (read[0] + read[1]) / 512 - 1000;
            assertTrue(ext.ranges().stream().anyMatch(x -> x.start() <= from && to <= x.end()),
                    "read " + from + ".." + to + " inside one extent");
        }
        List<Long> sorted = new ArrayList<>(observed);
        sorted.sort(null);
        assertEquals(List.of(0L, 100 * 512L, 100 * 512L + CHUNK, 100 * 512L + 2 * CHUNK, 1000 * 512L, 2990 * 512L),
                sorted);
    }

    private static byte[] filledSector(byte v) {
        byte[] b = new byte[512];
        Arrays.fill(b, v);
        return b;
    }

    @Test
    void manySmallExtentsAreOneJobOfSmallChunksInAscendingOrderUnderWriteSeq() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 8 << 20, 8);
        RecordingReads reading = new RecordingReads(src);
        MemoryDevice dst = filled("dst", 8 << 20, (byte) 0x55);
        List<SectorRange> ranges = new ArrayList<>();
        for (long s = 0; s + 8 <= 16384; s += 16) {
            ranges.add(new SectorRange(s, 8)); // 1024 extents of 4 KiB with 4 KiB gaps
        }
        Extents ext = Extents.of(ranges);
        KcopydJob job = client.copy(new IoRegion(reading, 0, 16384), List.of(new IoRegion(dst, 0, 16384)), ext,
                EnumSet.of(KcopydFlag.WRITE_SEQ), (a, b, c) -> { }, ProgressListener.NONE, null);
        JobResult r = job.await(60, TimeUnit.SECONDS);
        assertTrue(r.succeeded());
        assertEquals(1024, reading.reads.size());
        assertEquals(1024 * 4096L, r.bytesCopied());
        for (long s = 0; s < 16384; s += 16) {
            assertArrayEquals(src.bytes(s * 512, s * 512 + 4096), dst.bytes(s * 512, s * 512 + 4096));
            assertArrayEquals(new byte[] {0x55, 0x55}, dst.bytes(s * 512 + 4096, s * 512 + 4098));
        }
        // bridged: the 4 KiB gaps are read through, one range of the whole span, 16 chunks of 64 KiB
        Extents bridged = ext.bridged(Extents.READ_THROUGH_BYTES / 512);
        assertEquals(List.of(new SectorRange(0, 16384 - 8)), bridged.ranges());
        assertEquals(128, ChunkPlan.count(bridged, CHUNK));
    }

    @Test
    void noExtentsIsAnEmptyJobThatSucceeds() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 1 << 20, 9);
        MemoryDevice dst = filled("dst", 1 << 20, (byte) 1);
        JobResult r = client.copy(new IoRegion(src, 0, 2048), List.of(new IoRegion(dst, 0, 2048)),
                Extents.of(List.of()), NO_FLAGS, (a, b, c) -> { }, ProgressListener.NONE, null)
                .await(60, TimeUnit.SECONDS);
        assertTrue(r.succeeded());
        assertEquals(0, r.bytesCopied());
        assertArrayEquals(filled("x", 1 << 20, (byte) 1).bytes(), dst.bytes());
    }

    @Test
    void extentsPastTheRegionOrOutOfOrderAreRefused() {
        MemoryDevice src = MemoryDevice.random("src", 1 << 20, 10);
        MemoryDevice dst = new MemoryDevice("dst", 1 << 20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.copy(
                new IoRegion(src, 0, 100), List.of(new IoRegion(dst, 0, 100)),
                Extents.of(List.of(new SectorRange(90, 20))), NO_FLAGS, (a, b, c) -> { }, ProgressListener.NONE,
                null));
        assertTrue(e.getMessage().contains("beyond the region"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Extents.of(List.of(new SectorRange(10, 5), new SectorRange(12, 5))));
    }

    @Test
    void extentsJoinTouchingRangesAndNameTheirComplement() {
        Extents e = Extents.of(List.of(new SectorRange(0, 4), new SectorRange(4, 4), new SectorRange(20, 5)));
        assertEquals(List.of(new SectorRange(0, 8), new SectorRange(20, 5)), e.ranges());
        assertEquals(13, e.sectors());
        assertEquals(List.of(new SectorRange(8, 12), new SectorRange(25, 75)), e.complement(100));
        assertEquals(List.of(new SectorRange(0, 25)), e.bridged(12).ranges());
        assertEquals(e.ranges(), e.bridged(11).ranges());
        assertTrue(Extents.whole(100).isWhole(100));
    }
}
