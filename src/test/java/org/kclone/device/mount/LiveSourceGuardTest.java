package org.kclone.device.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.testing.BlockNodes;

/**
 * A source in use (mounted read-write, or active swap) is refused unless forced; a read-only mount,
 * a partition outside the region and an image file are fine. Without root: two block device nodes
 * of this machine described by lsblk data, and the mount table given as mountinfo lines.
 */
class LiveSourceGuardTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private Path diskNode;
    private Path partNode;

    @BeforeEach
    void nodes() throws java.io.IOException {
        List<Path> nodes = BlockNodes.some(2);
        diskNode = nodes.get(0);
        partNode = nodes.get(1);
    }

    /** The partition: 1 MiB at sector 2048 of an 8 MiB disk. */
    private DeviceInfo disk(List<String> partMounts) {
        DeviceInfo part = new DeviceInfo(partNode.getFileName().toString(), partNode.toString(), null, MIB, "part",
                null, null, null, false, false, 512, 512, 2048, diskNode.getFileName().toString(), partMounts, "ext4",
                null, List.of(), false, List.of());
        return new DeviceInfo(diskNode.getFileName().toString(), diskNode.toString(), null, 8 * MIB, "disk", "M", "S",
                "usb", true, false, 512, 512, 0, null, List.of(), null, null, List.of(), false, List.of(part));
    }

    private static MountTable table(String... lines) {
        return new MountTable(() -> List.of(lines));
    }

    private static final String RW = "36 25 7:1 / /media/stick rw,nosuid,relatime shared:1 - ext4 /dev/loop1 rw";
    private static final String RO = "36 25 7:1 / /media/stick ro,relatime shared:1 - ext4 /dev/loop1 ro";

    private CopyPlanner.Plan copy(DeviceInfo disk, boolean force, MountTable mounts, String source)
            throws RefusedException {
        return new CopyPlanner(List.of(disk), new CopyPlanner.Options(force, false, false)).mounts(mounts)
                .copy(RegionSpec.parse("SOURCE", source), List.of(RegionSpec.parse("DEST 1",
                        dir.resolve("out.img").toString())));
    }

    @Test
    void aPartitionMountedReadWriteIsRefusedNamingWhereAndTheWayOut() {
        RefusedException e = assertThrows(RefusedException.class,
                () -> copy(disk(List.of("/media/stick")), false, table(RW), partNode.toString()));
        assertEquals("SOURCE", e.field());
        assertEquals(partNode + " is in use: " + partNode + " is mounted read-write at /media/stick; a copy of a file"
                + " system that changes while it is read is not consistent: unmount it or remount it read-only"
                + " (mount -o remount,ro MOUNTPOINT) first (or --force)", e.reason());
        assertFalse(Files.exists(dir.resolve("out.img")), "nothing created");
    }

    @Test
    void theWholeDiskIsRefusedWhenTheRegionCoversAMountedPartitionAndNotOtherwise() throws Exception {
        DeviceInfo d = disk(List.of("/media/stick"));
        RefusedException e = assertThrows(RefusedException.class, () -> copy(d, false, table(RW), diskNode.toString()));
        assertTrue(e.reason().contains(partNode + " is mounted read-write at /media/stick"), e.reason());
        // the partition is sectors 2048..4095: a region ending at 2048, or starting at 4096, leaves it out
        assertEquals(2048, copy(d, false, table(RW), diskNode + "+2048").source().count());
        assertEquals(4096, copy(d, false, table(RW), diskNode + "@4096").source().start());
        assertThrows(RefusedException.class, () -> copy(d, false, table(RW), diskNode + "+2049"), "one sector in");
        assertThrows(RefusedException.class, () -> copy(d, false, table(RW), diskNode + "@4095"), "the last sector");
    }

    @Test
    void aReadOnlyMountForceAndAnUnmountedSourcePass() throws Exception {
        assertEquals(2048, copy(disk(List.of("/media/stick")), false, table(RO), partNode.toString()).source().count());
        assertEquals(2048, copy(disk(List.of("/media/stick")), true, table(RW), partNode.toString()).source().count());
        assertEquals(2048, copy(disk(List.of()), false, table(), partNode.toString()).source().count());
    }

    @Test
    void aMountTheTableDoesNotListCountsAsReadWriteAndSwapIsInUse() {
        RefusedException unknown = assertThrows(RefusedException.class,
                () -> copy(disk(List.of("/elsewhere")), false, table(RO), partNode.toString()));
        assertTrue(unknown.reason().contains("mounted read-write at /elsewhere"), unknown.reason());
        RefusedException swap = assertThrows(RefusedException.class,
                () -> copy(disk(List.of("[SWAP]")), false, table(), partNode.toString()));
        assertTrue(swap.reason().contains(partNode + " is active swap"), swap.reason());
    }

    @Test
    void anImageFileSourceIsNotAskedAbout() throws Exception {
        Path img = Files.write(dir.resolve("in.img"), new byte[4096]);
        assertEquals(8, copy(disk(List.of("/media/stick")), false, table(RW), img.toString()).source().count());
    }

    @Test
    void verifyReadsALiveSourceWithoutComplaint() throws Exception {
        Path other = Files.write(dir.resolve("other.img"), new byte[(int) MIB]);
        CopyPlanner p = new CopyPlanner(List.of(disk(List.of("/media/stick"))), CopyPlanner.Options.NONE)
                .mounts(table(RW));
        assertEquals(2048, p.verify(RegionSpec.parse("SOURCE", partNode.toString()),
                List.of(RegionSpec.parse("DEST 1", other.toString()))).source().count());
    }

    @Test
    void mountinfoIsReadWithItsEscapesStackedMountsAndReadOnlySuperblocks() {
        Map<String, Boolean> ro = MountTable.parse(List.of(
                "40 25 8:1 / /media/my\\040stick rw,relatime shared:2 - vfat /dev/sdb1 rw,fmask=0022",
                "41 25 8:2 / /mnt/ro rw,relatime - ext4 /dev/sdb2 ro,errors=remount-ro",
                "42 25 8:3 / /mnt/twice ro,relatime - ext4 /dev/sdb3 rw",
                "43 25 8:3 / /mnt/twice rw,relatime - ext4 /dev/sdb3 rw",
                "44 25 8:4 / /mnt/both ro - ext4 /dev/sdb4 rw",
                "45 25 8:4 / /mnt/both ro - ext4 /dev/sdb4 rw",
                "46 25 8:5 / /mnt/least ro - ext4 src ro",
                "47 25 8:6 / /mnt/cut rw - ext4 /dev/sdb6",
                "48 25 8:7 / /mnt/nodash rw",
                "garbage line"));
        assertEquals(Map.of("/media/my stick", false, "/mnt/ro", true, "/mnt/twice", false, "/mnt/both", true,
                "/mnt/least", true), ro, "the shortest whole line read; a cut one and one without '-' left out");
        assertEquals("a\tb\\c", MountTable.unescape("a\\011b\\134c"));
        assertEquals("end\\04", MountTable.unescape("end\\04"), "too short for an escape at the end: as it is");
        assertEquals("x ", MountTable.unescape("x\\040"), "an escape at the very end");
        assertTrue(table(RO).readOnly("/media/stick"));
        assertFalse(table(RW).readOnly("/media/stick"));
        assertFalse(MountTable.of(dir.resolve("missing")).readOnly("/media/stick"), "unknown: read-write");
        java.nio.file.Path info;
        try {
            info = Files.writeString(dir.resolve("mountinfo"), RO + "\n");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertTrue(MountTable.of(info).readOnly("/media/stick"), "read from the file");
    }
}
