package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.engine.FileBlockDevice;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;

/**
 * The CLI on real loop devices (root only; skipped with the reason elsewhere): whole-disk clones
 * of a partitioned disk, a partition to an image file and back, and every guard, each proving
 * the refusal and that the destination is byte-identical afterwards.
 */
class CliLoopDeviceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MiB = 1 << 20;

    @TempDir
    Path dir;

    private LoopDevices loops;

    @BeforeEach
    void setUp() {
        LoopDevices.assumeAvailable();
        loops = new LoopDevices();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (loops != null) {
            loops.close();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** A loop device full of random bytes. */
    private Path randomDevice(String name, long bytes, long seed, String... options) throws IOException {
        Path file = dir.resolve(name + ".img");
        byte[] data = new byte[(int) bytes];
        new Random(seed).nextBytes(data);
        Files.write(file, data);
        return loops.attachExisting(file, options);
    }

    /** The whole device, read past the page cache. */
    static byte[] contents(Path device) throws IOException {
        try (FileBlockDevice d = FileBlockDevice.open(device, false)) {
            int size = (int) d.size();
            ByteBuffer b = ByteBuffer.allocateDirect(size + 4096).alignedSlice(4096).limit(size);
            d.read(b, 0);
            byte[] out = new byte[size];
            b.flip().get(out);
            return out;
        }
    }

    private static JsonNode json(Cli r) throws IOException {
        return JSON.readTree(r.out);
    }

    private void assertRefused(Cli r, String field, String reason) {
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("kclone: refused: " + field + ":"), r.toString());
        assertTrue(r.err.contains(reason), "expected '" + reason + "' in:\n" + r);
        assertFalse(r.err.contains("Exception"), "no stack trace: " + r);
    }

    /** A 64 MiB disk with a DOS partition table, two ext4 partitions and some files on the first. */
    private Path partitionedDisk() throws Exception {
        Tools.assumeInstalled("sfdisk", "partx", "mkfs.ext4", "mount", "umount");
        Path file = dir.resolve("disk.img");
        Path dev = loops.attach(file, 64 * MiB);
        LoopDevices.run("bash", "-c", "printf 'start=2048, size=40960, type=83\\nstart=43008, size=43008, type=83\\n'"
                + " | sfdisk -q " + dev);
        loops.detach(dev);
        dev = loops.attachExisting(file, "-P");
        LoopDevices.run("mkfs.ext4", "-q", "-F", "-L", "ONE", dev + "p1");
        LoopDevices.run("mkfs.ext4", "-q", "-F", "-L", "TWO", dev + "p2");
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        LoopDevices.run("mount", dev + "p1", mnt.toString());
        try {
            Files.writeString(mnt.resolve("hello.txt"), "kclone was here\n");
            byte[] blob = new byte[3 * (int) MiB];
            new Random(7).nextBytes(blob);
            Files.write(mnt.resolve("blob.bin"), blob);
        } finally {
            LoopDevices.run("umount", mnt.toString());
        }
        return dev;
    }

    private static List<String> partitionTable(Path device) throws IOException {
        JsonNode t = JSON.readTree(LoopDevices.run("sfdisk", "--json", device.toString())).path("partitiontable");
        List<String> rows = new ArrayList<>(List.of(t.path("label").asText(), t.path("id").asText()));
        for (JsonNode p : t.path("partitions")) {
            rows.add(p.path("start").asText() + "+" + p.path("size").asText() + " type " + p.path("type").asText());
        }
        return rows;
    }

    // ---- whole paths -----------------------------------------------------------------------

    @Test
    void clonesAPartitionedDiskWholeToThreeDevices() throws Exception {
        Tools.assumeInstalled("e2fsck");
        Path src = partitionedDisk();
        List<Path> dests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            dests.add(loops.attach(dir.resolve("clone" + i + ".img"), 64 * MiB));
        }
        List<String> args = new ArrayList<>(List.of("copy", src.toString()));
        dests.forEach(d -> args.add(d.toString()));
        args.addAll(List.of("--yes", "--verify", "--json"));
        Cli r = Cli.run(args.toArray(new String[0]));
        assertEquals(0, r.exit, r.toString());
        JsonNode report = json(r);
        assertEquals("copy", report.path("command").asText());
        assertEquals(src.toString(), report.path("source").path("path").asText());
        assertEquals(0, report.path("source").path("start").asLong());
        assertEquals(64 * MiB / 512, report.path("source").path("length").asLong());
        assertEquals(64 * MiB, report.path("bytes").asLong());
        assertFalse(report.path("cancelled").asBoolean());
        assertEquals(0, report.path("readErrors").size());
        assertEquals(3, report.path("destinations").size());
        for (JsonNode d : report.path("destinations")) {
            assertEquals("ok", d.path("status").asText(), d.toString());
            assertTrue(d.path("error").isNull());
            assertEquals(0, d.path("mismatches").size());
        }
        List<String> table = partitionTable(src);
        for (int i = 0; i < 3; i++) {
            assertEquals(table, partitionTable(dests.get(i)), "partition table of clone " + i);
            // Re-attach the clone's file with a partition scan and check both file systems.
            loops.detach(dests.get(i));
            Path again = loops.attachExisting(dir.resolve("clone" + i + ".img"), "-P");
            LoopDevices.run("e2fsck", "-f", "-n", again + "p1");
            LoopDevices.run("e2fsck", "-f", "-n", again + "p2");
            assertArrayEquals(contents(src), contents(again));
        }
    }

    @Test
    void partitionToANewImageFileAndBackIntoAnotherDeviceAtAnOffset() throws Exception {
        Tools.assumeInstalled("e2fsck");
        Path disk = partitionedDisk();
        Path part = Path.of(disk + "p1");
        Path image = dir.resolve("backup").resolve("p1.img");
        Files.createDirectories(image.getParent());
        Cli backup = Cli.run("copy", part.toString(), image.toString(), "--yes", "--json");
        assertEquals(0, backup.exit, backup.toString());
        assertEquals(40960L * 512, Files.size(image), "created with the source region's length");
        assertArrayEquals(contents(part), Files.readAllBytes(image));

        Path target = randomDevice("target", 64 * MiB, 99);
        byte[] before = contents(target);
        Cli restore = Cli.run("copy", image.toString(), target + "@1M", "--yes", "--verify", "--json");
        assertEquals(0, restore.exit, restore.toString());
        assertEquals(2048, json(restore).path("destinations").get(0).path("start").asLong());
        byte[] after = contents(target);
        byte[] want = before.clone();
        System.arraycopy(Files.readAllBytes(image), 0, want, (int) MiB, 40960 * 512);
        assertArrayEquals(want, after, "the region holds the partition, every byte around it is untouched");
        LoopDevices.run("e2fsck", "-f", "-n", image.toString());
    }

    @Test
    void verifyCommandReportsMismatchingRanges() throws Exception {
        Path a = randomDevice("a", 8 * MiB, 1);
        Path b = randomDevice("b", 8 * MiB, 1);
        Cli same = Cli.run("verify", a.toString(), b.toString(), "--json");
        assertEquals(0, same.exit, same.toString());
        try (FileBlockDevice d = FileBlockDevice.open(b, true)) {
            ByteBuffer junk = ByteBuffer.allocateDirect(8192).alignedSlice(4096).limit(4096);
            d.write(junk, 100 * 4096);
            d.flush();
        }
        Cli diff = Cli.run("verify", a.toString(), b.toString(), "--json");
        assertEquals(1, diff.exit, diff.toString());
        JsonNode d = json(diff).path("destinations").get(0);
        assertEquals("mismatch", d.path("status").asText());
        assertEquals(800, d.path("mismatches").get(0).path("start").asLong());
        assertEquals(8, d.path("mismatches").get(0).path("count").asLong());
    }

    @Test
    void zeroWipesTheRegionOnly() throws Exception {
        Path d = randomDevice("z", 8 * MiB, 3);
        byte[] before = contents(d);
        Cli r = Cli.run("zero", d + "@10+2M", "--yes", "--json");
        assertEquals(0, r.exit, r.toString());
        byte[] want = before.clone();
        Arrays.fill(want, 10 * 512, 10 * 512 + 2 * (int) MiB, (byte) 0);
        assertArrayEquals(want, contents(d));
    }

    // ---- guards ----------------------------------------------------------------------------

    @Test
    void refusesARegionBeyondTheEnd() throws Exception {
        Path src = randomDevice("src", 8 * MiB, 10);
        Path dst = randomDevice("dst", 8 * MiB, 11);
        byte[] before = contents(dst);
        assertRefused(Cli.run("copy", src + "@16000+1000", dst.toString(), "--yes"), "SOURCE", "beyond the end");
        assertRefused(Cli.run("copy", src + "+1000", dst + "@16000", "--yes"), "DEST 1", "does not fit");
        assertArrayEquals(before, contents(dst));
    }

    @Test
    void refusesZeroLength() throws Exception {
        Path src = randomDevice("src", 8 * MiB, 12);
        Path dst = randomDevice("dst", 8 * MiB, 13);
        byte[] before = contents(dst);
        assertRefused(Cli.run("copy", src + "+0", dst.toString(), "--yes"), "SOURCE", "zero length");
        assertArrayEquals(before, contents(dst));
    }

    @Test
    void refusesOverlapWithTheSourceAcrossPartitionAndWholeDisk() throws Exception {
        Path disk = partitionedDisk();
        byte[] before = contents(disk);
        // p1 lies at sectors 2048..43008 of the disk: a destination on the disk at 10000 overlaps it.
        assertRefused(Cli.run("copy", disk + "p1", disk + "@10000", "--yes"), "DEST 1", "overlap the source");
        assertRefused(Cli.run("copy", disk + "@0+4096", disk + "p1", "--yes"), "DEST 1", "overlap the source");
        assertArrayEquals(before, contents(disk));
    }

    @Test
    void refusesOverlappingDestinationsAndTheSameOneTwice() throws Exception {
        Path src = randomDevice("src", 8 * MiB, 14);
        Path dst = randomDevice("dst", 8 * MiB, 15);
        byte[] before = contents(dst);
        assertRefused(Cli.run("copy", src + "+1000", dst + "@0", dst + "@500", "--yes"), "DEST 2", "overlaps DEST 1");
        assertRefused(Cli.run("copy", src + "+1000", dst.toString(), dst.toString(), "--yes"), "DEST 2",
                "the same destination as DEST 1");
        assertArrayEquals(before, contents(dst));
    }

    @Test
    void refusesAMountedDestinationUnlessForced() throws Exception {
        Tools.assumeInstalled("mkfs.ext4", "mount", "umount");
        Path src = randomDevice("src", 32 * MiB, 16);
        Path dst = loops.attach(dir.resolve("fs.img"), 32 * MiB);
        // no lazy init and a read-only mount without journal replay: the kernel writes nothing to the
        // device on its own, so what the forced copy wrote is all that is there when compared (an
        // ext4lazyinit thread once wrote a block after the copy: a flaky comparison, not a kclone fault)
        LoopDevices.run("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", dst.toString());
        Path mnt = Files.createDirectory(dir.resolve("m"));
        LoopDevices.run("mount", "-o", "ro,noload", dst.toString(), mnt.toString());
        try {
            byte[] before = contents(dst);
            assertRefused(Cli.run("copy", src.toString(), dst.toString(), "--yes"), "DEST 1", "is mounted at " + mnt);
            assertArrayEquals(before, contents(dst));
            // --force is the explicit way past it: the copy runs and the device holds the source
            Cli forced = Cli.run("copy", src.toString(), dst.toString(), "--yes", "--force");
            assertEquals(0, forced.exit, forced.toString());
            assertArrayEquals(contents(src), contents(dst));
        } finally {
            LoopDevices.run("umount", mnt.toString());
        }
    }

    @Test
    void refusesAReadOnlyDestination() throws Exception {
        Path src = randomDevice("src", 8 * MiB, 17);
        Path dst = randomDevice("ro", 8 * MiB, 18, "-r");
        byte[] before = contents(dst);
        assertRefused(Cli.run("copy", src.toString(), dst.toString(), "--yes", "--force"), "DEST 1", "read-only");
        assertArrayEquals(before, contents(dst));
    }

    @Test
    void refusesALengthThatDoesNotFit() throws Exception {
        Path src = randomDevice("src", 8 * MiB, 19);
        Path small = randomDevice("small", 4 * MiB, 20);
        byte[] before = contents(small);
        assertRefused(Cli.run("copy", src.toString(), small.toString(), "--yes"), "DEST 1", "does not fit");
        assertRefused(Cli.run("copy", src + "+100", small + "+200", "--yes"), "DEST 1", "differs from the source");
        assertArrayEquals(before, contents(small));
    }

    @Test
    void refusesMisalignmentOnFourKSectorDevices() throws Exception {
        Path src = randomDevice("src", 8 * MiB, 21);
        Path dst = randomDevice("4k", 8 * MiB, 22, "--sector-size", "4096");
        byte[] before = contents(dst);
        assertRefused(Cli.run("copy", src + "+64", dst + "@3", "--yes"), "DEST 1", "multiples of 8 sectors");
        assertRefused(Cli.run("copy", src + "+63", dst.toString(), "--yes"), "DEST 1", "multiples of 8 sectors");
        assertArrayEquals(before, contents(dst));
        Cli ok = Cli.run("copy", src + "+64", dst + "@8", "--yes");
        assertEquals(0, ok.exit, ok.toString());
    }

    @Test
    void withoutATerminalAndWithoutYesItRefuses() throws Exception {
        Path src = randomDevice("src", 8 * MiB, 23);
        Path dst = randomDevice("dst", 8 * MiB, 24);
        byte[] before = contents(dst);
        assertRefused(Cli.run("copy", src.toString(), dst.toString()), "--yes", "not a terminal");
        assertArrayEquals(before, contents(dst));
    }

    @Test
    void atATerminalOnlyYesProceeds() throws Exception {
        Path src = randomDevice("src", 8 * MiB, 25);
        Path dst = randomDevice("dst", 8 * MiB, 26);
        byte[] before = contents(dst);
        Cli no = Cli.typing("y", "copy", src.toString(), dst.toString());
        assertRefused(no, "confirmation", "not confirmed");
        assertTrue(no.err.contains("kclone will OVERWRITE"), no.err);
        assertTrue(no.err.contains("DEST 1: " + dst), "names the destination: " + no.err);
        assertArrayEquals(before, contents(dst));
        Cli yes = Cli.typing("yes", "copy", src.toString(), dst.toString());
        assertEquals(0, yes.exit, yes.toString());
        assertArrayEquals(contents(src), contents(dst));
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path src = randomDevice("src", 8 * MiB, 27);
        Path dst = randomDevice("dst", 8 * MiB, 28);
        byte[] before = contents(dst);
        assertRefused(Cli.run("copy", src.toString(), dst.toString(), "--yes", "--chunk", "1000"), "--chunk",
                "multiple of 4096");
        assertRefused(Cli.run("copy", src.toString(), dst.toString(), "--yes", "--pages", "3"), "--pages",
                "cannot hold one chunk");
        assertRefused(Cli.run("copy", src.toString(), dst.toString(), "--yes", "--limit", "fast"), "--limit",
                "not a size");
        assertRefused(Cli.run("copy", src.toString(), dir + "/nope/x.img", "--yes"), "DEST 1", "does not exist");
        assertRefused(Cli.run("copy", dir + "/missing.img", dst.toString(), "--yes"), "SOURCE", "does not exist");
        assertArrayEquals(before, contents(dst));
    }
}
