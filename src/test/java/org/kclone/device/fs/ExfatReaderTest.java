package org.kclone.device.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
        FsImages.tools("mkfs.exfat", "fsck.exfat", "dump.exfat");
        Path img = filled();
        FsUsage u = new ExfatReader().read(FsImages.source(img));
        assertEquals(usedByDumpExfat(img), u.usedBytes());
        assertTrue(u.usedBytes() < 24 * MIB, "most of the volume is free: " + u.usedBytes());
        Path clone = FsImages.cloneUsed(img, u, dir.resolve("clone.img"));
        FsImages.Result check = FsImages.exec("fsck.exfat", "-n", clone.toString());
        assertEquals(0, check.exit(), check.output());

        Path mnt = Files.createDirectories(dir.resolve("ro"));
        try (LoopDevices loops = new LoopDevices()) {
            Path cloneDev = loops.attachExisting(clone, "-r");
            FsImages.run("mount.exfat-fuse", "-o", "ro", cloneDev.toString(), mnt.toString());
            try {
                for (int k = 0; k < files.names().size(); k++) {
                    FsImages.assertSameBytes(files.files().get(k), mnt.resolve(files.names().get(k)));
                }
            } finally {
                FsImages.run("umount", mnt.toString());
            }
        }
    }

    @Test
    void theUsedExtentsAreThoseOfPartclone() throws Exception {
        FsImages.tools("partclone.exfat");
        Path img = filled();
        assertEquals(FsImages.partcloneUsed("partclone.exfat", img, dir), new ExfatReader().read(FsImages.source(img)).used());
    }

    private FsImages.Filled files;

    /** A 128 MiB exFAT image filled through exfat-fuse on a loop device (root). */
    private Path filled() throws Exception {
        FsImages.tools("mkfs.exfat", "mount.exfat-fuse", "umount");
        FsImages.assumeRoot("to mount exFAT through exfat-fuse on a loop device");
        LoopDevices.assumeAvailable();
        Tools.assumeFuse();
        Path img = FsImages.sparse(dir.resolve("ex.img"), 128 * MIB);
        FsImages.run("mkfs.exfat", img.toString());
        files = FsImages.fillMounted(img, dir, "mount.exfat-fuse");
        return img;
    }
}
