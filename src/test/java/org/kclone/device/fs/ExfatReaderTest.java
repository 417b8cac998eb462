package org.kclone.device.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;

/**
 * exFAT images made by mkfs.exfat: the reader's used bytes are everything before the cluster heap
 * plus the clusters dump.exfat counts as not free, and a zero-filled file given only those
 * extents passes fsck.exfat -n. Filled through exfat-fuse on a loop device (root), the clone's
 * files, mounted read-only, are the source's.
 */
class ExfatReaderTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /** What dump.exfat says: the bytes before the heap plus the clusters not free. */
    private static long usedByDumpExfat(Path img) throws Exception {
        String dump = FsImages.run("dump.exfat", img.toString());
        long sectorBits = FsImages.number(dump, "Sector Size Bits:\\s+(\\d+)");
        long heap = FsImages.number(dump, "Cluster Heap Offset \\(sector offset\\):\\s+(\\d+)") << sectorBits;
        long clusterBytes = FsImages.number(dump, "Cluster size:\\s+(\\d+)");
        long total = FsImages.number(dump, "Total Clusters:\\s+(\\d+)");
        long free = FsImages.number(dump, "Free Clusters:\\s+(\\d+)");
        return heap + (total - free) * clusterBytes;
    }

    @Test
    void aNewVolumeUsesItsBootRegionsFatsBitmapUpcaseTableAndRootDirectory() throws Exception {
        FsImages.tools("mkfs.exfat", "fsck.exfat", "dump.exfat");
        Path img = FsImages.sparse(dir.resolve("ex.img"), 96 * MIB);
        FsImages.run("mkfs.exfat", "-c", "16K", img.toString());
        FsUsage u = new ExfatReader().read(FsImages.source(img));
        assertEquals("exfat", u.type());
        assertEquals(96 * MIB, u.size());
        assertEquals(usedByDumpExfat(img), u.usedBytes());
        assertTrue(u.usedBytes() < 8 * MIB, "a new volume uses little: " + u.usedBytes());
        Path clone = FsImages.cloneUsed(img, u, dir.resolve("clone.img"));
        FsImages.Result check = FsImages.exec("fsck.exfat", "-n", clone.toString());
        assertEquals(0, check.exit(), check.output());
        assertEquals("exfat", FsReaders.probe(FsImages.source(img)).orElseThrow().type());
    }

    @Test
    void aFilledVolumeClonedByItsExtentsIsCleanAndHoldsTheSameFiles() throws Exception {
        FsImages.tools("mkfs.exfat", "fsck.exfat", "dump.exfat", "mount.exfat-fuse", "umount");
        FsImages.assumeRoot("to mount exFAT through exfat-fuse on a loop device");
        LoopDevices.assumeAvailable();
        Tools.assumeFuse();
        Path img = FsImages.sparse(dir.resolve("ex.img"), 128 * MIB);
        FsImages.run("mkfs.exfat", img.toString());
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (LoopDevices loops = new LoopDevices()) {
            Path dev = loops.attachExisting(img);
            FsImages.run("mount.exfat-fuse", dev.toString(), mnt.toString());
            try {
                Files.createDirectories(mnt.resolve("a/b"));
                int[] sizes = {0, 1, 4096, 4097, 300_000, 1_000_000, 77_777, 2_500_000, 12_345};
                for (int k = 0; k < sizes.length; k++) {
                    String name = (k % 3 == 0 ? "" : k % 3 == 1 ? "a/" : "a/b/") + "f" + k;
                    Path f = FsImages.randomFile(dir.resolve("f" + k), sizes[k], k);
                    Files.copy(f, mnt.resolve(name));
                    names.add(name);
                    files.add(f);
                }
                // holes, then a file that fills them and runs past them
                Files.delete(mnt.resolve(names.get(4)));
                Files.delete(mnt.resolve(names.get(1)));
                names.remove(4);
                files.remove(4);
                names.remove(1);
                files.remove(1);
                Path big = FsImages.randomFile(dir.resolve("big"), 3_000_000, 99);
                Files.copy(big, mnt.resolve("a/big"));
                names.add("a/big");
                files.add(big);
            } finally {
                FsImages.run("umount", mnt.toString());
            }
            loops.detach(dev);

            FsUsage u = new ExfatReader().read(FsImages.source(img));
            assertEquals(usedByDumpExfat(img), u.usedBytes());
            assertTrue(u.usedBytes() < 24 * MIB, "most of the volume is free: " + u.usedBytes());
            Path clone = FsImages.cloneUsed(img, u, dir.resolve("clone.img"));
            FsImages.Result check = FsImages.exec("fsck.exfat", "-n", clone.toString());
            assertEquals(0, check.exit(), check.output());

            Path cloneDev = loops.attachExisting(clone, "-r");
            FsImages.run("mount.exfat-fuse", "-o", "ro", cloneDev.toString(), mnt.toString());
            try {
                for (int k = 0; k < names.size(); k++) {
                    FsImages.assertSameBytes(files.get(k), mnt.resolve(names.get(k)));
                }
            } finally {
                FsImages.run("umount", mnt.toString());
            }
        }
    }
}
