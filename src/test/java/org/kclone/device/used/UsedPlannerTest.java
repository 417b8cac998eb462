package org.kclone.device.used;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.kclone.device.fs.Extent;
import org.kclone.device.fs.FsFormatException;
import org.kclone.device.fs.FsUsage;
import org.kclone.engine.SectorRange;
import org.kclone.testing.GptImages;
import org.kclone.testing.MemoryDevice;

/** Planning a used-blocks-only copy: tables and gaps whole, supported file systems by their usage. */
class UsedPlannerTest {

    private static final int MIB = 1 << 20;

    /**
     * A test file system: "TESTFS" at its start, then its size as it claims; it uses its first 4 KiB
     * and 8 KiB at 1 MiB. "BADFS" throws as a reader does at inconsistent structures.
     */
    private static final UsageProbe PROBE = src -> {
        ByteBuffer head = src.read(0, 16);
        String magic = StandardCharsets.US_ASCII.decode(head.duplicate().limit(6)).toString();
        if (magic.startsWith("BADFS")) {
            throw new FsFormatException("block bitmap of group 3 lies past the end");
        }
        if (!magic.equals("TESTFS")) {
            return Optional.empty();
        }
        return Optional.of(new FsUsage("ext4", src.length(), List.of(new Extent(0, 4096), new Extent(MIB, 8192))));
    };

    private static void mark(byte[] disk, long sector, String magic) {
        byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(m, 0, disk, (int) (sector * 512), m.length);
    }

    @Test
    void aGptDiskCopiesItsTablesGapsAndUnknownPartitionsWholeAndOfAKnownFileSystemWhatItUses() throws Exception {
        // 8 MiB: p1 sectors 2048..8191 (3 MiB, TESTFS), p2 8192..12287 (2 MiB, unknown), p3 12288..16000 (BADFS)
        byte[] disk = GptImages.disk(512, 16384, new long[] {2048, 8191}, new long[] {8192, 12287},
                new long[] {12288, 16000});
        mark(disk, 2048, "TESTFS");
        mark(disk, 12288, "BADFS");
        UsedPlan plan = UsedPlanner.plan(MemoryDevice.of("disk", disk), 0, 16384, 512, PROBE);
        // copied: 0..2048+8 (tables, gap, p1's first 4 KiB); p1 at 1 MiB: 16 sectors; then from the end of
        // p1 on everything (p2 unknown, p3 inconsistent, the backup GPT)
        assertEquals(List.of(new SectorRange(0, 2056), new SectorRange(4096, 16), new SectorRange(8192, 8192)),
                plan.extents().ranges());
        assertEquals(3, plan.areas().size());
        UsedPlan.Area p1 = plan.areas().get(0);
        assertEquals("partition 1", p1.name());
        assertEquals("ext4", p1.type());
        assertEquals(4096 + 8192, p1.copiedBytes());
        assertEquals(3L * MIB - 12288, p1.skippedBytes());
        assertNull(p1.note());
        assertNull(plan.areas().get(1).type());
        assertTrue(plan.areas().get(1).note().contains("no supported file system"), plan.areas().get(1).note());
        assertTrue(plan.areas().get(2).note().contains("group 3"), plan.areas().get(2).note());
        assertEquals(0, plan.areas().get(2).skippedBytes());
        assertEquals(16384L * 512 - plan.extents().bytes(), plan.skippedBytes());
    }

    @Test
    void anMbrDiskWithLogicalPartitionsInAnExtendedOneHasEachProbed() throws Exception {
        byte[] disk = new byte[16 * MIB];
        // p1: 2048+4096 (TESTFS); p2 extended 8192..32767; logical 5 at 8192+2048 (TESTFS), logical 6 after it
        GptImages.mbrEntry(disk, 0, 0x83, 2048, 4096);
        GptImages.mbrEntry(disk, 1, 0x05, 8192, 24576);
        disk[510] = 0x55;
        disk[511] = (byte) 0xaa;
        ebr(disk, 8192, 2048, 4096, 0x05, 8192, 8192);
        ebr(disk, 16384, 2048, 4096, 0, 0, 0);
        mark(disk, 2048, "TESTFS");
        mark(disk, 10240, "TESTFS");
        UsedPlan plan = UsedPlanner.plan(MemoryDevice.of("disk", disk), 0, 32768, 512, PROBE);
        assertEquals(List.of("partition 1", "partition 5", "partition 6"),
                plan.areas().stream().map(UsedPlan.Area::name).toList());
        assertEquals(List.of(new SectorRange(0, 2056), new SectorRange(4096, 16), new SectorRange(6144, 4104),
                new SectorRange(12288, 16), new SectorRange(14336, 32768 - 14336)), plan.extents().ranges());
    }

    private static void ebr(byte[] disk, long at, long first, long count, int nextType, long next, long nextCount) {
        byte[] sector = new byte[512];
        GptImages.mbrEntry(sector, 0, 0x83, first, count);
        if (nextType != 0) {
            GptImages.mbrEntry(sector, 1, nextType, next, nextCount);
        }
        sector[510] = 0x55;
        sector[511] = (byte) 0xaa;
        System.arraycopy(sector, 0, disk, (int) (at * 512), 512);
    }

    @Test
    void aPartitionAsTheSourceIsProbedItselfAndSmallGapsAreReadThrough() throws Exception {
        byte[] part = new byte[4 * MIB];
        mark(part, 0, "TESTFS");
        // the region starts at sector 9 of its device (not 4 KiB aligned): skipped space shrinks to whole blocks
        byte[] dev = new byte[4 * MIB + 4608];
        System.arraycopy(part, 0, dev, 4608, part.length);
        UsedPlan plan = UsedPlanner.plan(MemoryDevice.of("part", dev), 4608, 8192, 512, PROBE);
        assertEquals("region", plan.areas().get(0).name());
        // skipped space shrinks to whole 4 KiB blocks of the device (region sector 9k+7 is a block's start)
        assertEquals(List.of(new SectorRange(0, 15), new SectorRange(2047, 24), new SectorRange(8191, 1)),
                plan.extents().ranges());
        // gaps of at most 256 KiB are read through
        assertEquals(List.of(new SectorRange(0, 2071), new SectorRange(8191, 1)),
                plan.extents().bridged(2032).ranges());
    }

    @Test
    void aDiskWithNeitherTableNorFileSystemIsCopiedWholeAndSaysSo() throws Exception {
        UsedPlan plan = UsedPlanner.plan(new MemoryDevice("blank", 2 * MIB), 0, 4096, 512, PROBE);
        assertTrue(plan.extents().isWhole(4096));
        assertTrue(plan.areas().get(0).note().contains("copied whole"));
    }
}
