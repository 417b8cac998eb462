package org.kclone.device.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.kclone.device.Sha256;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;
import org.kclone.testing.FaultyDevice;
import org.kclone.testing.MemoryDevice;

/** {@link DigestVerifier} on memory devices: short and failing destinations, a cancel, no source. */
class DigestVerifierTest {

    private static final int MIB = ChunkDigests.UNIT;
    private static final int BYTES = 9 * MIB + 3 * 512; // three windows, the last one short
    private static final long SECTORS = BYTES / 512;

    private final byte[] data = new byte[BYTES];
    private final ChunkDigests digests;

    DigestVerifierTest() throws Exception {
        new Random(4).nextBytes(data);
        CountDownLatch all = new CountDownLatch((BYTES + MIB - 1) / MIB);
        try (SourceHasher h = new SourceHasher(BYTES, BYTES, true)) {
            for (int off = 0; off < BYTES; off += MIB) {
                ByteBuffer b = ByteBuffer.allocateDirect(Math.min(MIB, BYTES - off));
                b.put(data, off, b.capacity()).flip();
                h.chunkRead(off, b, all::countDown);
            }
            all.await();
            digests = h.digests();
        }
    }

    private MemoryDevice copyOf(String name, int size) throws Exception {
        MemoryDevice d = new MemoryDevice(name, size);
        d.write(ByteBuffer.wrap(data, 0, Math.min(size, BYTES)), 0);
        return d;
    }

    private IoRegion region(org.kclone.engine.BlockDevice d) {
        return new IoRegion(d, 0, SECTORS);
    }

    @Test
    void aDestinationThatEndsEarlyDiffersInTheSectorsItLacksAndHasNoHash() throws Exception {
        MemoryDevice src = copyOf("src", BYTES);
        MemoryDevice good = copyOf("good", BYTES);
        MemoryDevice shortOne = copyOf("short", 8 * MIB + 4096);
        DigestVerifier.Verified v = DigestVerifier.verify(digests, BYTES, List.of(region(good), region(shortOne)),
                region(src), List.of(), b -> { }, () -> false);
        assertTrue(v.result().destinations().get(0).ok());
        assertEquals(Sha256.hex(data), v.sha256().get(0));
        long from = (8L * MIB + 4096) / 512;
        assertEquals(List.of(new SectorRange(from, SECTORS - from)), v.result().destinations().get(1).mismatches());
        assertNull(v.sha256().get(1), "not read back whole");
    }

    @Test
    void withoutASourceAWrongByteNamesItsWholeMiBAndTheShortLastMiBIsNamedToTheRegionsEnd() throws Exception {
        MemoryDevice d = copyOf("d", BYTES);
        d.write(ByteBuffer.wrap(new byte[] {(byte) ~data[3 * MIB + 1]}), 3 * MIB + 1);
        d.write(ByteBuffer.wrap(new byte[] {(byte) ~data[BYTES - 1]}), BYTES - 1);
        DigestVerifier.Verified v = DigestVerifier.verify(digests, BYTES, List.of(region(d)), null, List.of(),
                b -> { }, () -> false);
        assertEquals(List.of(new SectorRange(3L * MIB / 512, MIB / 512), new SectorRange(9L * MIB / 512, 3)),
                v.result().destinations().get(0).mismatches());
        assertEquals(Sha256.hex(d.bytes()), v.sha256().get(0), "the hash of what it holds");
    }

    @Test
    void aDestinationThatFailsToReadIsFailedAndTheOthersGoOn() throws Exception {
        FaultyDevice bad = new FaultyDevice(copyOf("bad", BYTES)).badReadSectors(5000, 1);
        MemoryDevice good = copyOf("good", BYTES);
        DigestVerifier.Verified v = DigestVerifier.verify(digests, BYTES, List.of(region(bad), region(good)), null,
                List.of(), b -> { }, () -> false);
        assertTrue(v.result().destinations().get(0).error().getMessage().contains("injected read fault"));
        assertNull(v.sha256().get(0));
        assertTrue(v.result().destinations().get(1).ok());
        assertEquals(Sha256.hex(data), v.sha256().get(1));
    }

    @Test
    void cancelledAfterTheFirstWindowStopsThereWithoutHashes() throws Exception {
        List<Long> told = new ArrayList<>();
        DigestVerifier.Verified v = DigestVerifier.verify(digests, BYTES, List.of(region(copyOf("d", BYTES))), null,
                List.of(), told::add, () -> !told.isEmpty());
        assertTrue(v.result().cancelled());
        assertEquals(List.of(4L * MIB), told);
        assertNull(v.sha256().get(0));
        assertTrue(v.result().destinations().get(0).mismatches().isEmpty());
    }

    @Test
    void everyWindowIsToldOnceEveryDestinationHasIt() throws Exception {
        List<Long> told = new ArrayList<>();
        DigestVerifier.Verified v = DigestVerifier.verify(digests, BYTES, List.of(region(copyOf("a", BYTES)),
                region(copyOf("b", BYTES))), null, List.of(), told::add, () -> false);
        assertFalse(v.result().cancelled());
        assertEquals(List.of(4L * MIB, 8L * MIB, (long) BYTES), told);
    }
}
