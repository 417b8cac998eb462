package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.kclone.testing.MapProgress.resumePoint;
import static org.kclone.testing.MapProgress.sectorsWritten;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * {@code copy --used-only --map} killed with SIGKILL mid-copy and resumed, on real loop devices: a
 * GPT disk with ext4 and FAT32 filled with files, to two destinations pre-filled with 0xAA. A
 * source whose file system changed meanwhile is refused, nothing written; once it is as it was, the
 * resumed run writes exactly the extents from the resume point (the kernel's count of sectors
 * written, {@code /sys/block/loopN/stat}), its report covers the whole job, --verify passes, the
 * clones pass fsck and hold the files, and the skipped space still reads 0xAA. The kill is gated on
 * the map showing progress, not on a clock. Root, loop devices and the tools; skipped with the reason elsewhere.
 */
class CliUsedOnlyResumeLoopTest {

    private static final long MiB = 1 << 20;
    private static final long DISK = 128 * MiB;
    private static final byte FILL = (byte) 0xAA;
    private static final long EVERY = MiB;
    /** At most this much is in flight when the process dies: the engine's 8 chunks of 1 MiB. */
    private static final long IN_FLIGHT = 8 * MiB;
    /** Partition 2 (FAT32) starts here: the kill waits until the map is past partition 1. */
    private static final long P2 = 57 * MiB;

    @TempDir
    Path dir;

    private LoopDevices loops;
    private final Map<Integer, Map<String, String>> files = new TreeMap<>();

    @BeforeEach
    void setUp() {
        LoopDevices.assumeAvailable();
        Tools.assumeInstalled("sgdisk", "mount", "umount", "mkfs.ext4", "e2fsck", "mkfs.vfat", "fsck.vfat",
                "mcopy", "mmd");
        loops = new LoopDevices();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (loops != null) {
            loops.close();
        }
    }

    @Test
    void killedMidCopyAUsedOnlyJobResumesWithOnlyTheMissingExtentsAndTheClonesCheck() throws Exception {
        Path srcFile = dir.resolve("src.img");
        Path src = loops.attach(srcFile, DISK);
        LoopDevices.run("sgdisk", "-n", "1:2048:+56M", "-t", "1:8300", "-n", "2:0:+56M", "-t", "2:0700",
                src.toString());
        loops.detach(src);
        src = loops.attachExisting(srcFile, "-P");
        LoopDevices.run("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", part(src, 1)
                .toString());
        LoopDevices.run("mkfs.vfat", "-F", "32", "-s", "1", "-S", "512", part(src, 2).toString());
        Random random = new Random(12);
        fillExt4(part(src, 1), random);
        fillFat(part(src, 2), random);
        LoopDevices.run("blockdev", "--flushbufs", src.toString());
        byte[] original = Files.readAllBytes(srcFile);
        UsedPlan plan;
        try (FileBlockDevice s = FileBlockDevice.open(src, false)) {
            plan = UsedPlanner.plan(s, 0, DISK / 512, 512, UsageProbe.system());
        }
        long copied = plan.copiedBytes();
        assertTrue(plan.extents().ranges().stream().anyMatch(r -> r.start() * 512 >= P2), plan.toString());

        Path aFile = FilledImages.filled(dir.resolve("a.img"), DISK, FILL);
        Path bFile = FilledImages.filled(dir.resolve("b.img"), DISK, FILL);
        Path a = loops.attachExisting(aFile);
        Path b = loops.attachExisting(bFile);
        Path map = dir.resolve("job.map");
        long[] start = {sectorsWritten(a), sectorsWritten(b)};
        KcloneProcess p = KcloneProcess.start(dir, dir.resolve("state"), List.of("-Xmx256m"), "copy", src.toString(),
                a.toString(), b.toString(), "--used-only", "--yes", "--map", map.toString(), "--map-every", "1M",
                "--limit", "2M");
        try {
            assertTrue(p.awaitWhileAlive(() -> resumePoint(map) >= P2), "the map shows partition 1 done\n" + p);
        } finally {
            p.process.destroyForcibly(); // SIGKILL: no handler runs, nothing is flushed or recorded
        }
        p.waitFor();
        assertEquals(137, p.process.exitValue(), "killed, not ended\n" + p);
        String killed = Files.readString(map);
        assertTrue(killed.contains("\nstatus running\n") && killed.contains("\nused extents="), killed);
        long point = resumePoint(map) / 4096 * 4096;
        long after = bytesFrom(plan, point);
        assertTrue(after > 0, "killed mid-copy: the map's point " + point + " leaves extents to copy");
        long[] first = {sectorsWritten(a) - start[0], sectorsWritten(b) - start[1]};

        // a file added to the FAT32 file system: another extent list, refused, nothing written
        Path added = Files.write(dir.resolve("added.bin"), new byte[300_000]);
        LoopDevices.run("mcopy", "-i", part(src, 2).toString(), added.toString(), "::/added.bin");
        LoopDevices.run("blockdev", "--flushbufs", part(src, 2).toString());
        LoopDevices.run("blockdev", "--flushbufs", src.toString());
        Cli changed = Cli.run("copy", src.toString(), a.toString(), b.toString(), "--used-only", "--yes", "--map",
                map.toString());
        assertEquals(2, changed.exit, changed.err);
        assertTrue(changed.err.contains("refused: --map: the file system on the source changed since the interrupted"
                + " run"), changed.err);
        assertEquals(start[0] + first[0], sectorsWritten(a), "nothing written");
        assertEquals(start[1] + first[1], sectorsWritten(b), "nothing written");
        try (FileChannel c = FileChannel.open(srcFile, StandardOpenOption.WRITE)) { // as it was (same inode)
            c.write(ByteBuffer.wrap(original), 0);
            c.force(true);
        }
        for (Path d : List.of(part(src, 1), part(src, 2), src)) {
            LoopDevices.run("blockdev", "--flushbufs", d.toString());
        }
        Cli whole = Cli.run("copy", src.toString(), a.toString(), b.toString(), "--yes", "--map", map.toString());
        assertEquals(2, whole.exit, whole.err);
        assertTrue(whole.err.contains("is the map of a --used-only job"), whole.err);

        Cli r = Cli.run("copy", src.toString(), a.toString(), b.toString(), "--used-only", "--yes", "--json",
                "--verify", "--map", map.toString());
        assertEquals(0, r.exit, r.err + r.out);
        assertTrue(r.err.contains("kclone: resuming from " + map), r.err);
        JsonNode report = new ObjectMapper().readTree(r.out);
        assertEquals(copied, report.path("bytes").asLong(), "the report covers the whole job\n" + r.out);
        assertEquals(copied, report.path("usedOnly").path("copiedBytes").asLong());
        assertEquals(DISK - copied, report.path("usedOnly").path("skippedBytes").asLong());
        assertEquals(point, report.path("options").path("resumedAt").asLong());
        for (int i = 0; i < 2; i++) {
            JsonNode d = report.path("destinations").path(i);
            assertEquals("ok", d.path("status").asText(), r.out);
            long second = sectorsWritten(i == 0 ? a : b) - start[i] - first[i];
            assertEquals(after, second, "dest " + i + ": exactly the extents from the resume point " + point);
            long missing = copied - first[i];
            assertTrue(second <= missing + EVERY + IN_FLIGHT, "dest " + i + " wrote " + second
                    + "; missing after the kill were " + missing);
        }
        assertTrue(Files.readString(map).contains("\nstatus finished\n"), Files.readString(map));

        loops.detach(a);
        loops.detach(b);
        for (Path clone : List.of(aFile, bFile)) {
            FilledImages.assertHold(clone, plan.skipped(), FILL);
            checkClone(clone);
        }
    }

    /** Bytes of the plan's extents at and after byte {@code point}. */
    private static long bytesFrom(UsedPlan plan, long point) {
        long n = 0;
        for (SectorRange r : plan.extents().ranges()) {
            n += Math.max(0, r.end() * 512 - Math.max(point, r.start() * 512));
        }
        return n;
    }

    private void checkClone(Path cloneFile) throws Exception {
        Path clone = loops.attachExisting(cloneFile, "-P");
        try {
            LoopDevices.run("e2fsck", "-fn", part(clone, 1).toString());
            LoopDevices.run("fsck.vfat", "-n", part(clone, 2).toString());
            assertEquals(files.get(1), FsFiles.hashesMounted(part(clone, 1), dir.resolve("check"), "mount", "-o",
                    "ro"), "ext4");
            assertEquals(files.get(2), FsFiles.hashesFat(part(clone, 2), dir, files.get(2).keySet()), "FAT32");
        } finally {
            loops.detach(clone);
        }
    }

    private static Path part(Path disk, int n) {
        return Path.of(disk + "p" + n);
    }

    private void fillExt4(Path dev, Random random) throws Exception {
        files.put(1, FsFiles.putMounted(dev, dir.resolve("mnt"), FsFiles.random(random, 100_000), "mount"));
    }

    private void fillFat(Path dev, Random random) throws Exception {
        files.put(2, FsFiles.putFat(dev, dir, FsFiles.random(random, 100_000)));
    }
}
