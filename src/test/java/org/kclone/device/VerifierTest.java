package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;
import org.kclone.testing.MemoryDevice;

/** Verification compares every byte of a region, and a destination that ends early is a mismatch. */
class VerifierTest {

    private static byte[] bytes(BlockDevice d, long from, int n) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(n);
        d.read(b, from);
        return b.array();
    }

    /** A device holding {@code size} bytes, {@code n} of them copied from {@code src} at {@code from} to {@code at}. */
    private static MemoryDevice copyOf(BlockDevice src, long from, int n, int size, long at) throws Exception {
        MemoryDevice d = new MemoryDevice("dest", size);
        d.write(ByteBuffer.wrap(bytes(src, from, n)), at);
        return d;
    }

    private static Verifier.Outcome verify(IoRegion src, long bytes, IoRegion dst) {
        Verifier.Result r = Verifier.verify(src, bytes, List.of(dst), List.of(), b -> { }, () -> false);
        return r.destinations().get(0);
    }

    @Test
    void aDestinationShorterThanTheSourceIsAMismatchNotAnError() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 64 * 512, 1);
        MemoryDevice shortDest = copyOf(src, 0, 40 * 512 + 100, 40 * 512 + 100, 0);
        Verifier.Outcome o = verify(new IoRegion(src, 0, 64), 64 * 512, new IoRegion(shortDest, 0, 64));
        assertNull(o.error());
        assertEquals(List.of(new SectorRange(40, 24)), o.mismatches(), "the partial sector 40 and all past it");
    }

    @Test
    void everyByteOfAPartialLastSectorIsComparedAndNothingPastIt() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 1000, 2);
        MemoryDevice dst = copyOf(src, 0, 1000, 1024, 0);
        dst.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 1010);
        Verifier.Outcome ok = verify(new IoRegion(src, 0, 2), 1000, new IoRegion(dst, 0, 2));
        assertTrue(ok.ok(), "bytes past the region's 1000 are not the region's: " + ok);
        byte last = bytes(src, 999, 1)[0];
        dst.write(ByteBuffer.wrap(new byte[] {(byte) (last ^ 1)}), 999);
        Verifier.Outcome bad = verify(new IoRegion(src, 0, 2), 1000, new IoRegion(dst, 0, 2));
        assertEquals(List.of(new SectorRange(1, 1)), bad.mismatches(), "the region's last byte differs");
    }

    @Test
    void mismatchesAreNamedInEachDevicesOwnSectors() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 8192 * 512, 3);
        MemoryDevice dst = copyOf(src, 4096L * 512, 4096 * 512, 16384 * 512, 10000L * 512);
        dst.write(ByteBuffer.wrap(new byte[] {(byte) ~bytes(dst, (10000 + 2952) * 512L + 7, 1)[0]}),
                (10000 + 2952) * 512L + 7);
        Verifier.Outcome o = verify(new IoRegion(src, 4096, 4096), 4096 * 512, new IoRegion(dst, 10000, 4096));
        assertEquals(List.of(new SectorRange(2952, 1)), o.mismatches(), "Verifier: relative to the regions");
        List<Report.Mismatch> named = Report.Mismatch.of(o.mismatches(), 10000, 4096);
        assertEquals(List.of(new Report.Mismatch(12952, 1, 7048)), named,
                "the report: the destination's own sector and the source's");
    }
}
