package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;

/**
 * The overlap guard looks through loop devices: a loop device (or a partition of one) is placed
 * on its backing file, at its offset, and compared there with image files and other loop devices.
 * The first half needs no root: lsblk and sysfs are described by the test (the planner decides
 * from that data alone and never opens anything); the second half uses real loop devices.
 */
class LoopOverlapTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    // ---- lsblk and sysfs made up by the test (no root) ----

    /** Existing block device nodes to stand for the made-up devices (only stat'ed, never opened). */
    private static List<Path> blockNodes(int n) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/dev"))) {
            s.filter(p -> p.getFileName().toString().matches("loop[0-9]+")).sorted().forEach(p -> {
                try {
                    int mode = (Integer) Files.getAttribute(p, "unix:mode");
                    if ((mode & 0170000) == 0060000) {
                        out.add(p);
                    }
                } catch (IOException e) {
                    // not examinable: not used
                }
            });
        }
        assumeTrue(out.size() >= n, "needs " + n + " /dev/loopN block device nodes to name in the lsblk data");
        return out.subList(0, n);
    }

    private static DeviceInfo dev(String name, Path node, long size, String type, long start, String parent,
            List<DeviceInfo> children) {
        return new DeviceInfo(name, node.toString(), null, size, type, null, null, null, false, false, 512, 512, start,
                parent, List.of(), null, null, List.of(), false, children);
    }

    /** Writes {@code sys/NAME/loop/{backing_file,offset,sizelimit}} as the kernel shows an attached loop device. */
    private Path sysLoop(Path sys, String name, String backingFile, long offset, long sizeLimit) throws IOException {
        Path d = Files.createDirectories(sys.resolve(name).resolve("loop"));
        Files.writeString(d.resolve("backing_file"), backingFile + "\n");
        Files.writeString(d.resolve("offset"), offset + "\n");
        Files.writeString(d.resolve("sizelimit"), sizeLimit + "\n");
        return d;
    }

    private Path image(String name, long bytes) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return p;
    }

    private static RegionSpec spec(String field, String text) throws RefusedException {
        return RegionSpec.parse(field, text);
    }

    private static RefusedException refusedCopy(CopyPlanner p, String src, String... dests) throws RefusedException {
        List<RegionSpec> d = new ArrayList<>();
        for (int i = 0; i < dests.length; i++) {
            d.add(spec("DEST " + (i + 1), dests[i]));
        }
        RegionSpec s = spec("SOURCE", src);
        return assertThrows(RefusedException.class, () -> p.copy(s, d), () -> src + " -> " + List.of(dests));
    }

    private static CopyPlanner.Plan copy(CopyPlanner p, String src, String... dests) throws RefusedException {
        List<RegionSpec> d = new ArrayList<>();
        for (int i = 0; i < dests.length; i++) {
            d.add(spec("DEST " + (i + 1), dests[i]));
        }
        return p.copy(spec("SOURCE", src), d);
    }

    @Test
    void sysfsIsReadAsTheKernelWritesIt() throws Exception {
        Path sys = dir.resolve("sys");
        Path d1 = image("d1.img", 32 * MIB);
        sysLoop(sys, "loop7", d1.toString(), 4 * MIB, 16 * MIB);
        sysLoop(sys, "loop8", d1 + " (deleted)", 0, 0);
        Path bad = sysLoop(sys, "loop9", d1.toString(), 0, 0);
        Files.writeString(bad.resolve("offset"), "lots\n");
        Files.createDirectories(sys.resolve("loop10")); // a loop device with nothing attached has no loop/ folder
        LoopBacking loops = new LoopBacking(sys);

        LoopBacking.Backing b = loops.of("loop7").orElseThrow();
        assertEquals(d1, b.file());
        assertEquals(LoopBacking.idOf(d1), b.id());
        assertEquals(4 * MIB, b.offset());
        assertEquals(16 * MIB, b.sizeLimit());
        LoopBacking.Backing gone = loops.of("loop8").orElseThrow();
        assertEquals(d1, gone.file());
        assertNull(gone.id(), "a deleted backing file is not the file now at that path");
        IOException e = assertThrows(IOException.class, () -> loops.of("loop9"));
        assertTrue(e.getMessage().contains("lots"), e.getMessage());
        assertTrue(loops.of("loop10").isEmpty());
        assertTrue(loops.of("sda").isEmpty());
        assertTrue(loops.of("../loop7").isEmpty(), "a name is a name, not a path");
    }

    @Test
    void aLoopDeviceOverlapsItsBackingFileAsSourceAndAsDestination() throws Exception {
        List<Path> nodes = blockNodes(1);
        Path sys = dir.resolve("sys");
        Path d1 = image("d1.img", 32 * MIB);
        Path other = image("other.img", 32 * MIB);
        sysLoop(sys, "loop7", d1.toString(), 0, 0);
        List<DeviceInfo> lsblk = List.of(dev("loop7", nodes.get(0), 32 * MIB, "loop", 0, null, List.of()));
        CopyPlanner p = new CopyPlanner(lsblk, CopyPlanner.Options.NONE, new LoopBacking(sys));
        String loop = nodes.get(0).toString();

        // the issue's command: the loop device's sectors 8192.. are the file's, which is being read
        RefusedException e = refusedCopy(p, d1 + "+8M", loop + "@4M");
        assertEquals("DEST 1", e.field());
        assertTrue(e.reason().contains("overlap the source") && e.reason().contains("loop device on " + d1),
                e.getMessage());
        refusedCopy(p, d1.toString(), loop);
        RefusedException back = refusedCopy(p, loop + "+8M", d1 + "@4M");
        assertTrue(back.reason().contains("overlap the source"), back.getMessage());
        // the file behind the loop device is the source: the loop device cannot be a destination
        // beside it, and the same holds the other way round between destinations
        RefusedException two = refusedCopy(p, other.toString(), d1.toString(), loop);
        assertEquals("DEST 2", two.field());
        assertTrue(two.reason().contains("same destination as DEST 1"), two.getMessage());

        // touching is not overlapping: the file's first 8 MiB into the loop device from 8 MiB on
        assertEquals(16384, copy(p, d1 + "+8M", loop + "@8M").count());
        assertEquals(16384, copy(p, loop + "+8M", d1 + "@8M").count());
        // another file is another file
        assertEquals(65536, copy(p, other.toString(), loop).count());
    }

    @Test
    void twoLoopDevicesOverOneFileAreOneDestinationAndOffsetsCount() throws Exception {
        List<Path> nodes = blockNodes(2);
        Path sys = dir.resolve("sys");
        Path d1 = image("d1.img", 32 * MIB);
        Path src = image("src.img", 8 * MIB);
        sysLoop(sys, "loop7", d1.toString(), 0, 0);
        sysLoop(sys, "loop8", d1.toString(), 8 * MIB, 0);
        List<DeviceInfo> lsblk = List.of(dev("loop7", nodes.get(0), 32 * MIB, "loop", 0, null, List.of()),
                dev("loop8", nodes.get(1), 24 * MIB, "loop", 0, null, List.of()));
        CopyPlanner p = new CopyPlanner(lsblk, CopyPlanner.Options.NONE, new LoopBacking(sys));
        String a = nodes.get(0).toString();
        String b = nodes.get(1).toString();

        RefusedException same = refusedCopy(p, src.toString(), a + "@8M", b);
        assertEquals("DEST 2", same.field());
        assertTrue(same.reason().contains("same destination as DEST 1"), same.getMessage());
        RefusedException part = refusedCopy(p, src.toString(), a + "@12M", b);
        assertTrue(part.reason().contains("overlaps DEST 1"), part.getMessage());
        // loop8 starts 8 MiB into the file: its first 8 MiB are loop7's second 8 MiB, not its first
        assertEquals(2, copy(p, src.toString(), a, b).destinations().size());
        refusedCopy(p, src + "+8M", a + "@1s", b);
        // the loop devices as source and destination
        assertEquals(16384, copy(p, a + "+8M", b).count());
        refusedCopy(p, a + "+16M", b);
        assertEquals(16384, copy(p, b + "+8M", a).count());
        refusedCopy(p, b + "+8M", a + "@8M");
    }

    @Test
    void aPartitionOfALoopDeviceIsPlacedOnTheFileAndLoopsOnLoopsAreFollowed() throws Exception {
        List<Path> nodes = blockNodes(3);
        Path sys = dir.resolve("sys");
        Path d1 = image("d1.img", 32 * MIB);
        sysLoop(sys, "loop7", d1.toString(), MIB, 0);
        // loop6 is a loop device over the block device loop7
        sysLoop(sys, "loop6", nodes.get(0).toString(), 0, 0);
        DeviceInfo part = dev("loop7p1", nodes.get(1), 8 * MIB, "part", 2048, "loop7", List.of());
        List<DeviceInfo> lsblk = List.of(
                dev("loop7", nodes.get(0), 31 * MIB, "loop", 0, null, List.of(part)),
                dev("loop6", nodes.get(2), 31 * MIB, "loop", 0, null, List.of()));
        CopyPlanner p = new CopyPlanner(lsblk, CopyPlanner.Options.NONE, new LoopBacking(sys));
        String p1 = nodes.get(1).toString();
        String upper = nodes.get(2).toString();

        // loop7p1 sector 0 is loop7 sector 2048, which is the file's byte 1 MiB + 1 MiB = sector 4096
        RefusedException e = refusedCopy(p, d1 + "@4096+2048", p1);
        assertTrue(e.reason().contains("loop device on " + d1 + " from byte 1048576"), e.getMessage());
        refusedCopy(p, d1 + "@6143+1", p1 + "@2047");
        assertEquals(2048, copy(p, d1 + "@2048+2048", p1).count(), "the file's sectors just before it");
        assertEquals(2048, copy(p, d1 + "@6144+2048", p1).count(), "the file's sectors just after it");
        // loop6 over loop7 over d1.img: loop6 sector 0 is the file's sector 2048
        RefusedException deep = refusedCopy(p, d1 + "@2048+8", upper);
        assertTrue(deep.reason().contains(upper + " is a loop device on " + nodes.get(0)), deep.getMessage());
        refusedCopy(p, upper + "@2048+8", p1);
        assertEquals(8, copy(p, upper + "@2040+8", p1).count());
    }

    @Test
    void anImageUnderAMountedLoopDeviceIsRefusedUnlessForced() throws Exception {
        List<Path> nodes = blockNodes(1);
        Path sys = dir.resolve("sys");
        Path d1 = image("d1.img", 32 * MIB);
        Path src = image("src.img", 8 * MIB);
        sysLoop(sys, "loop7", d1.toString(), 16 * MIB, 8 * MIB);
        List<DeviceInfo> lsblk = List.of(new DeviceInfo("loop7", nodes.get(0).toString(), null, 8 * MIB, "loop", null,
                null, null, false, false, 512, 512, 0, null, List.of("/mnt/x"), null, null, List.of(), false,
                List.of()));
        CopyPlanner p = new CopyPlanner(lsblk, CopyPlanner.Options.NONE, new LoopBacking(sys));
        RefusedException e = refusedCopy(p, src.toString(), d1 + "@12M");
        assertEquals("DEST 1", e.field());
        assertTrue(e.reason().contains(d1 + " lies under loop device " + nodes.get(0) + ", which is mounted at /mnt/x"),
                e.getMessage());
        refusedCopy(p, src.toString(), d1 + "@20M");
        // beside the loop device's 16..24 MiB of the file: nothing mounted there
        assertEquals(16384, copy(p, src.toString(), d1 + "@8M").count());
        assertEquals(16384, copy(p, src.toString(), d1 + "@24M").count());
        CopyPlanner forced = new CopyPlanner(lsblk, new CopyPlanner.Options(true, false, false), new LoopBacking(sys));
        assertEquals(16384, copy(forced, src.toString(), d1 + "@16M").count());
    }

    @Test
    void aDeviceThatIsNoLoopDeviceIsNotPlacedOnAnyFile() throws Exception {
        List<Path> nodes = blockNodes(1);
        Path d1 = image("d1.img", 32 * MIB);
        List<DeviceInfo> lsblk = List.of(dev("sdx", nodes.get(0), 32 * MIB, "disk", 0, null, List.of()));
        CopyPlanner p = new CopyPlanner(lsblk, CopyPlanner.Options.NONE, new LoopBacking(dir.resolve("empty-sys")));
        assertEquals(65536, copy(p, d1.toString(), nodes.get(0).toString()).count());
    }

    // ---- real loop devices (root) ----

    private static void writeMbr(Path file, long startSector, long sectors) throws IOException {
        ByteBuffer mbr = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        mbr.put(446 + 4, (byte) 0x83).putInt(446 + 8, (int) startSector).putInt(446 + 12, (int) sectors);
        mbr.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(mbr.array());
        }
    }

    @Test
    void realLoopDevicesFileLoopLoopLoopOffsetAndPartition() throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices()) {
            Path d1 = image("d1.img", 32 * MIB);
            writeMbr(d1, 2048, 16384); // one partition: the file's 1 MiB .. 9 MiB
            Path src = image("src.img", 8 * MIB);
            String loop = loops.attachExisting(d1, "-P").toString();
            String twin = loops.attachExisting(d1).toString();
            String shifted = loops.attachExisting(d1, "--offset", String.valueOf(16 * MIB)).toString();
            String part = loop + "p1";
            CopyPlanner p = new CopyPlanner(Lsblk.discover(), CopyPlanner.Options.NONE);

            // what sysfs says of the real devices
            LoopBacking.Backing k = LoopBacking.system().of(Path.of(shifted).getFileName().toString()).orElseThrow();
            assertEquals(d1.toRealPath(), k.file());
            assertEquals(LoopBacking.idOf(d1), k.id());
            assertEquals(16 * MIB, k.offset());
            assertEquals(0, k.sizeLimit());
            assertTrue(LoopBacking.system().of(Path.of(part).getFileName().toString()).isEmpty(),
                    "a partition has no loop/ folder of its own: the planner asks for its disk");

            // file + loop, both ways
            RefusedException e = refusedCopy(p, d1 + "+8M", loop + "@4M");
            assertTrue(e.reason().contains("loop device on " + d1.toRealPath()), e.getMessage());
            refusedCopy(p, loop + "+8M", d1 + "@4M");
            // loop + loop over one file
            RefusedException same = refusedCopy(p, src.toString(), loop, twin);
            assertTrue(same.reason().contains("same destination as DEST 1"), same.getMessage());
            // loop with --offset: its sector 0 is the file's 16 MiB
            refusedCopy(p, d1 + "@32767+8", shifted);
            assertEquals(32768, copy(p, d1 + "+16M", shifted).count(), "touching at 16 MiB is accepted");
            refusedCopy(p, src.toString(), shifted, loop + "@16M");
            assertEquals(2, copy(p, src.toString(), shifted, loop + "@8M").destinations().size());
            // a partition of a loop device: its sector 0 is the file's sector 2048
            refusedCopy(p, d1 + "@2048+8", part);
            refusedCopy(p, src.toString(), part, twin + "@1M");
            assertEquals(8, copy(p, d1 + "@2040+8", part).count());
            assertEquals(2, copy(p, src.toString(), part, twin + "@9M").destinations().size());
        }
    }

    @Test
    void theIssuesCommandIsRefusedAndTheNeighbourIsWritten() throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices()) {
            byte[] data = new byte[(int) (32 * MIB)];
            new Random(2).nextBytes(data);
            Path d1 = dir.resolve("d1.img");
            Files.write(d1, data);
            Path loop = loops.attachExisting(d1);
            Path shifted = loops.attachExisting(d1, "--offset", String.valueOf(8 * MIB));
            RefusedException e = refusedCopy(new CopyPlanner(Lsblk.discover(), CopyPlanner.Options.NONE),
                    d1 + "+8M", loop + "@4M");
            assertEquals("DEST 1", e.field());
            // a copy that only touches goes through, through the real run
            CopyPlanner.Plan plan = copy(new CopyPlanner(Lsblk.discover(), CopyPlanner.Options.NONE), d1 + "+8M",
                    shifted.toString());
            CloneRun run = CloneRun.start(plan, new CloneRun.Settings(2048, org.kclone.engine.KcopydConfig.DEFAULT, 0,
                    java.util.EnumSet.noneOf(org.kclone.engine.KcopydFlag.class), false));
            assertEquals(0, run.await().exitCode());
            byte[] after = Files.readAllBytes(d1);
            byte[] expected = data.clone();
            System.arraycopy(data, 0, expected, (int) (8 * MIB), (int) (8 * MIB));
            assertArrayEquals(expected, after);
        }
    }
}
