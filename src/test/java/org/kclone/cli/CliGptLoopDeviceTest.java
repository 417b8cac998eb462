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
 * A GPT disk (partitioned by sgdisk on a loop device, its partitions full of random bytes) cloned
 * with the CLI to larger loop devices and image files: sgdisk -v and sfdisk --verify find no
 * problem on the clone, sfdisk --dump shows the same partitions (with --grow-last the last one
 * ends at the last usable LBA), the partitions' bytes are the source's, --verify ends ok. Root,
 * loop devices, sgdisk and sfdisk; skipped with the reason elsewhere.
 */
class CliGptLoopDeviceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MiB = 1 << 20;

    @TempDir
    Path dir;

    private LoopDevices loops;

    @BeforeEach
    void setUp() {
        LoopDevices.assumeAvailable();
        Tools.assumeInstalled("sgdisk", "sfdisk");
        loops = new LoopDevices();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (loops != null) {
            loops.close();
        }
    }

    /** One partition of a dump: start and size in the device's logical sectors. */
    private record Part(long start, long size) {
    }

    /**
     * A 64 MiB loop device partitioned by sgdisk (20 MiB, then the rest), each partition filled
     * with random bytes.
     */
    private Path gptDisk(String... losetupOptions) throws Exception {
        Path dev = loops.attach(dir.resolve("src.img"), 64 * MiB, losetupOptions);
        LoopDevices.run("sgdisk", "-n", "1:0:+20M", "-c", "1:first", "-n", "2:0:0", "-c", "2:second", dev.toString());
        int ss = sectorSize(dev);
        Random random = new Random(12);
        try (FileBlockDevice d = FileBlockDevice.open(dev, true, ss)) {
            for (Part p : parts(dev)) {
                byte[] data = new byte[(int) (p.size() * ss)];
                random.nextBytes(data);
                ByteBuffer b = ByteBuffer.allocateDirect(data.length + 8192).alignedSlice(4096);
                b.put(data).flip();
                d.write(b, p.start() * ss);
            }
            d.flush();
        }
        return dev;
    }

    private static int sectorSize(Path dev) throws IOException {
        return Integer.parseInt(LoopDevices.run("blockdev", "--getss", dev.toString()).strip());
    }

    private static JsonNode table(Path dev) throws IOException {
        return JSON.readTree(LoopDevices.run("sfdisk", "--json", dev.toString())).path("partitiontable");
    }

    private static List<Part> parts(Path dev) throws IOException {
        List<Part> out = new ArrayList<>();
        for (JsonNode p : table(dev).path("partitions")) {
            out.add(new Part(p.path("start").asLong(), p.path("size").asLong()));
        }
        return out;
    }

    /** sfdisk --dump's partition lines without the device's name (and, to compare a grown one, without sizes). */
    private static List<String> dump(Path dev, boolean withSizes) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : LoopDevices.run("sfdisk", "--dump", dev.toString()).split("\n")) {
            if (line.startsWith("label-id:") || line.startsWith(dev.toString())) {
                String l = line.replace(dev.toString(), "DEV");
                out.add(withSizes ? l : l.replaceAll("size= *[0-9]+", "size=?"));
            }
        }
        return out;
    }

    private static long lastLba(Path dev) throws IOException {
        return table(dev).path("lastlba").asLong();
    }

    /** Both checkers on {@code disk} (a device or image file): neither reports a problem. */
    private static void assertNoProblems(Path disk) throws IOException {
        String sgdisk = LoopDevices.run("sgdisk", "-v", disk.toString());
        assertTrue(sgdisk.contains("No problems found"), "sgdisk -v " + disk + ":\n" + sgdisk);
        String sfdisk = LoopDevices.run("sfdisk", "--verify", disk.toString());
        assertTrue(sfdisk.contains("No errors detected"), "sfdisk --verify " + disk + ":\n" + sfdisk);
    }

    private static byte[] range(byte[] all, long from, long to) {
        return Arrays.copyOfRange(all, (int) from, (int) to);
    }

    private static void assertSamePartitionBytes(Path src, Path clone, int ss) throws IOException {
        byte[] a = CliLoopDeviceTest.contents(src);
        byte[] b = clone.toString().startsWith("/dev/") ? CliLoopDeviceTest.contents(clone) : Files.readAllBytes(clone);
        for (Part p : parts(src)) {
            assertArrayEquals(range(a, p.start() * ss, (p.start() + p.size()) * ss),
                    range(b, p.start() * ss, (p.start() + p.size()) * ss), "partition at " + p + " of " + clone);
        }
    }

    @Test
    void theCheckersSeeTheProblemOfAPlainCopyToALargerDisk() throws Exception {
        Path src = gptDisk();
        Path plain = dir.resolve("plain.img");
        Files.write(plain, CliLoopDeviceTest.contents(src));
        try (var f = new java.io.RandomAccessFile(plain.toFile(), "rw")) {
            f.setLength(96 * MiB);
        }
        // what kclone's fix-up is for: without it the backup GPT lies in the middle of the disk
        String sgdisk = LoopDevices.run("sgdisk", "-v", plain.toString());
        assertFalse(sgdisk.contains("No problems found"), sgdisk);
        assertTrue(sgdisk.contains("doesn't reside\nat the end of the disk"), sgdisk);
    }

    @Test
    void aGptDiskToALargerDiskAndImageFileAndOneOfTheSameSize() throws Exception {
        Path src = gptDisk();
        Path larger = loops.attach(dir.resolve("larger.img"), 96 * MiB);
        Path same = loops.attach(dir.resolve("same.img"), 64 * MiB);
        Path image = dir.resolve("existing.img");
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(96 * MiB);
        }
        Cli r = Cli.run("copy", src.toString(), larger.toString(), same.toString(), image.toString(),
                "--yes", "--verify", "--json");
        assertEquals(0, r.exit, r.toString());
        JsonNode dests = JSON.readTree(r.out).path("destinations");
        for (JsonNode d : dests) {
            assertEquals("ok", d.path("status").asText(), d.toString());
            assertEquals(0, d.path("mismatches").size(), d.toString());
        }
        assertEquals("GPT backup moved to the end of the disk (LBA 196607)", dests.get(0).path("gpt").asText());
        assertTrue(dests.get(1).path("gpt").isMissingNode(), "same size: nothing to fit, no field: " + dests.get(1));
        assertEquals("GPT backup moved to the end of the disk (LBA 196607)", dests.get(2).path("gpt").asText());

        for (Path clone : List.of(larger, image)) {
            assertNoProblems(clone);
            assertSamePartitionBytes(src, clone, 512);
        }
        assertEquals(dump(src, true), dump(larger, true));
        assertEquals(196574, lastLba(larger), "as sgdisk -e sets it: 196608 - 1 - 32 - 1");
        assertArrayEquals(CliLoopDeviceTest.contents(src), CliLoopDeviceTest.contents(same), "same size: a plain copy");
    }

    @Test
    void growLastIsShownBeforeTheConfirmationAndTheLastPartitionEndsAtTheLastUsableLba() throws Exception {
        Path src = gptDisk();
        Path larger = loops.attach(dir.resolve("larger.img"), 96 * MiB);
        Cli r = Cli.typing("yes", "copy", src.toString(), larger.toString(), "--grow-last", "--verify");
        assertEquals(0, r.exit, r.toString());
        String planned = "GPT backup moved to the end of the disk (LBA 196607); last partition (2) grown to 153567"
                + " sectors (75.0 MiB, to LBA 196574): the file system inside is not resized";
        assertTrue(r.err.contains("DEST 1: " + larger), r.err);
        assertTrue(r.err.contains(planned), "the plan says it before the question:\n" + r.err);
        assertTrue(r.err.indexOf(planned) < r.err.indexOf("Type 'yes'"), r.err);
        assertTrue(r.out.contains("ok        " + larger + "\n            " + planned), r.out);

        assertNoProblems(larger);
        assertEquals(dump(src, false), dump(larger, false));
        List<Part> p = parts(larger);
        assertEquals(parts(src).get(0), p.get(0));
        assertEquals(parts(src).get(1).start(), p.get(1).start());
        assertEquals(lastLba(larger), p.get(1).start() + p.get(1).size() - 1, "the last partition ends at the last"
                + " usable LBA");
        assertSamePartitionBytes(src, larger, 512);
    }

    @Test
    void aHybridMbrIsLeftAsItIs() throws Exception {
        Path src = gptDisk();
        LoopDevices.run("sgdisk", "-h", "1", src.toString()); // partition 1 also in the MBR, 0xEE over the start
        byte[] mbr = Arrays.copyOf(CliLoopDeviceTest.contents(src), 512);
        Path larger = loops.attach(dir.resolve("larger.img"), 96 * MiB);
        Cli r = Cli.run("copy", src.toString(), larger.toString(), "--yes", "--verify", "--json");
        assertEquals(0, r.exit, r.toString());
        assertNoProblems(larger);
        assertArrayEquals(mbr, Arrays.copyOf(CliLoopDeviceTest.contents(larger), 512), "the hybrid MBR, unchanged");
        assertEquals(dump(src, true), dump(larger, true));
    }

    @Test
    void fourKnGptDiskToALargerFourKnDisk() throws Exception {
        Path src = gptDisk("--sector-size", "4096");
        assertEquals(4096, sectorSize(src));
        Path larger = loops.attach(dir.resolve("larger.img"), 96 * MiB, "--sector-size", "4096");
        Cli r = Cli.run("copy", src.toString(), larger.toString(), "--yes", "--verify", "--grow-last", "--json");
        assertEquals(0, r.exit, r.toString());
        JsonNode d = JSON.readTree(r.out).path("destinations").get(0);
        assertEquals("ok", d.path("status").asText(), d.toString());
        assertTrue(d.path("gpt").asText().startsWith("GPT backup moved to the end of the disk (LBA 24575)"),
                d.toString());
        assertNoProblems(larger);
        assertEquals(dump(src, false), dump(larger, false));
        List<Part> p = parts(larger);
        assertEquals(24575 - 4 - 1, lastLba(larger), "4 sectors of entries before the backup header");
        assertEquals(lastLba(larger), p.get(1).start() + p.get(1).size() - 1);
        assertSamePartitionBytes(src, larger, 4096);
    }

    @Test
    void aSmallerDiskIsRefusedSayingByHowMuchAndGrowLastWithoutAGptIsRefused() throws Exception {
        Path src = gptDisk();
        Path small = loops.attach(dir.resolve("small.img"), 48 * MiB);
        byte[] before = CliLoopDeviceTest.contents(small);
        Cli r = Cli.run("copy", src.toString(), small.toString(), "--yes");
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("kclone: refused: DEST 1: the region 0+131072 does not fit: " + small
                + " has 98304 sectors (48.0 MiB), the region needs 131072: 32768 sectors (16.0 MiB) short"), r.err);
        assertArrayEquals(before, CliLoopDeviceTest.contents(small));

        Path plain = loops.attach(dir.resolve("plain.img"), 32 * MiB);
        Path larger = loops.attach(dir.resolve("larger.img"), 48 * MiB);
        Cli g = Cli.run("copy", plain.toString(), larger.toString(), "--yes", "--grow-last");
        assertEquals(2, g.exit, g.toString());
        assertTrue(g.err.contains("kclone: refused: --grow-last: the source holds no GPT partition table"), g.err);
        assertArrayEquals(new byte[(int) (48 * MiB)], CliLoopDeviceTest.contents(larger), "nothing written");
    }
}
