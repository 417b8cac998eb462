package org.kclone.device.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kclone.testing.FakeCapacityDevice;
import org.kclone.testing.MemoryDevice;

/** The fake-capacity probe on devices in memory: genuine, wrapping and losing fakes, regions inside the real part. */
class CapacityProbeTest {

    private static final long MIB = 1 << 20;

    @Test
    void aGenuineDriveIsGenuineAndEveryMarkerWasWrittenInsideTheRegion() throws Exception {
        MemoryDevice d = new MemoryDevice("genuine", (int) (64 * MIB));
        CapacityProbe.Result r = CapacityProbe.probe(d, 4 * MIB, 32 * MIB, 7);
        assertFalse(r.fake(), r.toString());
        assertTrue(r.markers() >= 32, "markers " + r.markers());
        byte[] all = d.bytes();
        for (int i = 0; i < all.length; i++) {
            if (all[i] != 0 && (i < 4 * MIB || i >= 36 * MIB)) {
                throw new AssertionError("written outside the region at byte " + i);
            }
        }
    }

    @Test
    void aDriveThatWrapsAtItsRealSizeIsFoundWithThatSize() throws Exception {
        FakeCapacityDevice fake = new FakeCapacityDevice(new MemoryDevice("real", (int) (8 * MIB)), 64 * MIB,
                FakeCapacityDevice.Kind.WRAPS);
        CapacityProbe.Result r = CapacityProbe.probe(fake, 0, 64 * MIB, 7);
        assertTrue(r.fake());
        assertEquals(8 * MIB, r.keepsAtMost(), r.toString());
        assertTrue(r.detail().matches("the block written at [0-9.]+ MiB came back at [0-9.]+ (MiB|B)"), r.detail());
    }

    @Test
    void aWrapIsFoundAlsoWhenTheRegionStartsInsideTheDisk() throws Exception {
        FakeCapacityDevice fake = new FakeCapacityDevice(new MemoryDevice("real", (int) (16 * MIB)), 128 * MIB,
                FakeCapacityDevice.Kind.WRAPS);
        CapacityProbe.Result r = CapacityProbe.probe(fake, 3 * MIB + 4096, 100 * MIB, 9);
        assertTrue(r.fake(), r.toString());
        assertTrue(r.keepsAtMost() <= 16 * MIB + 3 * MIB + 4096 && r.keepsAtMost() >= 16 * MIB, r.toString());
    }

    @Test
    void aDriveThatLosesWritesPastItsRealSizeIsFound() throws Exception {
        FakeCapacityDevice fake = new FakeCapacityDevice(new MemoryDevice("real", (int) (8 * MIB)), 64 * MIB,
                FakeCapacityDevice.Kind.LOSES);
        CapacityProbe.Result r = CapacityProbe.probe(fake, 0, 64 * MIB, 7);
        assertTrue(r.fake());
        assertTrue(r.keepsAtMost() >= 8 * MIB && r.keepsAtMost() <= 10 * MIB, r.toString());
        assertTrue(r.detail().endsWith("was not kept"), r.detail());
    }

    @Test
    void aRegionInsideTheRealPartOfAFakeIsFine() throws Exception {
        FakeCapacityDevice fake = new FakeCapacityDevice(new MemoryDevice("real", (int) (8 * MIB)), 64 * MIB,
                FakeCapacityDevice.Kind.WRAPS);
        assertFalse(CapacityProbe.probe(fake, 0, 4 * MIB, 7).fake(), "the copy writes only what the drive keeps");
    }

    @Test
    void aStaleMarkerOfAnEarlierProbeIsNotTakenForThisOne() throws Exception {
        MemoryDevice real = new MemoryDevice("real", (int) (8 * MIB));
        FakeCapacityDevice fake = new FakeCapacityDevice(real, 64 * MIB, FakeCapacityDevice.Kind.LOSES);
        CapacityProbe.probe(fake, 0, 64 * MIB, 1);
        CapacityProbe.Result again = CapacityProbe.probe(fake, 0, 64 * MIB, 2);
        assertTrue(again.fake());
        assertTrue(again.detail().endsWith("was not kept"), again.detail());
    }

    @Test
    void aMarkerIsEveryByteOfItsBlockWhateverWasThereBefore() {
        // found by a real genuine loop device called fake: the marker left its last 4 bytes as the
        // buffer had them, so what was written (a reused direct buffer) and what was expected differed
        byte[] clean = new byte[CapacityProbe.BLOCK];
        byte[] dirty = new byte[CapacityProbe.BLOCK];
        java.util.Arrays.fill(dirty, (byte) 0x55);
        CapacityProbe.fill(java.nio.ByteBuffer.wrap(clean), 9, 3, 8192);
        CapacityProbe.fill(java.nio.ByteBuffer.wrap(dirty), 9, 3, 8192);
        org.junit.jupiter.api.Assertions.assertArrayEquals(clean, dirty);
        assertEquals(3, CapacityProbe.markerIndex(clean, 9));
        assertEquals(-1, CapacityProbe.markerIndex(clean, 10), "another probe's marker");
    }

    @Test
    void twoBlocksAreProbedOneIsNot() throws Exception {
        MemoryDevice d = new MemoryDevice("small", 64 << 10);
        assertEquals(2, CapacityProbe.probe(d, 0, 8192, 5).markers(), "two blocks can collide: probed");
        assertEquals(0, CapacityProbe.probe(d, 0, 4096, 5).markers(), "one block cannot: skipped");
        assertEquals(List.of(0L), CapacityProbe.positions(0, 4096));
    }

    @Test
    void positionsAreAlignedInsideTheRegionWithItsEndsAndThePowersOfTwo() {
        List<Long> at = CapacityProbe.positions(1000, 64 * MIB);
        assertEquals(4096, at.get(0), "the first whole block");
        assertEquals((1000 + 64 * MIB) / 4096 * 4096 - 4096, at.get(at.size() - 1), "the last whole block");
        assertTrue(at.stream().allMatch(p -> p % 4096 == 0));
        assertTrue(at.containsAll(List.of(MIB, 2 * MIB, 4 * MIB, 32 * MIB, 4096 + MIB, 4096 + 32 * MIB)), at.toString());
        assertEquals(List.of(), CapacityProbe.positions(100, 4000), "no whole block: nothing to probe");
        assertTrue(CapacityProbe.positions(0, 8192).size() == 2);
    }
}
