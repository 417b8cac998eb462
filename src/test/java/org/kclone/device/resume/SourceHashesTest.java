package org.kclone.device.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kclone.engine.Extents;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;
import org.kclone.testing.MemoryDevice;

/**
 * What a map hashes of the source below the resume point: not only the head (a whole disk's
 * partition table) and the MiB before the point, but samples over the copied part, so a file
 * changed in the middle of a whole disk is noticed; and for --used-only the copied extents only.
 */
class SourceHashesTest {

    private static final int MiB = 1 << 20;

    @Test
    void aChangeInTheMiddleOfTheCopiedPartIsNoticed() throws Exception {
        MemoryDevice disk = MemoryDevice.random("disk", 64 * MiB, 7);
        List<MapFile.Hash> hashes = SourceHashes.around(disk, 0, 64L * MiB, 48L * MiB, null);
        assertEquals("head", hashes.get(0).name());
        assertEquals(new MapFile.Hash("tail", 44L * MiB, 4L * MiB, hashes.get(hashes.size() - 1).sha256()),
                hashes.get(hashes.size() - 1));
        long covered = hashes.stream().mapToLong(MapFile.Hash::length).sum();
        assertTrue(covered >= 25L * MiB, "head, tail and a sample every 2 MiB below the tail: " + covered);
        assertNull(SourceHashes.firstChanged(disk, 0, hashes));

        disk.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 24L * MiB + 100); // a sample (24 MiB = 12/32 of 64)
        MapFile.Hash changed = SourceHashes.firstChanged(disk, 0, hashes);
        assertNotNull(changed, "a change far from the head and the point is noticed");
        assertEquals(24L * MiB, changed.start());
    }

    @Test
    void samplesAreReadOncePerRun() throws Exception {
        MemoryDevice disk = MemoryDevice.random("disk", 64 * MiB, 7);
        SourceHashes.Cache cache = new SourceHashes.Cache();
        List<MapFile.Hash> first = SourceHashes.around(disk, 0, 64L * MiB, 40L * MiB, cache);
        disk.write(ByteBuffer.wrap(new byte[] {9}), 10L * MiB); // the cache answers for what it read
        List<MapFile.Hash> again = SourceHashes.around(disk, 0, 64L * MiB, 40L * MiB, cache);
        assertEquals(first, again);
    }

    @Test
    void aUsedOnlyMapHashesTheCopiedExtentsEndToEnd() throws Exception {
        MemoryDevice disk = MemoryDevice.random("disk", 16 * MiB, 3);
        // copied: the first MiB and 8..12 MiB; the rest is free space, which may change
        UsedExtents used = new UsedExtents(Extents.of(List.of(new SectorRange(0, 2048),
                new SectorRange(16384, 8192))), 32768, 16L * MiB);
        assertEquals(5L * MiB, used.bytes());
        assertEquals(3L * MiB, used.copiedBelow(10L * MiB));
        assertEquals(List.of(new SectorRange(20480, 4096)), used.from(10L * MiB).ranges());
        assertEquals(11L * MiB, used.gaps().bytes());
        IoRegion compact = used.compact(new IoRegion(disk, 0, 32768));
        List<MapFile.Hash> hashes = SourceHashes.around(compact.device(), 0, used.bytes(), 3L * MiB, null);
        disk.write(ByteBuffer.wrap(new byte[] {1}), 4L * MiB); // free space
        assertNull(SourceHashes.firstChanged(compact.device(), 0, hashes));
        disk.write(ByteBuffer.wrap(new byte[] {1}), 9L * MiB); // a copied block
        assertNotNull(SourceHashes.firstChanged(compact.device(), 0, hashes));
    }
}
