package org.kclone.device.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FAT12, FAT16 and FAT32 images made by mkfs.vfat and filled with mtools (no mounting, no root):
 * the reader's used bytes are exactly the boot area, FATs and root directory plus the clusters
 * fsck.vfat counts as used, and a file of zeros given only those extents is a clean file system
 * whose files are the source's.
 */
class FatReaderTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /**
     * Not FAT12: partclone 0.3.23 reads FAT12's packed entries wrong (on an 8 MiB image it marks
     * zeros 6 MiB in as used and misses the files' last clusters); fsck.vfat's count and the
     * clone's files in the test below are right for FAT12 too.
     */
    @ParameterizedTest(name = "FAT{0}, {1} MiB, {2} sector(s) of {3} bytes per cluster")
    @CsvSource({"16, 64, 4, 512", "32, 64, 1, 512", "32, 320, 1, 4096"})
    void theUsedExtentsAreThoseOfPartclone(int bits, int mib, int sectorsPerCluster, int sectorBytes) throws Exception {
        FsImages.tools("partclone.fat");
        Path img = filled(bits, mib, sectorsPerCluster, sectorBytes);
        assertEquals(FsImages.partcloneUsed("partclone.fat", img, dir), new FatReader().read(FsImages.source(img)).used());
    }

    @ParameterizedTest(name = "FAT{0}, {1} MiB, {2} sector(s) of {3} bytes per cluster")
    @CsvSource({"12, 8, 4, 512", "16, 64, 4, 512", "32, 64, 1, 512", "32, 320, 1, 4096"})
    void usedClustersAreWhatFsckCountsAndTheirCopyIsTheFileSystem(int bits, int mib, int sectorsPerCluster,
            int sectorBytes) throws Exception {
        FsImages.tools("fsck.vfat");
        Path img = filled(bits, mib, sectorsPerCluster, sectorBytes);
        String i = img.toString();
        FsUsage u = new FatReader().read(FsImages.source(img));
        assertEquals("vfat", u.type());
        assertEquals(mib * MIB, u.size());
        String fsck = FsImages.run("fsck.vfat", "-n", "-v", i);
        long dataStart = FsImages.number(fsck, "Data area starts at byte (\\d+)");
        long clusterBytes = FsImages.number(fsck, "(\\d+) bytes per cluster");
        long usedClusters = FsImages.number(fsck, "files, (\\d+)/\\d+ clusters");
        assertTrue(fsck.contains(bits + " bit entries"), fsck);
        assertEquals(dataStart + usedClusters * clusterBytes, u.usedBytes(), fsck);
        assertTrue(u.usedBytes() < u.size() / 2, "most of the image is free: " + u.usedBytes());

        Path clone = FsImages.cloneUsed(img, u, dir.resolve("clone.img"));
        FsImages.Result check = FsImages.exec("fsck.vfat", "-n", "-v", clone.toString());
        assertEquals(0, check.exit(), check.output());
        assertTrue(check.output().contains(usedClusters + "/"), check.output());
        for (int k = 0; k < files.names().size(); k++) {
            Path out = dir.resolve("out" + k);
            FsImages.run("mcopy", "-i", clone.toString(), "::/" + files.names().get(k), out.toString());
            FsImages.assertSameBytes(files.files().get(k), out);
        }
        assertFalse(FsReaders.probe(FsImages.source(img)).isEmpty());
        assertEquals("vfat", FsReaders.probe(FsImages.source(img)).orElseThrow().type());
    }

    private FsImages.Filled files;

    /** A FAT image made by mkfs.vfat and filled with mtools: files in three directories, holes, a fragmented file. */
    private Path filled(int bits, int mib, int sectorsPerCluster, int sectorBytes) throws Exception {
        FsImages.tools("mkfs.vfat", "mcopy", "mmd", "mdel");
        Path img = FsImages.sparse(dir.resolve("fat.img"), mib * MIB);
        FsImages.run("mkfs.vfat", "-F", Integer.toString(bits), "-s", Integer.toString(sectorsPerCluster),
                "-S", Integer.toString(sectorBytes), img.toString());
        String i = img.toString();
        FsImages.run("mmd", "-i", i, "::/dir", "::/dir/deeper");
        List<String> names = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        int[] sizes = {1, 2047, 2048, 2049, 70_000, 300_001, 5000, 123_456};
        for (int k = 0; k < sizes.length; k++) {
            String name = (k % 3 == 0 ? "" : k % 3 == 1 ? "dir/" : "dir/deeper/") + "f" + k + ".bin";
            Path f = FsImages.randomFile(dir.resolve("f" + k), Math.min(sizes[k], (int) (mib * MIB / 20)), k);
            FsImages.run("mcopy", "-i", i, f.toString(), "::/" + name);
            names.add(name);
            paths.add(f);
        }
        // holes: delete two files, then write one that fills them and runs past (a fragmented chain)
        FsImages.run("mdel", "-i", i, "::/" + names.get(1), "::/" + names.get(4));
        names.remove(4);
        paths.remove(4);
        names.remove(1);
        paths.remove(1);
        Path big = FsImages.randomFile(dir.resolve("big"), (int) Math.min(400_000, mib * MIB / 8), 99);
        FsImages.run("mcopy", "-i", i, big.toString(), "::/dir/big.bin");
        names.add("dir/big.bin");
        paths.add(big);
        files = new FsImages.Filled(names, paths);
        return img;
    }
}
