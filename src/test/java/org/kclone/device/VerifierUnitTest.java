package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;
import org.kclone.testing.FaultyDevice;
import org.kclone.testing.MemoryDevice;

/**
 * Verification on devices in memory: what it finds, where, and what it expects of sectors the
 * copy could not read. Regions start at sector 0 of source and destination where a mismatch is
 * located, so a sector number means the same in every numbering.
 */
class VerifierUnitTest {

    private static final int MIB = 1 << 20;

    /** Writes {@code value} at byte {@code at} of a memory device. */
    private static void poke(MemoryDevice d, long at, int value) throws IOException {
        d.write(ByteBuffer.wrap(new byte[] {(byte) value}), at);
    }

    private static MemoryDevice copyOf(MemoryDevice src, String name) throws IOException {
        MemoryDevice d = new MemoryDevice(name, (int) src.size());
        d.write(ByteBuffer.wrap(src.bytes()), 0);
        return d;
    }

    @Test
    void identicalRegionsOverSeveralWindowsAreOkAndProgressReachesTheEnd() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 9 * MIB, 1);
        MemoryDevice dst = copyOf(src, "dst");
        List<Long> progress = new CopyOnWriteArrayList<>();
        Verifier.Result r = Verifier.verify(new IoRegion(src, 0, 9 * 2048), List.of(new IoRegion(dst, 0, 9 * 2048)),
                List.of(), progress::add, () -> false);
        assertTrue(r.destinations().get(0).ok());
        assertFalse(r.cancelled());
        assertEquals(List.of(), r.unreadableSource());
        assertEquals(List.of(4L * MIB, 8L * MIB, 9L * MIB), progress, "one call per 4 MiB window");
    }

    @Test
    void eachDifferingSectorIsFoundInEveryWindowAndJoinedIntoRanges() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 9 * MIB, 2);
        MemoryDevice dst = copyOf(src, "dst");
        MemoryDevice good = copyOf(src, "good");
        poke(dst, 0, ~src.bytes(0, 1)[0]);                       // sector 0, first byte
        poke(dst, 5 * 512 + 511, ~src.bytes(5 * 512 + 511, 5 * 512 + 512)[0]); // sector 5, last byte
        poke(dst, 6 * 512, ~src.bytes(6 * 512, 6 * 512 + 1)[0]); // sector 6: joins 5
        long s = 8192 + 17;                                       // second window
        poke(dst, s * 512 + 3, ~src.bytes(s * 512 + 3, s * 512 + 4)[0]);
        long last = 9 * 2048 - 1;                                 // last sector of the region
        poke(dst, last * 512 + 511, ~src.bytes(last * 512 + 511, last * 512 + 512)[0]);
        Verifier.Result r = Verifier.verify(new IoRegion(src, 0, 9 * 2048),
                List.of(new IoRegion(dst, 0, 9 * 2048), new IoRegion(good, 0, 9 * 2048)), List.of(), x -> { },
                () -> false);
        assertEquals(List.of(new SectorRange(0, 1), new SectorRange(5, 2), new SectorRange(s, 1),
                new SectorRange(last, 1)), r.destinations().get(0).mismatches());
        assertFalse(r.destinations().get(0).ok());
        assertNull(r.destinations().get(0).error());
        assertTrue(r.destinations().get(1).ok(), "the other destination is compared on its own");
    }

    @Test
    void regionsAwayFromTheStartAndUnalignedAreComparedWhereTheyLie() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 2 * MIB, 3);
        MemoryDevice dst = MemoryDevice.random("dst", 3 * MIB, 4);
        long srcStart = 3;       // not on a 4096-byte boundary
        long dstStart = 1001;
        int count = 2000;
        dst.write(ByteBuffer.wrap(src.bytes(srcStart * 512, (srcStart + count) * 512)), dstStart * 512);
        Verifier.Result ok = Verifier.verify(new IoRegion(src, srcStart, count),
                List.of(new IoRegion(dst, dstStart, count)), List.of(), x -> { }, () -> false);
        assertTrue(ok.destinations().get(0).ok(), ok.toString());
        poke(dst, (dstStart + 10) * 512, ~src.bytes((srcStart + 10) * 512, (srcStart + 10) * 512 + 1)[0]);
        Verifier.Result bad = Verifier.verify(new IoRegion(src, srcStart, count),
                List.of(new IoRegion(dst, dstStart, count)), List.of(), x -> { }, () -> false);
        List<SectorRange> m = bad.destinations().get(0).mismatches();
        assertEquals(1, m.size(), m.toString());
        assertEquals(1, m.get(0).count());
        // A byte just outside the region does not count.
        poke(src, (srcStart + count) * 512, 1);
        poke(dst, (dstStart + count) * 512, 2);
        poke(src, (srcStart - 1) * 512, 1);
        poke(dst, (dstStart - 1) * 512, 2);
        assertEquals(m, Verifier.verify(new IoRegion(src, srcStart, count), List.of(new IoRegion(dst, dstStart, count)),
                List.of(), x -> { }, () -> false).destinations().get(0).mismatches());
    }

    @Test
    void aRegionEndingAtAnUnalignedDeviceEndIsRead() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 4096 + 1536, 5); // 11 sectors
        MemoryDevice dst = copyOf(src, "dst");
        Verifier.Result r = Verifier.verify(new IoRegion(src, 1, 10), List.of(new IoRegion(dst, 1, 10)), List.of(),
                x -> { }, () -> false);
        assertTrue(r.destinations().get(0).ok(), r.toString());
    }

    @Test
    void knownUnreadableSourceSectorsAreExpectedAsZeros() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", MIB, 6);
        MemoryDevice zeroed = copyOf(src, "zeroed");
        zeroed.write(ByteBuffer.allocate(3 * 512), 100 * 512);
        MemoryDevice copied = copyOf(src, "copied");
        List<SectorRange> known = List.of(new SectorRange(100, 3));
        Verifier.Result r = Verifier.verify(new IoRegion(src, 0, 2048),
                List.of(new IoRegion(zeroed, 0, 2048), new IoRegion(copied, 0, 2048)), known, x -> { }, () -> false);
        assertTrue(r.destinations().get(0).ok(), "zeros where the copy could not read");
        assertEquals(List.of(new SectorRange(100, 3)), r.destinations().get(1).mismatches(),
                "data where zeros were written is a mismatch");
        assertEquals(known, r.unreadableSource());
    }

    @Test
    void sourceSectorsThatFailNowAreFoundOneByOneAndExpectedAsZeros() throws Exception {
        MemoryDevice mem = MemoryDevice.random("src", MIB, 7);
        FaultyDevice src = new FaultyDevice(mem).badReadSectors(50, 2).badReadSectors(60, 1);
        MemoryDevice dst = copyOf(mem, "dst");
        dst.write(ByteBuffer.allocate(1024), 50 * 512);
        dst.write(ByteBuffer.allocate(512), 60 * 512);
        Verifier.Result r = Verifier.verify(new IoRegion(src, 0, 2048), List.of(new IoRegion(dst, 0, 2048)),
                List.of(new SectorRange(1000, 1)), x -> { }, () -> false);
        assertEquals(List.of(new SectorRange(50, 2), new SectorRange(60, 1), new SectorRange(1000, 1)),
                r.unreadableSource());
        // Sector 1000 was known unreadable but the destination has the data there: a mismatch.
        assertEquals(List.of(new SectorRange(1000, 1)), r.destinations().get(0).mismatches());
    }

    @Test
    void aDestinationThatCannotBeReadIsAnErrorAndTheOthersGoOn() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 9 * MIB, 8);
        FaultyDevice broken = new FaultyDevice(copyOf(src, "broken")).badReadSectors(9000, 1);
        MemoryDevice fine = copyOf(src, "fine");
        Verifier.Result r = Verifier.verify(new IoRegion(src, 0, 9 * 2048),
                List.of(new IoRegion(broken, 0, 9 * 2048), new IoRegion(fine, 0, 9 * 2048)), List.of(), x -> { },
                () -> false);
        Verifier.Outcome b = r.destinations().get(0);
        assertNotNull(b.error());
        assertTrue(b.error().getMessage().contains("injected read fault"), b.error().getMessage());
        assertFalse(b.ok());
        assertEquals(List.of(), b.mismatches());
        assertEquals(2, broken.reads().size(), "the first window, the failing second, no third");
        assertTrue(r.destinations().get(1).ok());
    }

    @Test
    void cancelledBetweenWindowsStopsAndSaysSo() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 9 * MIB, 9);
        FaultyDevice dst = new FaultyDevice(copyOf(src, "dst"));
        AtomicInteger polls = new AtomicInteger();
        List<Long> progress = new CopyOnWriteArrayList<>();
        Verifier.Result r = Verifier.verify(new IoRegion(src, 0, 9 * 2048), List.of(new IoRegion(dst, 0, 9 * 2048)),
                List.of(), progress::add, () -> polls.incrementAndGet() > 1);
        assertTrue(r.cancelled());
        assertEquals(List.of(4L * MIB), progress, "one window, then the cancel was seen");
        assertEquals(1, dst.reads().size());
        Verifier.Result none = Verifier.verify(new IoRegion(src, 0, 9 * 2048), List.of(new IoRegion(dst, 0, 9 * 2048)),
                List.of(), progress::add, () -> true);
        assertTrue(none.cancelled());
        assertEquals(1, progress.size(), "nothing verified when cancelled at once");
    }

    @Test
    void readsAreWindowAlignedForDirectIo() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 2 * MIB, 10);
        FaultyDevice dst = new FaultyDevice(copyOf(src, "dst"));
        Verifier.verify(new IoRegion(src, 3, 100), List.of(new IoRegion(dst, 3, 100)), List.of(), x -> { },
                () -> false);
        // Sectors 3..103 (bytes 1536..52736) are read as the 4096-aligned span 0..53248.
        assertEquals(List.of(new FaultyDevice.Transfer(0, 53248)), dst.reads());
    }

    /** A device whose reads all fail: reading back is an error, not a crash. */
    private static final class Unreadable implements BlockDevice {
        @Override public String name() { return "gone"; }
        @Override public long size() { return MIB; }
        @Override public int logicalSectorSize() { return 512; }
        @Override public void read(ByteBuffer dst, long position) throws IOException { throw new IOException("gone"); }
        @Override public void write(ByteBuffer src, long position) { }
        @Override public void flush() { }
        @Override public void close() { }
    }

    @Test
    void aSourceThatCannotBeReadAtAllIsAllZerosExpected() throws Exception {
        MemoryDevice zeros = new MemoryDevice("zeros", MIB);
        Verifier.Result r = Verifier.verify(new IoRegion(new Unreadable(), 0, 16), List.of(new IoRegion(zeros, 0, 16)),
                List.of(), x -> { }, () -> false);
        assertTrue(r.destinations().get(0).ok());
        assertEquals(List.of(new SectorRange(0, 16)), r.unreadableSource());
    }
}
