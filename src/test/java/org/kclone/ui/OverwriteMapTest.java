package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kclone.ui.table.OverwriteStrip;

/**
 * A destination row's strip of what will be overwritten, worked out without a toolkit from lsblk's
 * JSON ({@link PartitionMapTest#DISK}: sdf with EFI at 2048 (256 MiB), 15 MiB free, sdf2 ext4 at
 * 557056 (640 MiB), 112 MiB free; sdg without partitions).
 */
class OverwriteMapTest {

    private static List<Boolean> hits(OverwriteStrip s) {
        return s.parts().stream().map(OverwriteStrip.Part::hit).toList();
    }

    @Test
    void aRegionOverPartitionsOneAndTwoMarksThemAndNamesThem() throws Exception {
        OverwriteStrip s = OverwriteMap.of(PartitionMapTest.disk(), "/dev/sdf", 0, 1867776);
        assertEquals(List.of(true, true, true, false), hits(s), "EFI, the gap, sdf2; not the free space after");
        assertEquals(List.of(false, true, false, true), s.parts().stream().map(OverwriteStrip.Part::free).toList());
        assertEquals(1.0, s.parts().stream().mapToDouble(OverwriteStrip.Part::share).sum(), 1e-9);
        assertEquals(0, s.regionFrom());
        assertEquals(1867776 / 2097152.0, s.regionTo(), 1e-12);
        assertEquals("/dev/sdf: 912.0 MiB from sector 0 overwrites\n"
                + "the partition table (the disk's first sectors)\n"
                + "/dev/sdf1: EFI · vfat · 256.0 MiB\n"
                + "/dev/sdf2: sdf2 · ext4 · 640.0 MiB", s.tip());
        assertFalse(s.isPlain());
    }

    @Test
    void aRegionEndingInsidePartitionTwoSaysSo() throws Exception {
        OverwriteStrip s = OverwriteMap.of(PartitionMapTest.disk(), "/dev/sdf", 2048, 600000);
        assertEquals(List.of(true, true, true, false), hits(s));
        assertTrue(s.tip().endsWith("/dev/sdf1: EFI · vfat · 256.0 MiB\n/dev/sdf2: sdf2 · ext4 · 640.0 MiB (in part)"),
                s.tip());
        assertFalse(s.tip().contains("partition table"), "sector 2048 onward leaves the table alone: " + s.tip());
        OverwriteStrip inGap = OverwriteMap.of(PartitionMapTest.disk(), "/dev/sdf", 530000, 2048);
        assertEquals(List.of(false, true, false, false), hits(inGap));
        assertTrue(inGap.tip().endsWith("overwrites no partition (free space only)."), inGap.tip());
    }

    @Test
    void aPartitionAsDestinationMarksOnlyItOnItsDisk() throws Exception {
        OverwriteStrip s = OverwriteMap.of(PartitionMapTest.disk(), "/dev/sdf2", 0, 2048);
        assertEquals(List.of(false, false, true, false), hits(s));
        assertEquals(557056 / 2097152.0, s.regionFrom(), 1e-12, "where the partition starts on its disk");
        assertEquals("/dev/sdf2 on /dev/sdf: 1.0 MiB from sector 0 overwrites\n/dev/sdf2: sdf2 · ext4 · 640.0 MiB (in part)",
                s.tip());
        OverwriteStrip whole = OverwriteMap.of(PartitionMapTest.disk(), "/dev/sdf2", 0, 1310720);
        assertTrue(whole.tip().endsWith("/dev/sdf2: sdf2 · ext4 · 640.0 MiB"), "wholly overwritten: " + whole.tip());
    }

    @Test
    void aDiskWithoutPartitionsOrAnImageFileIsAPlainStripThatSaysSo() throws Exception {
        OverwriteStrip bare = OverwriteMap.of(PartitionMapTest.disk(), "/dev/sdg", 0, 1048576);
        assertTrue(bare.isPlain());
        assertEquals(0.5, bare.regionTo(), 1e-12);
        assertEquals("/dev/sdg: no partitions.\nWritten: 512.0 MiB from sector 0.", bare.tip());
        OverwriteStrip image = OverwriteMap.of(PartitionMapTest.disk(), "/var/tmp/copy.img", 0, 2048);
        assertTrue(image.isPlain());
        assertEquals("/var/tmp/copy.img: an image file, no partitions shown.\nWritten: 1.0 MiB from sector 0.",
                image.tip());
    }

    @Test
    void withoutASourceRegionNothingIsMarked() throws Exception {
        OverwriteStrip s = OverwriteMap.of(PartitionMapTest.disk(), "/dev/sdf", 0, 0);
        assertEquals(List.of(false, false, false, false), hits(s));
        assertEquals("/dev/sdf: nothing yet (no source region).", s.tip());
    }
}
