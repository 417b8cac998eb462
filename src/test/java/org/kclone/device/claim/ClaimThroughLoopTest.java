package org.kclone.device.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;
import org.kclone.device.LoopBacking;
import org.kclone.device.Lsblk;
import org.kclone.device.OpenedPlan;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.testing.LoopDevices;

/**
 * A claim covers the storage underneath: a loop device's backing file is locked with the loop
 * device, so a second writer reaching that file through another layer (the file itself, another
 * loop device over it, a partition of a loop disk over it) is refused. First without root (the
 * "loop devices" are plain files named as the made-up sysfs says), then on real loop devices.
 */
class ClaimThroughLoopTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private Path file(String name, long bytes) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return p;
    }

    private void sysLoop(Path sys, String name, Path backing) throws IOException {
        Path d = Files.createDirectories(sys.resolve(name).resolve("loop"));
        Files.writeString(d.resolve("backing_file"), backing + "\n");
        Files.writeString(d.resolve("offset"), "0\n");
        Files.writeString(d.resolve("sizelimit"), "0\n");
    }

    /** A zero request on {@code path} as a block device named as its file name (lsblk data made up). */
    private static CopyPlanner.Plan onBlock(Path path) {
        DeviceInfo d = new DeviceInfo(path.getFileName().toString(), path.toString(), null, 8 * MIB, "loop", null,
                null, null, false, false, 512, 512, 0, null, List.of(), null, null, List.of(), false, List.of());
        return new CopyPlanner.Plan(null, List.of(new Endpoint("DEST 1", path, Endpoint.Kind.BLOCK, d, 0, 2048,
                8 * MIB, 512)));
    }

    private static CopyPlanner.Plan onImage(Path path, long start) {
        return new CopyPlanner.Plan(null, List.of(new Endpoint("DEST 1", path, Endpoint.Kind.IMAGE, null, start, 2048,
                8 * MIB, 512)));
    }

    private static void assertInUse(RefusedException e, Path path) {
        assertEquals("DEST 1", e.field(), e.getMessage());
        assertTrue(e.reason().startsWith(path + " is in use by another program"), e.getMessage());
    }

    @Test
    void aLoopDeviceAndItsBackingFileAreOneClaimWithJnaAndWithout() throws Exception {
        Path sys = dir.resolve("sys");
        Path backing = file("w.img", 8 * MIB);
        Path loop7 = file("loop7", 8 * MIB); // stands for /dev/loop7: locked as a node, never a real device here
        Path loop8 = file("loop8", 8 * MIB);
        sysLoop(sys, "loop7", backing);
        sysLoop(sys, "loop8", backing);
        LoopBacking loops = new LoopBacking(sys);
        List<NativeLocks> natives = new ArrayList<>();
        natives.add(null);
        if (NativeLocks.system() != null) {
            natives.add(NativeLocks.system());
        }
        for (NativeLocks nat : natives) {
            String how = nat == null ? "without JNA" : "with JNA";
            // the loop device first, then its file
            try (Claims first = Claims.take(onBlock(loop7), nat, loops, dir)) {
                assertInUse(assertThrows(RefusedException.class,
                        () -> Claims.take(onImage(backing, 0), nat, loops, dir), how), backing);
                // another loop device over the same file
                RefusedException e = assertThrows(RefusedException.class,
                        () -> Claims.take(onBlock(loop8), nat, loops, dir), how);
                assertInUse(e, loop8);
                // refused at loop8's own lock: the first run took it as a loop device on the same file
            }
            // the file first, then a loop device over it
            try (Claims first = Claims.take(onImage(backing, 2048), nat, loops, dir)) {
                assertInUse(assertThrows(RefusedException.class, () -> Claims.take(onBlock(loop7), nat, loops, dir), how),
                        loop7);
            }
            // one run writing the loop device and (elsewhere) the file: one claim
            CopyPlanner.Plan both = new CopyPlanner.Plan(null, List.of(onBlock(loop7).destinations().get(0),
                    new Endpoint("DEST 2", backing, Endpoint.Kind.IMAGE, null, 8192, 2048, 8 * MIB, 512)));
            Claims.take(both, nat, loops, dir).close();
            Claims.take(onImage(backing, 0), nat, loops, dir).close(); // everything released
        }
    }

    // ---- real loop devices (root) ----

    private static CopyPlanner.Plan plan(Path src, String... dests) throws RefusedException, IOException {
        List<RegionSpec> d = new ArrayList<>();
        for (int i = 0; i < dests.length; i++) {
            d.add(RegionSpec.parse("DEST " + (i + 1), dests[i]));
        }
        return new CopyPlanner(Lsblk.discover(), new CopyPlanner.Options(true, false, false))
                .copy(RegionSpec.parse("SOURCE", src.toString()), d);
    }

    @Test
    void realLoopDevicesFileSecondLoopAndPartitionAreRefused() throws Exception {
        LoopDevices.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sfdisk")) || Files.isExecutable(Path.of("/sbin/sfdisk")),
                "sfdisk (fdisk) is not installed");
        try (LoopDevices loops = new LoopDevices()) {
            Path src = file("src.img", MIB);
            Path w = file("w.img", 8 * MIB);
            Path lw = loops.attachExisting(w);
            Path lw2 = loops.attachExisting(w);
            try (OpenedPlan first = OpenedPlan.open(plan(src, lw.toString()))) {
                assertInUse(assertThrows(RefusedException.class, () -> OpenedPlan.open(plan(src, w.toString()))), w);
                assertInUse(assertThrows(RefusedException.class, () -> OpenedPlan.open(plan(src, lw2.toString()))),
                        lw2);
            }
            try (OpenedPlan first = OpenedPlan.open(plan(src, w.toString()))) {
                assertInUse(assertThrows(RefusedException.class, () -> OpenedPlan.open(plan(src, lw.toString()))), lw);
            }
            Path part = file("part.img", 8 * MIB);
            Process sf = new ProcessBuilder("sfdisk", "-q", part.toString()).redirectErrorStream(true).start();
            sf.getOutputStream().write("label: dos\nstart=2048,size=8192\n".getBytes());
            sf.getOutputStream().close();
            sf.getInputStream().readAllBytes();
            assertEquals(0, sf.waitFor());
            Path lp = loops.attachExisting(part, "-P");
            Path p1 = Path.of(lp + "p1");
            try (OpenedPlan first = OpenedPlan.open(plan(src, p1.toString()))) {
                assertInUse(assertThrows(RefusedException.class,
                        () -> OpenedPlan.open(plan(src, part + "@1M"))), part);
            }
            // a loop over a loop: the lower one is claimed with the upper one
            Path upper = loops.attachExisting(lw);
            try (OpenedPlan first = OpenedPlan.open(plan(src, upper.toString()))) {
                assertInUse(assertThrows(RefusedException.class, () -> OpenedPlan.open(plan(src, lw.toString()))), lw);
                assertInUse(assertThrows(RefusedException.class, () -> OpenedPlan.open(plan(src, w.toString()))), w);
            }
        }
    }

    @Test
    void realLoopDeviceOnARemovedFileAndTheFileByAnotherNameAreOneClaim() throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices()) {
            Path src = file("src.img", MIB);
            Path hl = file("hl.img", 8 * MIB);
            Path hl2 = Files.createLink(dir.resolve("hl2.img"), hl);
            Path lh = loops.attachExisting(hl);
            Files.delete(hl); // sysfs now says "hl.img (deleted)": the loop's side cannot lock the file by name
            try (OpenedPlan first = OpenedPlan.open(plan(src, lh.toString()))) {
                RefusedException e = assertThrows(RefusedException.class,
                        () -> OpenedPlan.open(plan(src, hl2.toString())));
                assertInUse(e, hl2);
                assertTrue(e.reason().contains(lh + " is a loop device on the same file"), e.getMessage());
            }
            try (OpenedPlan first = OpenedPlan.open(plan(src, hl2.toString()))) {
                assertInUse(assertThrows(RefusedException.class, () -> OpenedPlan.open(plan(src, lh.toString()))), lh);
            }
            // a second loop device on the removed file: the two loops meet through the kernel's identity
            Path lh2 = loops.attachExisting(hl2);
            try (OpenedPlan first = OpenedPlan.open(plan(src, lh.toString()))) {
                assertInUse(assertThrows(RefusedException.class, () -> OpenedPlan.open(plan(src, lh2.toString()))),
                        lh2);
            }
            try (OpenedPlan first = OpenedPlan.open(plan(src, lh2.toString()))) {
                assertInUse(assertThrows(RefusedException.class, () -> OpenedPlan.open(plan(src, lh.toString()))), lh);
            }
            // one run writing both (side by side) is one claim
            OpenedPlan.open(plan(src, lh + "@0", hl2 + "@4M")).close();
            OpenedPlan.open(plan(src, hl2 + "@4M", lh + "@0")).close();
        }
    }
}
