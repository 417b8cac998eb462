package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.BlockNodes;

/**
 * The overlap guard through loop devices, without root: lsblk data and sysfs are described by the
 * test (real block nodes of this machine stand for the devices, only stat'ed, never opened). A
 * partition of a loop device next to a mounted one, a loop device held by LVM/md/dm, two loop
 * devices on one deleted file, the full chain of loop devices in the message, loop devices that
 * sysfs shows backing each other, and an image file that happens to be named like a device.
 */
class OverlapThroughLoopsTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private static String name(Path node) {
        return node.getFileName().toString();
    }

    private static DeviceInfo dev(Path node, long size, String type, long start, String parent, List<String> mounts,
            List<String> holders, List<DeviceInfo> children) {
        return new DeviceInfo(name(node), node.toString(), null, size, type, null, null, null, false, false, 512, 512,
                start, parent, mounts, null, null, holders, false, children);
    }

    private static DeviceInfo loop(Path node, long size, List<DeviceInfo> children) {
        return dev(node, size, "loop", 0, null, List.of(), List.of(), children);
    }

    /** {@code sys/NAME/loop/...} as the kernel shows an attached loop device. */
    private Path sysLoop(String name, String backingFile, long offset) throws IOException {
        Path d = Files.createDirectories(dir.resolve("sys").resolve(name).resolve("loop"));
        Files.writeString(d.resolve("backing_file"), backingFile + "\n");
        Files.writeString(d.resolve("offset"), offset + "\n");
        Files.writeString(d.resolve("sizelimit"), "0\n");
        return dir.resolve("sys");
    }

    private Path image(String name, long bytes) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return p;
    }

    private CopyPlanner planner(List<DeviceInfo> lsblk, boolean force) {
        return new CopyPlanner(lsblk, new CopyPlanner.Options(force, false, false), new LoopBacking(dir.resolve("sys")));
    }

    private static CopyPlanner.Plan copy(CopyPlanner p, String src, String... dests) throws RefusedException {
        List<RegionSpec> d = new ArrayList<>();
        for (int i = 0; i < dests.length; i++) {
            d.add(RegionSpec.parse("DEST " + (i + 1), dests[i]));
        }
        return p.copy(RegionSpec.parse("SOURCE", src), d);
    }

    private static RefusedException refused(CopyPlanner p, String src, String... dests) {
        return assertThrows(RefusedException.class, () -> copy(p, src, dests), () -> src + " -> " + List.of(dests));
    }

    @Test
    void aPartitionOfALoopDeviceIsWritableWhileAnotherPartitionOfItIsMounted() throws Exception {
        List<Path> n = BlockNodes.some(3);
        Path file = image("disk.img", 32 * MIB);
        Path src = image("src.img", MIB);
        sysLoop(name(n.get(0)), file.toString(), 0);
        DeviceInfo p1 = dev(n.get(1), 8 * MIB, "part", 2048, name(n.get(0)), List.of(), List.of(), List.of());
        DeviceInfo p2 = dev(n.get(2), 8 * MIB, "part", 18432, name(n.get(0)), List.of("/mnt/p2"), List.of(), List.of());
        CopyPlanner p = planner(List.of(loop(n.get(0), 32 * MIB, List.of(p1, p2))), false);

        assertEquals(2048, copy(p, src.toString(), n.get(1).toString()).count(),
                "the first partition is not mounted: writing it leaves the second's file system alone");
        assertEquals(n.get(0) + " is mounted at /mnt/p2; unmount it first (or --force)",
                refused(p, src.toString(), n.get(0).toString()).reason(), "the whole loop device holds the mount");
        assertEquals(n.get(2) + " is mounted at /mnt/p2; unmount it first (or --force)",
                refused(p, src.toString(), n.get(2).toString()).reason());
    }

    @Test
    void anImageUnderALoopDeviceHeldByLvmOrMdIsRefusedUnlessForced() throws Exception {
        Path node = BlockNodes.some(1).get(0);
        Path file = image("pv.img", 16 * MIB);
        Path src = image("src.img", MIB);
        sysLoop(name(node), file.toString(), 4 * MIB);
        List<DeviceInfo> lsblk = List.of(dev(node, 8 * MIB, "loop", 0, null, List.of(), List.of("vg-lv"), List.of()));

        RefusedException e = refused(planner(lsblk, false), src.toString(), file + "@4M");
        assertEquals("DEST 1", e.field());
        assertEquals(file + " lies under loop device " + node + ", which is held by LVM, md or dm; unmount it first"
                + " (or --force)", e.reason());
        refused(planner(lsblk, false), src.toString(), file + "@" + (12 * 2048 - 1)); // its last sector
        assertEquals(2048, copy(planner(lsblk, false), src.toString(), file + "@3M").count(), "just before it");
        assertEquals(2048, copy(planner(lsblk, false), src.toString(), file + "@12M").count(), "just after it");
        assertEquals(2048, copy(planner(lsblk, true), src.toString(), file + "@4M").count(), "--force");
    }

    @Test
    void twoLoopDevicesOnOneDeletedFileMeetByItsName() throws Exception {
        List<Path> n = BlockNodes.some(2);
        Path gone = dir.resolve("gone.img"); // deleted: sysfs still names it, nothing is at that path
        Path src = image("src.img", MIB);
        sysLoop(name(n.get(0)), gone + " (deleted)", 0);
        sysLoop(name(n.get(1)), gone + " (deleted)", MIB);
        CopyPlanner p = planner(List.of(loop(n.get(0), 32 * MIB, List.of()), loop(n.get(1), 31 * MIB, List.of())),
                false);
        String a = n.get(0).toString();
        String b = n.get(1).toString();
        String why = ": " + b + " is a loop device on " + gone + " from byte 1048576; " + a + " is a loop device on "
                + gone;

        assertEquals(2, copy(p, src.toString(), a, b).destinations().size(), "the file's first and second MiB touch");
        RefusedException one = refused(p, src.toString(), a + "@1s", b);
        assertEquals("DEST 2", one.field());
        assertEquals(b + " overlaps DEST 1 (" + a + ")" + why, one.reason());
        RefusedException same = refused(p, src.toString(), a + "@1M", b);
        assertEquals("is the same destination as DEST 1 (" + a + ")" + why, same.reason());
        assertEquals(2, copy(p, src.toString(), a + "@2M", b).destinations().size(), "b's MiB ends where a's starts");
    }

    @Test
    void theMessageNamesEveryLoopDeviceOnTheWayToTheFile() throws Exception {
        List<Path> n = BlockNodes.some(2);
        Path file = image("base.img", 32 * MIB);
        sysLoop(name(n.get(0)), file.toString(), MIB);
        sysLoop(name(n.get(1)), n.get(0).toString(), 0); // a loop device over the block device n0
        CopyPlanner p = planner(List.of(loop(n.get(0), 31 * MIB, List.of()), loop(n.get(1), 31 * MIB, List.of())),
                false);
        String lower = n.get(0).toString();
        String upper = n.get(1).toString();

        assertEquals(lower + " sectors 0+8 overlap the source region (" + file + " 2048+8): " + lower
                + " is a loop device on " + file + " from byte 1048576",
                refused(p, file + "@2048+8", lower).reason());
        assertEquals(upper + " sectors 0+8 overlap the source region (" + file + " 2048+8): " + upper
                + " is a loop device on " + lower + ", " + lower + " is a loop device on " + file + " from byte 1048576",
                refused(p, file + "@2048+8", upper).reason());
        assertEquals(8, copy(p, file + "@2040+8", upper).count(), "the file's sectors just before the loop devices");
    }

    @Test
    void loopDevicesThatSysfsShowsBackingEachOtherDoNotHangThePlanner() throws Exception {
        // The kernel refuses such a loop; sysfs only prints paths, and a path can be made to name anything.
        List<Path> n = BlockNodes.some(2);
        Path src = image("src.img", MIB);
        sysLoop(name(n.get(0)), n.get(1).toString(), 0);
        sysLoop(name(n.get(1)), n.get(0).toString(), 0);
        CopyPlanner p = planner(List.of(loop(n.get(0), 8 * MIB, List.of()), loop(n.get(1), 8 * MIB, List.of())),
                false);
        assertEquals(2048, copy(p, src.toString(), n.get(0).toString()).count());
    }

    @Test
    void anImageFileNamedLikeADeviceIsStillTheFile() throws Exception {
        List<Path> n = BlockNodes.some(2);
        // the loop device's backing file has the kernel name of another listed device
        Path file = image(name(n.get(1)), 8 * MIB);
        Path src = image("src.img", MIB);
        sysLoop(name(n.get(0)), file.toString(), 0);
        CopyPlanner p = planner(List.of(loop(n.get(0), 8 * MIB, List.of()),
                dev(n.get(1), 64 * MIB, "disk", 0, null, List.of(), List.of(), List.of())), false);

        RefusedException e = refused(p, src.toString(), n.get(0).toString(), file.toString());
        assertEquals("DEST 2", e.field());
        assertEquals("is the same destination as DEST 1 (" + n.get(0) + "): " + n.get(0) + " is a loop device on "
                + file, e.reason());
        assertEquals(2, copy(p, src.toString(), n.get(0).toString(), n.get(1).toString()).destinations().size(),
                "the device of that name is another device");
    }
}
