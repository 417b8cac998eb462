package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;
import org.kclone.testing.FaultyDevice;
import org.kclone.testing.MemoryDevice;

/**
 * Verification at the edges: the byte count of an odd-size image (its partial last sector, over
 * more than one 4 MiB window), destinations shorter than the region, sectors just outside the
 * region that must not be read, known unreadable sectors in a partial last sector, several
 * destinations at once, an interrupted verification.
 */
class VerifierEdgesTest {

    private static final int MIB = 1 << 20;
    /** An odd-size image: 4 MiB and 1000 bytes, 8194 sectors, the last one holding 488 bytes. */
    private static final int ODD = 4 * MIB + 1000;

    private static MemoryDevice copyOf(MemoryDevice src, String name, int size) throws IOException {
        MemoryDevice d = new MemoryDevice(name, size);
        d.write(ByteBuffer.wrap(src.bytes(0, Math.min(size, src.size()))), 0);
        return d;
    }

    private static void flip(MemoryDevice d, long at) throws IOException {
        d.write(ByteBuffer.wrap(new byte[] {(byte) ~d.bytes(at, at + 1)[0]}), at);
    }

    private static Verifier.Result verify(IoRegion src, long bytes, List<IoRegion> dests, List<Long> progress) {
        return Verifier.verify(src, bytes, dests, List.of(), progress::add, () -> false);
    }

    @Test
    void theByteCountMustEndInTheRegionsLastSector() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 10 * 512, 1);
        IoRegion region = new IoRegion(src, 0, 10);
        List<IoRegion> dests = List.of(new IoRegion(copyOf(src, "d", 10 * 512), 0, 10));
        IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                () -> verify(region, 10 * 512 + 1, dests, new CopyOnWriteArrayList<>()));
        assertEquals("5121 bytes do not end in the last of 10 sectors", past.getMessage());
        IllegalArgumentException before = assertThrows(IllegalArgumentException.class,
                () -> verify(region, 9 * 512, dests, new CopyOnWriteArrayList<>()));
        assertEquals("4608 bytes do not end in the last of 10 sectors", before.getMessage());
        assertThrows(IllegalArgumentException.class, () -> verify(new IoRegion(src, 0, 0), -512, dests,
                new CopyOnWriteArrayList<>()), "an empty region compares no bytes, not fewer");
        List<Long> progress = new CopyOnWriteArrayList<>();
        assertTrue(verify(region, 9 * 512 + 1, dests, progress).destinations().get(0).ok());
        assertTrue(verify(region, 10 * 512, dests, progress).destinations().get(0).ok());
        assertEquals(List.of(9L * 512 + 1, 10L * 512), progress);
        Verifier.Result empty = verify(new IoRegion(src, 0, 0), 0, dests, progress);
        assertTrue(empty.destinations().get(0).ok());
        assertEquals(2, progress.size(), "nothing to read in an empty region");
    }

    @Test
    void anOddSizeImageOverTwoWindowsIsComparedToItsLastByteAndNoFurther() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", ODD, 2);
        IoRegion region = new IoRegion(src, 0, 8194);
        MemoryDevice same = copyOf(src, "same", ODD);
        // a device holding more than the image: what lies past the image's last byte is not compared
        MemoryDevice longer = copyOf(src, "longer", ODD + 24);
        longer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), ODD);
        MemoryDevice lastByte = copyOf(src, "lastByte", ODD);
        flip(lastByte, ODD - 1);
        MemoryDevice firstOfTail = copyOf(src, "firstOfTail", ODD);
        flip(firstOfTail, 8193 * 512);
        List<Long> progress = new CopyOnWriteArrayList<>();
        Verifier.Result r = verify(region, ODD, List.of(new IoRegion(same, 0, 8194), new IoRegion(longer, 0, 8194),
                new IoRegion(lastByte, 0, 8194), new IoRegion(firstOfTail, 0, 8194)), progress);
        assertEquals(List.of(4L * MIB, (long) ODD), progress, "the second window ends at the image's last byte");
        assertEquals(List.of(), r.unreadableSource(), "nothing was read past the source's end");
        assertTrue(r.destinations().get(0).ok(), r.toString());
        assertTrue(r.destinations().get(1).ok(), r.toString());
        assertEquals(List.of(new SectorRange(8193, 1)), r.destinations().get(2).mismatches());
        assertEquals(List.of(new SectorRange(8193, 1)), r.destinations().get(3).mismatches());
        assertNull(r.destinations().get(2).error());
    }

    @Test
    void aDestinationShorterThanTheImageIsAMismatchFromWhereItEnds() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", ODD, 3);
        IoRegion region = new IoRegion(src, 0, 8194);
        MemoryDevice partOfTail = copyOf(src, "partOfTail", ODD - 400); // 88 of the last sector's 488 bytes
        MemoryDevice fiveShort = copyOf(src, "fiveShort", 8189 * 512);
        MemoryDevice firstWindowOnly = copyOf(src, "firstWindowOnly", MIB);
        Verifier.Result r = verify(region, ODD, List.of(new IoRegion(partOfTail, 0, 8194),
                new IoRegion(fiveShort, 0, 8194), new IoRegion(firstWindowOnly, 0, 8194)), new CopyOnWriteArrayList<>());
        assertEquals(new Verifier.Outcome(List.of(new SectorRange(8193, 1)), null), r.destinations().get(0));
        assertEquals(new Verifier.Outcome(List.of(new SectorRange(8189, 5)), null), r.destinations().get(1));
        assertEquals(new Verifier.Outcome(List.of(new SectorRange(2048, 8194 - 2048)), null),
                r.destinations().get(2), "not a read error: the device simply ends");
    }

    @Test
    void aShortDestinationWhoseRegionStartsOffTheAlignmentIsAMismatchNotAReadPastItsEnd() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 5 * MIB, 4);
        // the region starts at sector 1; the device ends inside the first window
        MemoryDevice dst = new MemoryDevice("dst", MIB);
        dst.write(ByteBuffer.wrap(src.bytes(0, MIB - 512)), 512);
        FaultyDevice watched = new FaultyDevice(dst);
        Verifier.Result r = Verifier.verify(new IoRegion(src, 0, 10240), List.of(new IoRegion(watched, 1, 10240)),
                List.of(), x -> { }, () -> false);
        assertEquals(new Verifier.Outcome(List.of(new SectorRange(2047, 10240 - 2047)), null),
                r.destinations().get(0));
        assertEquals(List.of(new FaultyDevice.Transfer(0, MIB)), watched.reads(),
                "read once, up to its end; nothing read for the window past it");
    }

    @Test
    void sectorsJustOutsideAnAlignedRegionAreNeverRead() throws Exception {
        // region: sectors 8 .. 8 + 8192 + 2048 (4096-aligned both ends, two windows); the sector before
        // and the sector after it fail to read on both sides
        long start = 8;
        long count = 8192 + 2048;
        MemoryDevice srcMem = MemoryDevice.random("srcMem", 6 * MIB, 6);
        FaultyDevice src = new FaultyDevice(srcMem).badReadSectors(start - 1, 1).badReadSectors(start + count, 1);
        FaultyDevice dst = new FaultyDevice(copyOf(srcMem, "dst", 6 * MIB)).badReadSectors(start - 1, 1)
                .badReadSectors(start + count, 1);
        Verifier.Result r = Verifier.verify(new IoRegion(src, start, count), List.of(new IoRegion(dst, start, count)),
                List.of(), x -> { }, () -> false);
        assertTrue(r.destinations().get(0).ok(), r.toString());
        assertEquals(List.of(), r.unreadableSource());
        assertEquals(List.of(new FaultyDevice.Transfer(start * 512, 4 * MIB),
                new FaultyDevice.Transfer(start * 512 + 4 * MIB, MIB)), dst.reads());
    }

    @Test
    void knownUnreadableSectorsInAPartialLastSectorAndAwayFromSectorZeroAreExpectedAsZeros() throws Exception {
        // source region: 11 sectors from sector 3, the last one holding 100 bytes
        int bytes = 10 * 512 + 100;
        MemoryDevice src = MemoryDevice.random("src", 3 * 512 + bytes, 7);
        List<SectorRange> known = List.of(new SectorRange(3 + 2, 1), new SectorRange(3 + 10, 1));
        MemoryDevice zeroed = new MemoryDevice("zeroed", bytes); // what the copy wrote: zeros where unreadable
        zeroed.write(ByteBuffer.wrap(src.bytes(3 * 512, 3 * 512 + bytes)), 0);
        zeroed.write(ByteBuffer.allocate(512), 2 * 512);
        zeroed.write(ByteBuffer.allocate(100), 10 * 512);
        MemoryDevice copied = new MemoryDevice("copied", bytes); // data where zeros were expected
        copied.write(ByteBuffer.wrap(src.bytes(3 * 512, 3 * 512 + bytes)), 0);
        Verifier.Result r = Verifier.verify(new IoRegion(src, 3, 11), bytes,
                List.of(new IoRegion(zeroed, 0, 11), new IoRegion(copied, 0, 11)), known, x -> { }, () -> false);
        assertTrue(r.destinations().get(0).ok(), r.toString());
        assertEquals(List.of(new SectorRange(2, 1), new SectorRange(10, 1)), r.destinations().get(1).mismatches());
        assertEquals(known, r.unreadableSource());
    }

    @Test
    void severalDestinationsAreComparedEachOnItsOwnWhileOneFails() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 9 * MIB, 8);
        FaultyDevice failing = new FaultyDevice(copyOf(src, "failing", 9 * MIB)).badReadSectors(100, 1);
        MemoryDevice late = copyOf(src, "late", 9 * MIB);
        flip(late, (8192L * 2 + 5) * 512); // third window
        MemoryDevice good = copyOf(src, "good", 9 * MIB);
        List<Long> progress = new CopyOnWriteArrayList<>();
        Verifier.Result r = Verifier.verify(new IoRegion(src, 0, 9 * 2048), List.of(new IoRegion(failing, 0, 9 * 2048),
                new IoRegion(late, 0, 9 * 2048), new IoRegion(good, 0, 9 * 2048)), List.of(), progress::add,
                () -> false);
        assertTrue(r.destinations().get(0).error().getMessage().contains("injected read fault at byte 0"),
                r.toString());
        assertEquals(1, failing.reads().size(), "a destination that failed is not read again");
        assertEquals(new Verifier.Outcome(List.of(new SectorRange(8192L * 2 + 5, 1)), null), r.destinations().get(1));
        assertTrue(r.destinations().get(2).ok());
        assertEquals(List.of(4L * MIB, 8L * MIB, 9L * MIB), progress, "the others were verified to the end");
        assertFalse(r.cancelled());
    }

    /** A destination whose read of the second window waits until the verifier gives up on it. */
    private static final class Stuck implements BlockDevice {
        final MemoryDevice inner;
        final CountDownLatch never = new CountDownLatch(1);

        Stuck(MemoryDevice inner) {
            this.inner = inner;
        }

        @Override public String name() { return "stuck"; }
        @Override public long size() { return inner.size(); }
        @Override public int logicalSectorSize() { return 512; }
        @Override public void write(ByteBuffer src, long position) { }
        @Override public void flush() { }
        @Override public void close() { }

        @Override
        public void read(ByteBuffer dst, long position) throws IOException {
            if (position >= 4 * MIB) {
                try {
                    never.await(); // until the verifier's pool is shut down (it interrupts)
                } catch (InterruptedException e) {
                    throw new IOException("interrupted", e);
                }
            }
            inner.read(dst, position);
        }
    }

    @Test
    void anInterruptedVerificationIsCancelledAndTheInterruptIsKept() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 9 * MIB, 9);
        Stuck dst = new Stuck(copyOf(src, "dst", 9 * MIB));
        List<Long> progress = new CopyOnWriteArrayList<>();
        Verifier.Result r;
        boolean interrupted;
        try {
            r = Verifier.verify(new IoRegion(src, 0, 9 * 2048), List.of(new IoRegion(dst, 0, 9 * 2048)), List.of(),
                    b -> {
                        progress.add(b);
                        Thread.currentThread().interrupt(); // e.g. the run's thread told to stop
                    }, () -> false);
        } finally {
            interrupted = Thread.interrupted(); // clears it, so that it does not leak into other tests
            dst.never.countDown();
        }
        assertTrue(r.cancelled());
        assertTrue(interrupted, "whoever interrupted still sees it");
        assertEquals(List.of(4L * MIB), progress);
        assertTrue(r.destinations().get(0).mismatches().isEmpty());
    }
}
