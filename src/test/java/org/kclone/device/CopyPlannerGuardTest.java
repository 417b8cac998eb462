package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;

/**
 * The guards that need a machine state tests cannot safely make (a disk held by LVM or md, the
 * system disk): a real loop device, described to the planner by lsblk data that says so. The
 * planner decides from lsblk's data alone, so this is the same decision it takes on a real one.
 */
class CopyPlannerGuardTest {

    @TempDir
    Path dir;

    private static DeviceInfo loop(Path dev, long size, boolean system, List<String> holders, List<String> mounts) {
        String name = dev.getFileName().toString();
        return new DeviceInfo(name, dev.toString(), null, size, "loop", null, null, null, false, false, 512, 512, 0,
                null, mounts, null, null, holders, system, List.of());
    }

    @Test
    void refusesADestinationHeldByLvmOrMdUnlessForced() throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices()) {
            Path src = dir.resolve("src.img");
            Files.write(src, new byte[1 << 20]);
            Path dev = loops.attach(dir.resolve("held.img"), 8 << 20);
            byte[] before = Files.readAllBytes(dir.resolve("held.img"));
            List<DeviceInfo> lsblk = List.of(loop(dev, 8 << 20, false, List.of("vg-data"), List.of()));
            RegionSpec s = RegionSpec.parse("SOURCE", src.toString());
            RegionSpec d = RegionSpec.parse("DEST 1", dev.toString());
            RefusedException e = assertThrows(RefusedException.class,
                    () -> new CopyPlanner(lsblk, CopyPlanner.Options.NONE).copy(s, List.of(d)));
            assertEquals("DEST 1", e.field());
            assertTrue(e.reason().contains("in use by vg-data"), e.getMessage());
            assertEquals(1, new CopyPlanner(lsblk, new CopyPlanner.Options(true, false, false)).copy(s, List.of(d))
                    .destinations().size(), "--force lets it through");
            assertArrayEquals(before, Files.readAllBytes(dir.resolve("held.img")));
        }
    }

    @Test
    void refusesTheSystemDiskEvenWithForceAloneButNotWithBothFlags() throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices()) {
            Path src = dir.resolve("src.img");
            byte[] data = new byte[1 << 20];
            new Random(1).nextBytes(data);
            Files.write(src, data);
            Path dev = loops.attach(dir.resolve("sys.img"), 8 << 20);
            byte[] before = Files.readAllBytes(dir.resolve("sys.img"));
            List<DeviceInfo> lsblk = List.of(loop(dev, 8 << 20, true, List.of(), List.of()));
            RegionSpec s = RegionSpec.parse("SOURCE", src.toString());
            RegionSpec d = RegionSpec.parse("DEST 1", dev.toString());
            for (CopyPlanner.Options o : List.of(CopyPlanner.Options.NONE, new CopyPlanner.Options(true, false, false),
                    new CopyPlanner.Options(false, true, false))) {
                RefusedException e = assertThrows(RefusedException.class,
                        () -> new CopyPlanner(lsblk, o).copy(s, List.of(d)), o.toString());
                assertTrue(e.reason().contains("system disk"), e.getMessage());
            }
            assertEquals(1, new CopyPlanner(lsblk, new CopyPlanner.Options(true, true, false)).copy(s, List.of(d))
                    .destinations().size());
            assertArrayEquals(before, Files.readAllBytes(dir.resolve("sys.img")));
        }
    }

    @Test
    void theRealSystemDiskIsMarkedSystemAndRefused() throws Exception {
        Tools.assumeInstalled("lsblk");
        // Decided from this machine's own lsblk; nothing is opened (the planner never opens).
        List<DeviceInfo> lsblk = Lsblk.discover();
        DeviceInfo root = Lsblk.flatten(lsblk).stream().filter(x -> x.mountpoints().contains("/")).findFirst()
                .orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(root != null && Files.exists(Path.of(root.path())),
                "/ is not on a block device lsblk lists here (a container overlay?)");
        Path src = dir.resolve("src.img");
        Files.write(src, new byte[4096]);
        RefusedException e = assertThrows(RefusedException.class, () -> new CopyPlanner(lsblk,
                new CopyPlanner.Options(true, false, false)).copy(RegionSpec.parse("SOURCE", src.toString()),
                List.of(RegionSpec.parse("DEST 1", root.path()))));
        assertTrue(e.reason().contains("system disk") || e.reason().contains("mounted"), e.getMessage());
    }

    @Test
    void imageFileGuards() throws Exception {
        Path src = dir.resolve("src.img");
        Files.write(src, new byte[1 << 20]);
        Path shortFile = dir.resolve("short.img");
        Files.write(shortFile, new byte[4096]);
        CopyPlanner planner = new CopyPlanner(List.of(), CopyPlanner.Options.NONE);
        RefusedException e = assertThrows(RefusedException.class, () -> planner.copy(
                RegionSpec.parse("SOURCE", src.toString()), List.of(RegionSpec.parse("DEST 1", shortFile.toString()))));
        assertTrue(e.reason().contains("--grow"), e.getMessage());
        CopyPlanner.Plan grown = new CopyPlanner(List.of(), new CopyPlanner.Options(false, false, true)).copy(
                RegionSpec.parse("SOURCE", src.toString()), List.of(RegionSpec.parse("DEST 1", shortFile.toString())));
        assertEquals(2048, grown.count());
        assertEquals(4096, Files.size(shortFile), "planning writes nothing");
        RefusedException same = assertThrows(RefusedException.class, () -> planner.copy(
                RegionSpec.parse("SOURCE", src + "+100"), List.of(RegionSpec.parse("DEST 1", src + "@50"))));
        assertTrue(same.reason().contains("overlap the source"), same.getMessage());
        RefusedException dev = assertThrows(RefusedException.class, () -> planner.copy(
                RegionSpec.parse("SOURCE", src.toString()), List.of(RegionSpec.parse("DEST 1", "/dev/nonexistent9"))));
        assertTrue(dev.reason().contains("does not exist"), dev.getMessage());
    }
}
