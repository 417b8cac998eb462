package org.kclone.device.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;
import org.kclone.device.LoopBacking;
import org.kclone.device.RefusedException;

/**
 * Which nodes a claim locks, without root: /dev, /sys/block and /sys/class/block are folders in a
 * temp folder (device nodes are plain files there), and libc is a fake that keeps flock's rule
 * (one exclusive lock per file, released when its descriptor closes) and records what was locked.
 */
class ClaimsTopologyTest {

    @TempDir
    Path dir;

    private Path dev;
    private Path sysBlock;
    private Path sysClass;
    private FlockLibc libc;
    private NativeLocks nat;

    /** libc whose flock holds one exclusive lock per file across descriptors, as the kernel's does. */
    static final class FlockLibc implements NativeLocks.LibC {
        final Map<Integer, String> open = new HashMap<>();
        final Map<String, Integer> held = new HashMap<>();
        final List<String> locked = new ArrayList<>();
        int nextFd = 100;

        @Override
        public int open(String path, int flags) {
            open.put(nextFd, path);
            return nextFd++;
        }

        @Override
        public int flock(int fd, int operation) {
            String path = open.get(fd);
            Integer by = held.get(key(path));
            if (by != null && by != fd) {
                throw new LastErrorException("[" + NativeLocks.EWOULDBLOCK + "] Resource temporarily unavailable");
            }
            held.put(key(path), fd);
            locked.add(path);
            return 0;
        }

        @Override
        public int close(int fd) {
            String path = open.remove(fd);
            held.remove(key(path), fd);
            return 0;
        }

        private static String key(String path) {
            try {
                return Path.of(path).toRealPath().toString();
            } catch (IOException e) {
                return path;
            }
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        dev = Files.createDirectories(dir.resolve("dev"));
        sysBlock = Files.createDirectories(dir.resolve("sys/block"));
        sysClass = Files.createDirectories(dir.resolve("sys/class/block"));
        libc = new FlockLibc();
        nat = new NativeLocks(libc);
    }

    private Path node(String name) throws IOException {
        return Files.write(dev.resolve(name), new byte[0]);
    }

    private Path file(String name) throws IOException {
        return Files.write(dir.resolve(name), new byte[4096]);
    }

    private void sysLoop(String name, String backingFile) throws IOException {
        Path d = Files.createDirectories(sysBlock.resolve(name).resolve("loop"));
        Files.writeString(d.resolve("backing_file"), backingFile + "\n");
        Files.writeString(d.resolve("offset"), "0\n");
        Files.writeString(d.resolve("sizelimit"), "0\n");
    }

    private static Endpoint block(Path node, String field) {
        DeviceInfo d = new DeviceInfo(node.getFileName().toString(), node.toString(), null, 4096, "loop", null, null,
                null, false, false, 512, 512, 0, null, List.of(), null, null, List.of(), false, List.of());
        return new Endpoint(field, node, Endpoint.Kind.BLOCK, d, 0, 8, 4096, 512);
    }

    @Test
    void claimsLookAtTheLoopDevicesThePlanWasMadeWith() throws Exception {
        // loop900: a name no machine's /dev has, so the claim cannot reach a real node
        Path img = file("w.img");
        Path loop = node("loop900");
        sysLoop("loop900", img.toString());
        CopyPlanner.Plan plan = new CopyPlanner.Plan(null, List.of(block(loop, "DEST 1")), new LoopBacking(sysBlock));
        try (Claims c = Claims.take(plan, nat)) {
            assertEquals(List.of(loop.toString(), img.toString()), libc.locked,
                    "the loop device and, from the plan's sysfs, its backing file");
            RefusedException e = assertThrows(RefusedException.class, () -> Claims.take(new CopyPlanner.Plan(null,
                    List.of(new Endpoint("DEST 1", img, Endpoint.Kind.IMAGE, null, 0, 8, 4096, 512)), Map.of()), nat));
            assertTrue(e.reason().startsWith(img + " is in use by another program"), e.reason());
        }
    }

    private static DeviceInfo info(Path node, String type, String parent) {
        return new DeviceInfo(node.getFileName().toString(), node.toString(), null, 4096, type, null, null, null, false,
                false, 512, 512, 0, parent, List.of(), null, null, List.of(), false, List.of());
    }

    private static Endpoint part(Path node, String disk, String field) {
        return new Endpoint(field, node, Endpoint.Kind.BLOCK, info(node, "part", disk), 0, 8, 4096, 512);
    }

    private static Endpoint image(Path file, String field) {
        return new Endpoint(field, file, Endpoint.Kind.IMAGE, null, 0, 8, 4096, 512);
    }

    private static CopyPlanner.Plan plan(Endpoint... dests) {
        return new CopyPlanner.Plan(null, List.of(dests), Map.of());
    }

    private Claims take(LoopBacking loops, NativeLocks with, Endpoint... dests) throws RefusedException {
        return Claims.take(plan(dests), with, loops, dev, sysClass);
    }

    private Claims take(Endpoint... dests) throws RefusedException {
        return take(new LoopBacking(sysBlock), nat, dests);
    }

    private RefusedException refused(NativeLocks with, Endpoint... dests) {
        return assertThrows(RefusedException.class, () -> take(new LoopBacking(sysBlock), with, dests).close());
    }

    private static String inUse(Path path, String why) {
        return path + " is in use by another program " + why + "; nothing was written";
    }

    // ---- partitions and their disk ----

    @Test
    void aPartitionIsClaimedWithItsWholeDiskSoAnotherPartitionOfItIsRefused() throws Exception {
        Path sdz = node("sdz");
        Path sdz1 = node("sdz1");
        Path sdz2 = node("sdz2");
        try (Claims first = take(part(sdz1, "sdz", "DEST 1"))) {
            assertEquals(List.of(sdz.toString()), libc.locked, "the disk's lock, not the partition's");
            RefusedException e = refused(nat, part(sdz2, "sdz", "DEST 2"));
            assertEquals("DEST 2", e.field());
            assertEquals(inUse(sdz2, "(its disk " + sdz + " is locked: another kclone, or a partitioning tool?)"),
                    e.reason());
            assertEquals(inUse(sdz, "(another kclone?)"), refused(nat, block(sdz, "DEST 1")).reason());
        }
        take(part(sdz2, "sdz", "DEST 1")).close(); // released with the first claim
    }

    @Test
    void withoutJnaTheWholeDiskGetsAFileLockThatKeepsAnotherKcloneAway() throws Exception {
        Path sdz = node("sdz");
        Path sdz1 = node("sdz1");
        Path sdz2 = node("sdz2");
        try (Claims first = take(new LoopBacking(sysBlock), null, part(sdz1, "sdz", "DEST 1"))) {
            assertEquals(inUse(sdz2, "(its disk " + sdz + " is locked)"), refused(null, part(sdz2, "sdz", "DEST 1"))
                    .reason());
            assertEquals(inUse(sdz, "(another kclone?)"), refused(null, block(sdz, "DEST 1")).reason());
        }
        try (Claims second = take(new LoopBacking(sysBlock), null, part(sdz2, "sdz", "DEST 1"))) {
            assertEquals(inUse(sdz1, "(its disk " + sdz + " is locked)"), refused(null, part(sdz1, "sdz", "DEST 1"))
                    .reason());
        }
        assertTrue(libc.locked.isEmpty(), "no native call without JNA: " + libc.locked);
    }

    @Test
    void aPartitionWhoseDiskIsUnknownHereIsLockedByItself() throws Exception {
        Path sdy1 = node("sdy1"); // lsblk named disk sdy, which has no node here
        Path sdx1 = node("sdx1"); // lsblk named no disk at all
        try (Claims c = take(part(sdy1, "sdy", "DEST 1"), part(sdx1, null, "DEST 2"))) {
            assertEquals(List.of(sdy1.toString(), sdx1.toString()), libc.locked);
        }
    }

    @Test
    void destinationsOnTwoDisksLockBothDisksAndOneDiskOnce() throws Exception {
        Path sdz = node("sdz");
        Path sdy = node("sdy");
        try (Claims c = take(part(node("sdz1"), "sdz", "DEST 1"), part(node("sdz2"), "sdz", "DEST 2"),
                part(node("sdy1"), "sdy", "DEST 3"))) {
            assertEquals(List.of(sdz.toString(), sdy.toString()), libc.locked);
        }
    }

    // ---- loop devices on files ----

    @Test
    void aLoopDeviceOnAFileLocksTheFileAndTheOtherLoopDevicesOnIt() throws Exception {
        Path img = file("w.img");
        Path other = file("other.img");
        Path loop900 = node("loop900");
        Path loop901 = node("loop901");
        Path loop902 = node("loop902");
        sysLoop("loop900", img.toString());
        sysLoop("loop901", img.toString());
        sysLoop("loop902", other.toString());
        sysLoop("loop903", ""); // detached
        sysLoop("loop904", img.toString()); // no node here: nobody here can write through it
        try (Claims c = take(block(loop900, "DEST 1"))) {
            assertEquals(List.of(loop900.toString(), loop901.toString(), img.toString()), libc.locked);
            assertEquals(inUse(img, "(another kclone, on it or on a loop device over it?)"),
                    refused(nat, image(img, "DEST 1")).reason());
            assertEquals(inUse(loop901, "(another kclone?)"), refused(nat, block(loop901, "DEST 1")).reason());
            take(block(loop902, "DEST 1")).close(); // a loop device on another file is free
        }
        take(image(img, "DEST 1")).close();
        take(block(loop901, "DEST 1")).close();
    }

    @Test
    void aFileClaimLocksTheLoopDevicesTheKernelHasOnItAlsoWhereItsNameIsGone() throws Exception {
        Path img = file("w.img");
        Path loop900 = node("loop900");
        // the loop device's file was removed and lives on as w.img (a hard link): the kernel knows it
        sysLoop("loop900", "/kclone-no-such-dir/w.img (deleted)");
        LoopBacking.FileId id = LoopBacking.idOf(img);
        LoopBacking loops = new LoopBacking(sysBlock, name -> Optional.ofNullable(name.equals("loop900") ? id : null));
        try (Claims c = take(loops, nat, block(loop900, "DEST 1"))) {
            assertEquals(List.of(loop900.toString()), libc.locked, "its file has no name here to lock it by");
            RefusedException e = assertThrows(RefusedException.class, () -> take(loops, nat, image(img, "DEST 1")));
            assertEquals(inUse(img, "(" + loop900 + " is a loop device on the same file, and in use: another"
                    + " kclone?)"), e.reason());
        }
        libc.locked.clear();
        try (Claims c = take(loops, nat, image(img, "DEST 1"))) {
            assertEquals(List.of(img.toString(), loop900.toString()), libc.locked);
            assertEquals(inUse(loop900, "(another kclone?)"), assertThrows(RefusedException.class,
                    () -> take(loops, nat, block(loop900, "DEST 1"))).reason());
        }
    }

    @Test
    void aBackingPathThatNamesAnotherFileNowIsNotLocked() throws Exception {
        Path img = file("w.img");
        Path loop900 = node("loop900");
        sysLoop("loop900", img.toString());
        // the kernel's file is not the one at that path now (replaced after the loop device was attached)
        LoopBacking loops = new LoopBacking(sysBlock, name -> Optional.of(new LoopBacking.FileId(1, 2)));
        try (Claims c = take(loops, nat, block(loop900, "DEST 1"))) {
            assertEquals(List.of(loop900.toString()), libc.locked);
            take(loops, nat, image(img, "DEST 1")).close(); // whoever writes w.img now does not write the loop device
        }
    }

    @Test
    void aLoopDeviceWhoseFileIsGoneIsClaimedByItself() throws Exception {
        Path loop900 = node("loop900");
        sysLoop("loop900", dir.resolve("gone.img") + " (deleted)");
        try (Claims c = take(block(loop900, "DEST 1"))) {
            assertEquals(List.of(loop900.toString()), libc.locked);
        }
    }

    @Test
    void aLoopDeviceNamedThroughALinkIsFoundByItsKernelName() throws Exception {
        Path img = file("w.img");
        Path loop900 = node("loop900");
        sysLoop("loop900", img.toString());
        Path link = Files.createSymbolicLink(Files.createDirectories(dev.resolve("disk/by-id")).resolve("usb-x"),
                loop900);
        try (Claims c = take(block(link, "DEST 1"))) {
            assertTrue(libc.locked.contains(img.toString()), libc.locked.toString());
        }
    }

    // ---- loop devices on block devices ----

    /** The highest-numbered /dev/loopN block node: only examined (stat), never opened. */
    private static List<String> blockNodeNames(int n) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/dev"))) {
            s.filter(p -> p.getFileName().toString().matches("loop[0-9]+")).filter(p -> {
                try {
                    return (((Integer) Files.getAttribute(p, "unix:mode")) & 0170000) == 0060000;
                } catch (IOException e) {
                    return false;
                }
            }).map(p -> p.getFileName().toString())
                    .sorted((a, b) -> Integer.parseInt(b.substring(4)) - Integer.parseInt(a.substring(4)))
                    .forEach(out::add);
        }
        assumeTrue(out.size() >= n, "needs " + n + " /dev/loopN block device nodes for sysfs to name as backing");
        return out.subList(0, n);
    }

    @Test
    void aLoopDeviceOnABlockDeviceLocksThatDeviceAndWhatLiesUnderIt() throws Exception {
        List<String> names = blockNodeNames(2);
        String onDisk = names.get(0);
        String onPart = names.get(1);
        Path img = file("under.img");
        Path loop900 = node("loop900");
        Path loop901 = node("loop901");
        Path diskNode = node(onDisk);
        Path vdisk = node("vdisk");
        node(onPart);
        Path loop902 = node("loop902");
        sysLoop("loop900", "/dev/" + onDisk); // a whole block device
        sysLoop("loop902", "/dev/" + onDisk);
        sysLoop("loop901", "/dev/" + onPart); // a partition of vdisk, as sysfs tells
        Path partDir = Files.createDirectories(dir.resolve("sys/devices/vdisk").resolve(onPart));
        Files.writeString(partDir.resolve("partition"), "1\n");
        Files.createSymbolicLink(sysClass.resolve(onPart), partDir);
        Files.createDirectories(sysClass.resolve(onDisk)); // a disk: no partition file
        sysLoop("vdisk", img.toString()); // and vdisk is itself a loop device on a file
        try (Claims c = take(block(loop900, "DEST 1"))) {
            assertEquals(List.of(loop900.toString(), diskNode.toString()), libc.locked);
            assertEquals(inUse(diskNode, "(another kclone?)"), refused(nat, block(diskNode, "DEST 1")).reason());
            // another loop device on the same block device
            assertEquals(inUse(loop902, "(" + loop902 + " is a loop device on /dev/" + onDisk + ", which is in use:"
                    + " another kclone?)"), refused(nat, block(loop902, "DEST 1")).reason());
        }
        libc.locked.clear();
        try (Claims c = take(block(loop901, "DEST 1"))) {
            assertEquals(List.of(loop901.toString(), vdisk.toString(), img.toString()), libc.locked,
                    "the partition's whole disk, and the file under that loop device");
            assertEquals(inUse(img, "(another kclone, on it or on a loop device over it?)"),
                    refused(nat, image(img, "DEST 1")).reason());
            assertEquals(inUse(vdisk, "(another kclone?)"), refused(nat, block(vdisk, "DEST 1")).reason());
        }
        take(block(vdisk, "DEST 1")).close();
    }

    @Test
    void loopDevicesReportedInACycleEndTheWalk() throws Exception {
        String name = blockNodeNames(1).get(0);
        Path loop900 = node("loop900");
        Path under = node(name);
        sysLoop("loop900", "/dev/" + name);
        sysLoop(name, "/dev/" + name); // sysfs read while loops were re-attached: a loop "on itself"
        try (Claims c = take(block(loop900, "DEST 1"))) {
            assertEquals(List.of(loop900.toString(), under.toString()), libc.locked);
        }
    }

    // ---- without JNA ----

    @Test
    void degradedSaysWhatIsMissingOnlyWhereBlockDevicesAreWritten() throws Exception {
        Path img = file("d.img");
        Path sdz = node("sdz");
        Endpoint newImage = new Endpoint("DEST 2", dir.resolve("new.img"), Endpoint.Kind.NEW_IMAGE, null, 0, 8, 0, 512);
        String why = "cannot load JNA's native library (x)";
        assertNull(Claims.degraded(plan(image(img, "DEST 1"), newImage), why), "image files are locked alike");
        assertEquals("destinations cannot be opened exclusively here: " + why + "; another kclone is still kept away"
                + " by a file lock, but a file system mounted meanwhile is not",
                Claims.degraded(plan(image(img, "DEST 1"), block(sdz, "DEST 2")), why));
        assertNull(Claims.degraded(plan(block(sdz, "DEST 1")), null), "JNA loads: nothing missing");
    }

    @Test
    void theMachinesNativeLocksAreThereOrSayWhyNot() {
        NativeLocks system = NativeLocks.system();
        String why = NativeLocks.unavailableReason();
        assertEquals(system == null, why != null, "null exactly where a reason is given: " + why);
        if (why != null) {
            assertTrue(why.startsWith("cannot load JNA's native library ("), why);
        }
        assertSame(system, NativeLocks.system(), "loaded once");
    }
}
