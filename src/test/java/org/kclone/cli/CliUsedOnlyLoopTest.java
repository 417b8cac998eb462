package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.used.UsageProbe;
import org.kclone.device.used.UsedPlan;
import org.kclone.device.used.UsedPlanner;
import org.kclone.engine.FileBlockDevice;
import org.kclone.engine.SectorRange;
import org.kclone.testing.FilledImages;
import org.kclone.testing.FsFiles;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;

/**
 * {@code copy --used-only} for real: a GPT disk on a loop device with ext4, FAT32, exFAT and NTFS
 * made by their mkfs tools and filled with files (ext4 mounted, FAT through mtools, exFAT through
 * exfat-fuse, NTFS through ntfs-3g), cloned to two loop devices pre-filled with 0xAA. Each clone's
 * file systems pass their fsck, mount, and hold every file with the source's SHA-256; fewer bytes
 * were copied than the disk holds; skipped space still reads 0xAA (no --wipe-free), or zeros with
 * --wipe-free; --verify reads back the copied extents. Root, loop devices and the tools; skipped
 * with the reason elsewhere.
 */
class CliUsedOnlyLoopTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MiB = 1 << 20;
    private static final long DISK = 200 * MiB;
    private static final byte FILL = (byte) 0xAA;

    @TempDir
    Path dir;

    private LoopDevices loops;

    @BeforeEach
    void setUp() {
        LoopDevices.assumeAvailable();
        Tools.assumeInstalled("sgdisk", "partx", "mount", "umount", "mkfs.ext4", "e2fsck", "mkfs.vfat", "fsck.vfat",
                "mcopy", "mmd", "mkfs.exfat", "fsck.exfat", "mount.exfat-fuse", "mkntfs", "ntfsfix", "ntfs-3g");
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse: exFAT and NTFS are mounted through FUSE");
        loops = new LoopDevices();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (loops != null) {
            loops.close();
        }
    }

    /** The files put on each file system: partition number -> (path in it -> SHA-256). */
    private final Map<Integer, Map<String, String>> files = new TreeMap<>();

    @Test
    void aGptDiskWithFourFileSystemsIsClonedByItsUsedBlocksAndEveryCloneChecksAndHoldsTheFiles() throws Exception {
        Path srcFile = dir.resolve("src.img");
        Path src = loops.attach(srcFile, DISK);
        LoopDevices.run("sgdisk", "-n", "1:0:+48M", "-t", "1:8300", "-n", "2:0:+48M", "-t", "2:0700",
                "-n", "3:0:+40M", "-t", "3:0700", "-n", "4:0:+48M", "-t", "4:0700", src.toString());
        loops.detach(src);
        src = loops.attachExisting(srcFile, "-P");
        Path p1 = part(src, 1);
        LoopDevices.run("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", p1.toString());
        LoopDevices.run("mkfs.vfat", "-F", "32", "-s", "1", "-S", "512", part(src, 2).toString());
        LoopDevices.run("mkfs.exfat", part(src, 3).toString());
        LoopDevices.run("mkntfs", "-Q", "-q", "-F", part(src, 4).toString());
        Random random = new Random(42);
        fillMounted(1, p1, new String[] {"mount"}, random);
        fillFat(part(src, 2), random);
        fillMounted(3, part(src, 3), new String[] {"mount.exfat-fuse"}, random);
        fillMounted(4, part(src, 4), new String[] {"ntfs-3g"}, random);
        LoopDevices.run("blockdev", "--flushbufs", src.toString());

        Path d1File = FilledImages.filled(dir.resolve("d1.img"), DISK, FILL);
        Path d2File = FilledImages.filled(dir.resolve("d2.img"), DISK, FILL);
        Path d1 = loops.attachExisting(d1File);
        Path d2 = loops.attachExisting(d2File);
        Cli r = Cli.run("copy", src.toString(), d1.toString(), d2.toString(), "--used-only", "--verify", "--yes",
                "--json");
        assertEquals(0, r.exit, r.toString());
        JsonNode report = JSON.readTree(r.out);
        JsonNode used = report.path("usedOnly");
        long copied = used.path("copiedBytes").asLong();
        assertTrue(copied > 0 && copied < DISK / 2, "copied " + copied + " of " + DISK + "\n" + r);
        assertEquals(DISK, copied + used.path("skippedBytes").asLong());
        List<String> types = new ArrayList<>();
        for (JsonNode a : used.path("areas")) {
            types.add(a.path("type").asText());
            assertTrue(a.path("skippedBytes").asLong() > 0, "something of " + a + " was skipped");
            assertTrue(a.path("note").isMissingNode(), a.toString());
        }
        assertEquals(List.of("ext4", "vfat", "exfat", "ntfs"), types);
        for (JsonNode d : report.path("destinations")) {
            assertEquals("ok", d.path("status").asText(), d.toString());
        }
        assertEquals(copied, report.path("bytes").asLong());

        // skipped space keeps what the destinations held (0xAA): every sector the plan skipped
        UsedPlan plan;
        try (FileBlockDevice s = FileBlockDevice.open(src, false)) {
            plan = UsedPlanner.plan(s, 0, DISK / 512, 512, UsageProbe.system());
        }
        assertEquals(copied, plan.copiedBytes());
        loops.detach(d1);
        loops.detach(d2);
        assertSkippedHold(d1File, plan.skipped(), FILL);
        for (Path clone : List.of(d1File, d2File)) {
            checkClone(clone);
        }

        // --wipe-free: the skipped space of a third destination reads zeros (discarded through the loop device)
        Path d3File = FilledImages.filled(dir.resolve("d3.img"), DISK, FILL);
        Path d3 = loops.attachExisting(d3File);
        Cli w = Cli.run("copy", src.toString(), d3.toString(), "--used-only", "--wipe-free", "--yes", "--json");
        assertEquals(0, w.exit, w.toString());
        assertTrue(JSON.readTree(w.out).path("usedOnly").path("wipeFree").asBoolean());
        loops.detach(d3);
        assertSkippedHold(d3File, plan.skipped(), (byte) 0);
        checkClone(d3File);
    }

    /** fsck of each file system on the clone, then each mounted read-only: every file is the source's. */
    private void checkClone(Path cloneFile) throws Exception {
        Path clone = loops.attachExisting(cloneFile, "-P");
        try {
            // each checker exits 0 only when it finds nothing to fix (LoopDevices.run fails otherwise)
            LoopDevices.run("e2fsck", "-fn", part(clone, 1).toString());
            LoopDevices.run("fsck.vfat", "-n", part(clone, 2).toString());
            LoopDevices.run("fsck.exfat", "-n", part(clone, 3).toString());
            LoopDevices.run("ntfsfix", "-n", part(clone, 4).toString());
            assertEquals(files.get(1), hashesMounted(part(clone, 1), new String[] {"mount", "-o", "ro"}), "ext4");
            assertEquals(files.get(2), hashesFat(part(clone, 2)), "FAT32");
            assertEquals(files.get(3), hashesMounted(part(clone, 3), new String[] {"mount.exfat-fuse", "-o", "ro"}),
                    "exFAT");
            assertEquals(files.get(4), hashesMounted(part(clone, 4), new String[] {"ntfs-3g", "-o", "ro"}), "NTFS");
        } finally {
            loops.detach(clone);
        }
    }

    private static Path part(Path disk, int n) {
        return Path.of(disk + "p" + n);
    }

    private void fillMounted(int n, Path dev, String[] mount, Random random) throws Exception {
        files.put(n, FsFiles.putMounted(dev, dir.resolve("mnt" + n), FsFiles.random(random, 10_000), mount));
    }

    private void fillFat(Path dev, Random random) throws Exception {
        files.put(2, FsFiles.putFat(dev, dir, FsFiles.random(random, 10_000)));
    }

    private Map<String, String> hashesMounted(Path dev, String[] mount) throws Exception {
        return FsFiles.hashesMounted(dev, dir.resolve("check"), mount);
    }

    private Map<String, String> hashesFat(Path dev) throws Exception {
        return FsFiles.hashesFat(dev, dir, files.get(2).keySet());
    }

    private static void assertSkippedHold(Path file, List<SectorRange> skipped, byte value) throws IOException {
        long checked = FilledImages.assertHold(file, skipped, value);
        assertTrue(checked > DISK / 2, "most of the disk was skipped and checked: " + checked);
    }
}
