package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;

/**
 * Loop devices stacked on block devices (lsblk does not show it) and backing files the kernel
 * holds under another name: a device a mounted loop device is stacked on counts as mounted (W3);
 * the backing file's identity is the kernel's, not the printed path's (W2). Made-up lsblk and
 * sysfs without root, then real loop devices.
 */
class LoopStackTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private static List<Path> blockNodes(int n) throws IOException {
        return org.kclone.testing.BlockNodes.some(n);
    }

    private static DeviceInfo dev(String name, Path node, long size, String type, long start, String parent,
            List<String> mounts, List<DeviceInfo> children) {
        return new DeviceInfo(name, node.toString(), null, size, type, null, null, null, false, false, 512, 512, start,
                parent, mounts, null, null, List.of(), false, children);
    }

    private void sysLoop(Path sys, String name, String backingFile) throws IOException {
        Path d = Files.createDirectories(sys.resolve(name).resolve("loop"));
        Files.writeString(d.resolve("backing_file"), backingFile + "\n");
        Files.writeString(d.resolve("offset"), "0\n");
        Files.writeString(d.resolve("sizelimit"), "0\n");
    }

    private Path image(String name, long bytes) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return p;
    }

    private static CopyPlanner.Plan copy(CopyPlanner p, String src, String dest) throws RefusedException {
        return p.copy(RegionSpec.parse("SOURCE", src), List.of(RegionSpec.parse("DEST 1", dest)));
    }

    private static RefusedException refused(CopyPlanner p, String src, String dest) {
        return assertThrows(RefusedException.class, () -> copy(p, src, dest), () -> src + " -> " + dest);
    }

    private static RefusedException refusedZero(CopyPlanner p, String dest) {
        return assertThrows(RefusedException.class, () -> p.zero(List.of(RegionSpec.parse("DEST 1", dest))), dest);
    }

    // ---- W3: made-up lsblk and sysfs (no root) ----

    @Test
    void aDeviceUnderAMountedLoopDeviceCountsAsMounted() throws Exception {
        List<Path> nodes = blockNodes(4);
        Path sys = dir.resolve("sys");
        Path top = image("top.img", 32 * MIB);
        Path src = image("src.img", MIB);
        // loop7 on top.img (partition loop7p1 = sectors 2048+8192); loop6 on loop7, mounted; loop5 on loop7p1, mounted
        sysLoop(sys, "loop7", top.toString());
        sysLoop(sys, "loop6", nodes.get(0).toString());
        DeviceInfo p1 = dev("loop7p1", nodes.get(1), 4 * MIB, "part", 2048, "loop7", List.of(), List.of());
        DeviceInfo loop7 = dev("loop7", nodes.get(0), 32 * MIB, "loop", 0, null, List.of(), List.of(p1));
        DeviceInfo loop6 = dev("loop6", nodes.get(2), 32 * MIB, "loop", 0, null, List.of("/mnt/b"), List.of());
        CopyPlanner p = new CopyPlanner(List.of(loop7, loop6), CopyPlanner.Options.NONE, new LoopBacking(sys));
        String a = nodes.get(0).toString();
        RefusedException e = refused(p, src.toString(), a);
        assertEquals("DEST 1", e.field());
        assertTrue(e.reason().startsWith(a + " is under " + nodes.get(2) + ", mounted at /mnt/b"), e.getMessage());
        assertTrue(e.reason().endsWith("unmount it first (or --force)"), e.getMessage());
        refusedZero(p, a + "@2M+1M");
        refused(p, src.toString(), nodes.get(1).toString()); // a partition of the device under it
        CopyPlanner forced = new CopyPlanner(List.of(loop7, loop6), new CopyPlanner.Options(true, false, false),
                new LoopBacking(sys));
        assertEquals(2048, copy(forced, src.toString(), a).count());

        // a loop device over a partition, mounted: the partition and the disk's region under it
        Path sys2 = dir.resolve("sys2");
        sysLoop(sys2, "loop7", top.toString());
        sysLoop(sys2, "loop5", nodes.get(1).toString());
        DeviceInfo loop5 = dev("loop5", nodes.get(3), 4 * MIB, "loop", 0, null, List.of("/mnt/c"), List.of());
        CopyPlanner q = new CopyPlanner(List.of(loop7, loop5), CopyPlanner.Options.NONE, new LoopBacking(sys2));
        RefusedException under = refused(q, src.toString(), nodes.get(1).toString());
        assertTrue(under.reason().contains(" is under " + nodes.get(3) + ", mounted at /mnt/c"), under.getMessage());
        refused(q, src.toString(), a + "@1M");
        refused(q, src.toString(), a + "@5M-1s");
        assertEquals(2048, copy(q, src.toString(), a + "@5M").count(), "beside the partition: nothing mounted there");
        assertEquals(2048, copy(q, src.toString(), a).count());
    }

    // ---- W3: real loop devices (root) ----

    @Test
    void realLoopOverLoopMountedRefusesTheLowerOne() throws Exception {
        LoopDevices.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mkfs.ext4")) || Files.isExecutable(Path.of("/sbin/mkfs.ext4")),
                "mkfs.ext4 (e2fsprogs) is not installed");
        try (LoopDevices loops = new LoopDevices()) {
            Path top = image("top.img", 32 * MIB);
            Path src = image("src.img", MIB);
            Path a = loops.attachExisting(top);
            Path b = loops.attachExisting(a);
            LoopDevices.run("mkfs.ext4", "-q", b.toString());
            Path mnt = Files.createDirectories(dir.resolve("m"));
            LoopDevices.run("mount", b.toString(), mnt.toString());
            try {
                CopyPlanner p = new CopyPlanner(Lsblk.discover(), CopyPlanner.Options.NONE);
                RefusedException e = refused(p, src.toString(), a.toString());
                assertTrue(e.reason().startsWith(a + " is under " + b + ", mounted at " + mnt), e.getMessage());
                refusedZero(p, a + "@2M+1M");
            } finally {
                LoopDevices.run("umount", mnt.toString());
            }
        }
    }

    // ---- W2: the backing file's identity is the kernel's ----

    @Test
    void losetupsJsonGivesTheIdentityStatGives() throws Exception {
        String json = "{\"loopdevices\": [{\"name\": \"/dev/loop0\", \"back-ino\": 2146568,"
                + " \"back-maj:min\": \"     254:0  \", \"offset\": 0, \"sizelimit\": 0}]}";
        assertEquals(Map.of("loop0", new LoopBacking.FileId(65024, 2146568)), LoopKernelIds.parse(json));
        // as glibc's makedev (Python's os.makedev gave these)
        assertEquals(2049, LoopKernelIds.makedev(8, 1));
        assertEquals(66304, LoopKernelIds.makedev(259, 0));
        assertEquals(17592187092992L, LoopKernelIds.makedev(0x1000, 0x100));
        assertEquals(Map.of(), LoopKernelIds.parse("{\"loopdevices\": [{\"name\": \"/dev/loop0\","
                + " \"back-ino\": null, \"back-maj:min\": null}]}"), "not root: losetup cannot ask the kernel");
        assertEquals(Map.of(), LoopKernelIds.parse("{}"));
    }

    @Test
    void aBackingFileReachedByAnotherNameIsFoundByTheKernelsIdentity() throws Exception {
        List<Path> nodes = blockNodes(2);
        Path sys = dir.resolve("sys");
        Path hl2 = image("hl2.img", 8 * MIB); // the loop's own name, hl.img, was removed: hl2.img is a hard link
        Path f = image("f.img", 8 * MIB); // attached in another mount namespace as /f.img
        sysLoop(sys, "loop7", dir.resolve("hl.img") + " (deleted)");
        sysLoop(sys, "loop6", "/kclone-no-such-dir/f.img");
        LoopBacking.FileId hlId = LoopBacking.idOf(hl2);
        LoopBacking.FileId fId = LoopBacking.idOf(f);
        LoopBacking kernel = new LoopBacking(sys, name -> Optional.ofNullable(
                name.equals("loop7") ? hlId : name.equals("loop6") ? fId : null));
        List<DeviceInfo> lsblk = List.of(dev("loop7", nodes.get(0), 8 * MIB, "loop", 0, null, List.of(), List.of()),
                dev("loop6", nodes.get(1), 8 * MIB, "loop", 0, null, List.of(), List.of()));
        CopyPlanner p = new CopyPlanner(lsblk, CopyPlanner.Options.NONE, kernel);
        String l7 = nodes.get(0).toString();
        String l6 = nodes.get(1).toString();
        RefusedException e = refused(p, hl2 + "+4M", l7 + "@2M");
        assertTrue(e.reason().contains("overlap the source region"), e.getMessage());
        refused(p, l7 + "+1M", hl2 + "@512K");
        refused(p, f + "+1M", l6 + "@512K");
        assertEquals(2048, copy(p, f + "+1M", l6 + "@1M").count(), "touching is accepted");
    }

    @Test
    void realDeletedBackingFileIsKnownByTheKernel() throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices()) {
            Path hl = image("hl.img", 8 * MIB);
            Path hl2 = Files.createLink(dir.resolve("hl2.img"), hl);
            Path l = loops.attachExisting(hl);
            Files.delete(hl);
            LoopBacking.Backing b = LoopBacking.system().of(l.getFileName().toString()).orElseThrow();
            assertEquals(LoopBacking.idOf(hl2), b.id());
            CopyPlanner p = new CopyPlanner(Lsblk.discover(), CopyPlanner.Options.NONE);
            refused(p, hl2 + "+4M", l + "@2M");
            refused(p, l + "+1M", hl2 + "@512K");
        }
    }
}
