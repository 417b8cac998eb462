package org.kclone.device.claim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;
import org.kclone.device.OpenedPlan;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.testing.LoopDevices;

/**
 * One writer per destination: what {@link OpenedPlan#open} claims (the exclusive open and the
 * disk's flock for block devices, file locks for image files) refuses a second run on the same
 * destination until the first has closed. In one process here; {@code CliOneWriterTest} has the
 * same between two kclone processes.
 */
class ClaimTest {

    @TempDir
    Path dir;

    private Path random(String name, int bytes, long seed) throws IOException {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    /** Planned with --force: the guards are not under test here, what the run claims is. */
    private static CopyPlanner.Plan plan(List<DeviceInfo> lsblk, Path src, String... dests) throws RefusedException {
        List<RegionSpec> d = new ArrayList<>();
        for (int i = 0; i < dests.length; i++) {
            d.add(RegionSpec.parse("DEST " + (i + 1), dests[i]));
        }
        return new CopyPlanner(lsblk, new CopyPlanner.Options(true, false, false))
                .copy(RegionSpec.parse("SOURCE", src.toString()), d);
    }

    private static void assertInUse(RefusedException e, String field, String path) {
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.reason().startsWith(path + " is in use by another program"), e.getMessage());
        assertTrue(e.reason().endsWith("nothing was written"), e.getMessage());
    }

    // ---- image files (no root) ----

    @Test
    void anImageFileHasOneWriterAtATime() throws Exception {
        Path src = random("src.img", 1 << 20, 1);
        Path dst = random("dst.img", 1 << 20, 2);
        CopyPlanner.Plan p = plan(List.of(), src, dst.toString());
        try (OpenedPlan first = OpenedPlan.open(p)) {
            RefusedException e = assertThrows(RefusedException.class, () -> OpenedPlan.open(p));
            assertInUse(e, "DEST 1", dst.toString());
            // the same without JNA: the file lock alone refuses
            RefusedException javaOnly = assertThrows(RefusedException.class, () -> Claims.take(p, null));
            assertInUse(javaOnly, "DEST 1", dst.toString());
        }
        OpenedPlan.open(p).close(); // released with the first run
        Claims.take(p, null).close();
    }

    @Test
    void twoRegionsOfOneFileInOneRunAreOneClaimAlsoThroughAHardLink() throws Exception {
        Path src = random("src.img", 1 << 20, 7);
        Path dst = random("dst.img", 4 << 20, 8);
        Path link = Files.createLink(dir.resolve("link.img"), dst);
        CopyPlanner.Plan p = plan(List.of(), src, dst + "@0", dst + "@1M", link + "@2M");
        try (OpenedPlan run = OpenedPlan.open(p)) {
            assertEquals(3, run.destinations().size());
            RefusedException other = assertThrows(RefusedException.class,
                    () -> OpenedPlan.open(plan(List.of(), src, link + "@3M")));
            assertInUse(other, "DEST 1", link.toString());
        }
        Claims.take(p, null).close(); // without JNA: the same one claim per file
    }

    @Test
    void aNewImageIsClaimedOnceCreated() throws Exception {
        Path src = random("src.img", 1 << 20, 3);
        Path dst = dir.resolve("new.img");
        CopyPlanner.Plan p = plan(List.of(), src, dst.toString());
        try (OpenedPlan first = OpenedPlan.open(p)) {
            assertTrue(Files.exists(dst));
            CopyPlanner.Plan again = plan(List.of(), src, dst.toString());
            RefusedException e = assertThrows(RefusedException.class, () -> OpenedPlan.open(again));
            assertInUse(e, "DEST 1", dst.toString());
        }
    }

    @Test
    void aRefusedRunReleasesWhatItHadClaimed() throws Exception {
        Path src = random("src.img", 1 << 20, 4);
        Path a = random("a.img", 1 << 20, 5);
        Path b = random("b.img", 1 << 20, 6);
        try (OpenedPlan holdsB = OpenedPlan.open(plan(List.of(), src, b.toString()))) {
            RefusedException e = assertThrows(RefusedException.class,
                    () -> OpenedPlan.open(plan(List.of(), src, a.toString(), b.toString())));
            assertInUse(e, "DEST 2", b.toString());
            // a.img, claimed before b.img was refused, is free again
            OpenedPlan.open(plan(List.of(), src, a.toString())).close();
        }
    }

    @Test
    void imagesOnlyAreNeverDegraded() throws Exception {
        Path src = random("src.img", 1 << 20, 7);
        assertNull(Claims.degraded(plan(List.of(), src, dir.resolve("x.img").toString())));
    }

    // ---- block devices (root) ----

    private static boolean tool(String name) {
        for (String d : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
            if (Files.isExecutable(Path.of(d, name))) {
                return true;
            }
        }
        return false;
    }

    private static void assumeNative() {
        assumeTrue(NativeLocks.system() != null, "JNA does not load here: " + NativeLocks.unavailableReason());
    }

    @Test
    void aLoopDeviceHasOneWriterAtATimeWithJnaAndWithout() throws Exception {
        LoopDevices.assumeAvailable();
        assumeNative();
        try (LoopDevices loops = new LoopDevices()) {
            Path src = random("src.img", 1 << 20, 8);
            Path dev = loops.attach(dir.resolve("d.img"), 8 << 20);
            CopyPlanner.Plan p = plan(Lsblk.discover(), src, dev.toString());
            assertNull(Claims.degraded(p), "JNA loads here");
            try (OpenedPlan first = OpenedPlan.open(p)) {
                assertInUse(assertThrows(RefusedException.class, () -> OpenedPlan.open(p)), "DEST 1", dev.toString());
            }
            try (Claims javaOnly = Claims.take(p, null)) {
                assertInUse(assertThrows(RefusedException.class, () -> Claims.take(p, null)), "DEST 1",
                        dev.toString());
            }
            OpenedPlan.open(p).close();
        }
    }

    @Test
    void twoPartitionsOfOneDiskAreOneLockForOneRunAndRefuseAnother() throws Exception {
        LoopDevices.assumeAvailable();
        assumeNative();
        assumeTrue(tool("sfdisk"), "sfdisk (fdisk) is not installed");
        try (LoopDevices loops = new LoopDevices()) {
            Path src = random("src.img", 1 << 20, 9);
            Path img = dir.resolve("disk.img");
            try (var f = new java.io.RandomAccessFile(img.toFile(), "rw")) {
                f.setLength(16 << 20);
            }
            Process sf = new ProcessBuilder("sfdisk", "-q", img.toString()).redirectErrorStream(true).start();
            sf.getOutputStream().write("label: dos\nstart=2048,size=4096\nstart=8192,size=4096\n".getBytes());
            sf.getOutputStream().close();
            sf.getInputStream().readAllBytes();
            assertEquals(0, sf.waitFor());
            Path disk = loops.attachExisting(img, "-P");
            String p1 = disk + "p1";
            String p2 = disk + "p2";
            List<DeviceInfo> lsblk = Lsblk.discover();
            try (OpenedPlan both = OpenedPlan.open(plan(lsblk, src, p1, p2))) {
                assertEquals(2, both.destinations().size());
            }
            try (OpenedPlan first = OpenedPlan.open(plan(lsblk, src, p1))) {
                RefusedException e = assertThrows(RefusedException.class, () -> OpenedPlan.open(plan(lsblk, src, p2)));
                assertInUse(e, "DEST 1", p2);
                assertTrue(e.reason().contains("its disk " + disk + " is locked"), e.getMessage());
            }
        }
    }

    @Test
    void aMountedLoopDeviceIsRefusedByTheExclusiveOpenEvenWhereLsblkSaysUnmounted() throws Exception {
        LoopDevices.assumeAvailable();
        assumeNative();
        assumeTrue(tool("mkfs.ext4"), "mkfs.ext4 (e2fsprogs) is not installed");
        assumeTrue(tool("mount") && tool("umount"), "mount/umount (util-linux) are not installed");
        try (LoopDevices loops = new LoopDevices()) {
            Path src = random("src.img", 1 << 20, 10);
            Path backing = dir.resolve("fs.img");
            Path dev = loops.attach(backing, 16 << 20);
            LoopDevices.run("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", dev.toString());
            Path mnt = Files.createDirectory(dir.resolve("mnt"));
            byte[] before = Files.readAllBytes(backing);
            String name = dev.getFileName().toString();
            DeviceInfo unmounted = new DeviceInfo(name, dev.toString(), null, 16 << 20, "loop", null, null, null, false,
                    false, 512, 512, 0, null, List.of(), null, null, List.of(), false, List.of());
            DeviceInfo mounted = new DeviceInfo(name, dev.toString(), null, 16 << 20, "loop", null, null, null, false,
                    false, 512, 512, 0, null, List.of(mnt.toString()), null, null, List.of(), false, List.of());
            LoopDevices.run("mount", "-o", "ro", dev.toString(), mnt.toString());
            try {
                CopyPlanner.Plan stale = plan(List.of(unmounted), src, dev.toString());
                RefusedException e = assertThrows(RefusedException.class, () -> OpenedPlan.open(stale));
                assertInUse(e, "DEST 1", dev.toString());
                assertTrue(e.reason().contains("mounted or held since the check"), e.getMessage());
                // shown as mounted and allowed with --force: no exclusive open, but the disk lock
                // still keeps a second kclone away (claims only: nothing is written here)
                CopyPlanner.Plan forced = plan(List.of(mounted), src, dev.toString());
                try (Claims first = Claims.take(forced)) {
                    assertNotNull(first);
                    RefusedException second = assertThrows(RefusedException.class, () -> Claims.take(forced));
                    assertInUse(second, "DEST 1", dev.toString());
                    assertTrue(second.reason().contains("(another kclone?)"), second.getMessage());
                }
            } finally {
                LoopDevices.run("umount", mnt.toString());
            }
            assertArrayEquals(before, Files.readAllBytes(backing), "nothing was written to the file system");
        }
    }
}
