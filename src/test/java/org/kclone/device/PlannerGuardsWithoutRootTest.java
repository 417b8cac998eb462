package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.BlockNodes;

/**
 * The wrong-disk guards without root: the planner identifies a path as a block device by its
 * node (a stat, no open) and decides everything else from the lsblk data it is given. Here two
 * real block device nodes of this machine ({@code /dev/loop0}, {@code /dev/loop1} where they
 * exist) are described as a disk and its partition in whatever state the test needs: system,
 * mounted, held, read-only. The planner never opens a device, so nothing is written.
 */
class PlannerGuardsWithoutRootTest {

    private static final long MiB = 1 << 20;

    @TempDir
    Path dir;

    private Path diskNode;
    private Path partNode;
    private Path src;

    @BeforeEach
    void setUp() throws Exception {
        List<Path> nodes = BlockNodes.some(2);
        diskNode = nodes.get(0);
        partNode = nodes.get(1);
        src = Files.write(dir.resolve("src.img"), new byte[100 * 512]);
    }

    private static String name(Path node) {
        return node.getFileName().toString();
    }

    /** The partition: 1 MiB at sector 2048 of the disk. */
    private DeviceInfo part(List<String> mounts, List<String> holders, boolean readOnly) {
        return new DeviceInfo(name(partNode), partNode.toString(), null, MiB, "part", null, null, null, false,
                readOnly, 512, 512, 2048, name(diskNode), mounts, "ext4", null, holders, false, List.of());
    }

    /** The disk: 8 MiB, with the partition as its child. */
    private DeviceInfo disk(boolean system, List<String> holders, int logicalSector, DeviceInfo... children) {
        return new DeviceInfo(name(diskNode), diskNode.toString(), null, 8 * MiB, "disk", "Model", "SER1", "usb", true,
                false, logicalSector, logicalSector, 0, null, List.of(), null, null, holders, system,
                List.of(children));
    }

    private static CopyPlanner planner(DeviceInfo disk, boolean force, boolean allowSystemDisk) {
        return new CopyPlanner(List.of(disk), new CopyPlanner.Options(force, allowSystemDisk, false));
    }

    private CopyPlanner.Plan copy(CopyPlanner p, String... dests) throws RefusedException {
        List<RegionSpec> specs = new java.util.ArrayList<>();
        for (int i = 0; i < dests.length; i++) {
            specs.add(RegionSpec.parse("DEST " + (i + 1), dests[i]));
        }
        return p.copy(RegionSpec.parse("SOURCE", src.toString()), specs);
    }

    private static RefusedException refused(String field, String reason, org.junit.jupiter.api.function.Executable e) {
        RefusedException r = assertThrows(RefusedException.class, e);
        assertEquals(field, r.field(), r.getMessage());
        assertTrue(r.reason().contains(reason), "expected '" + reason + "' in: " + r.getMessage());
        return r;
    }

    @Test
    void aPartitionOfTheSystemDiskIsRefusedUnlessForceAndAllowSystemDisk() throws Exception {
        // Only the disk says "system"; the partition itself carries the mountpoint: the guard must look up.
        DeviceInfo sys = disk(true, List.of(), 512, part(List.of("/"), List.of(), false));
        for (boolean[] o : new boolean[][] {{false, false}, {true, false}, {false, true}}) {
            refused("DEST 1", "is on the system disk " + diskNode, () -> copy(planner(sys, o[0], o[1]),
                    partNode.toString()));
            refused("DEST 1", "is on the system disk", () -> copy(planner(sys, o[0], o[1]), diskNode + "@0"));
            refused("DEST 1", "is on the system disk", () -> planner(sys, o[0], o[1])
                    .zero(List.of(RegionSpec.parse("DEST 1", partNode + "+8"))));
        }
        CopyPlanner.Plan p = copy(planner(sys, true, true), partNode.toString());
        assertEquals(Endpoint.Kind.BLOCK, p.destinations().get(0).kind());
        assertEquals(100, p.count());
    }

    @Test
    void aDiskWithAMountedPartitionIsRefusedUnlessForced() throws Exception {
        DeviceInfo d = disk(false, List.of(), 512, part(List.of("/media/stick"), List.of(), false));
        refused("DEST 1", "is mounted at /media/stick", () -> copy(planner(d, false, false), diskNode.toString()));
        refused("DEST 1", "is mounted at /media/stick", () -> copy(planner(d, false, false), partNode.toString()));
        assertEquals(1, copy(planner(d, true, false), diskNode.toString()).destinations().size(), "--force");
        assertEquals(1, copy(planner(d, true, false), partNode.toString()).destinations().size(), "--force");
    }

    @Test
    void aDiskHeldThroughItsPartitionIsRefusedUnlessForced() throws Exception {
        DeviceInfo d = disk(false, List.of(), 512, part(List.of(), List.of("vg-data"), false));
        refused("DEST 1", "in use by vg-data", () -> copy(planner(d, false, false), diskNode.toString()));
        refused("DEST 1", "in use by vg-data", () -> copy(planner(d, false, false), partNode.toString()));
        assertEquals(1, copy(planner(d, true, false), diskNode.toString()).destinations().size(), "--force");
        DeviceInfo md = disk(false, List.of("md0"), 512);
        refused("DEST 1", "in use by md0", () -> copy(planner(md, false, false), diskNode.toString()));
        assertEquals(1, copy(planner(md, true, false), diskNode.toString()).destinations().size(), "--force");
    }

    @Test
    void aReadOnlyDeviceIsRefusedEvenWithForce() {
        DeviceInfo d = disk(false, List.of(), 512, part(List.of(), List.of(), true));
        refused("DEST 1", "read-only", () -> copy(planner(d, true, true), partNode.toString()));
    }

    @Test
    void aBlockDeviceLsblkDoesNotListIsRefused() throws Exception {
        DeviceInfo onlyDisk = disk(false, List.of(), 512);
        refused("DEST 1", "lsblk does not list", () -> copy(planner(onlyDisk, true, true), partNode.toString()));
        refused("SOURCE", "lsblk does not list", () -> new CopyPlanner(List.of(), CopyPlanner.Options.NONE)
                .copy(RegionSpec.parse("SOURCE", diskNode.toString()), List.of(RegionSpec.parse("DEST 1",
                        dir.resolve("new.img").toString()))));
    }

    @Test
    void aRegionEndingAtTheDeviceEndIsAcceptedAndOneSectorMoreIsRefused() throws Exception {
        DeviceInfo d = disk(false, List.of(), 512, part(List.of(), List.of(), false));
        // The partition has 2048 sectors; the source 100.
        assertEquals(1948, copy(planner(d, false, false), partNode + "@1948").destinations().get(0).start());
        refused("DEST 1", "does not fit", () -> copy(planner(d, false, false), partNode + "@1949"));
        refused("DEST 1", "beyond the end", () -> copy(planner(d, false, false), partNode + "@2048"));
        assertEquals(16384 - 1948, planner(d, false, false).zero(List.of(RegionSpec.parse("DEST 1",
                diskNode + "@1948"))).count(), "zero: the rest of the disk, exactly to its end");
        refused("DEST 1", "does not fit", () -> planner(d, false, false).zero(List.of(RegionSpec.parse("DEST 1",
                diskNode + "@1948+14437"))));
    }

    @Test
    void partitionAndDiskRegionsThatTouchAreAcceptedAndOneSectorOfOverlapIsRefused() throws Exception {
        DeviceInfo d = disk(false, List.of(), 512, part(List.of(), List.of(), false));
        // The partition starts at the disk's sector 2048; the source has 100 sectors.
        CopyPlanner.Plan p = copy(planner(d, false, false), diskNode + "@1948", partNode + "@0");
        assertEquals(2, p.destinations().size(), "disk 1948..2047 and partition from disk sector 2048 touch");
        refused("DEST 2", "overlaps DEST 1", () -> copy(planner(d, false, false), diskNode + "@1949",
                partNode + "@0"));
        assertEquals(2, copy(planner(d, false, false), partNode + "@0", partNode + "@100").destinations().size());
        refused("DEST 2", "overlaps DEST 1", () -> copy(planner(d, false, false), partNode + "@0", partNode + "@99"));
    }

    @Test
    void fourKSectorDevicesNeedAlignedRegions() throws Exception {
        src = Files.write(dir.resolve("src8.img"), new byte[64 * 512]);
        DeviceInfo d = disk(false, List.of(), 4096);
        refused("DEST 1", "multiples of 8 sectors", () -> copy(planner(d, false, false), diskNode + "@3"));
        assertEquals(8, copy(planner(d, false, false), diskNode + "@8").destinations().get(0).start());
    }
}
