package org.kclone.device.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;

/**
 * NTFS images made by mkntfs: the reader's used bytes are the clusters ntfsinfo counts as not
 * free plus the backup boot sector after the last cluster, and a zero-filled file given only
 * those extents passes ntfsfix -n (which checks the backup boot sector too). Filled through
 * ntfs-3g on a loop device (root), the clone's files read with ntfscat are the source's.
 */
class NtfsReaderTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /** What ntfsinfo says: the clusters not free, plus the backup boot sector (the image's last sector). */
    private static long usedByNtfsinfo(Path img) throws Exception {
        String info = FsImages.run("ntfsinfo", "-m", img.toString());
        long clusterBytes = FsImages.number(info, "Cluster Size: (\\d+)");
        long sectorBytes = FsImages.number(info, "Sector Size: (\\d+)");
        long clusters = FsImages.number(info, "Volume Size in Clusters: (\\d+)");
        long free = FsImages.number(info, "Free Clusters: (\\d+)");
        return (clusters - free) * clusterBytes + sectorBytes;
    }

    @ParameterizedTest(name = "clusters of {0} bytes")
    @ValueSource(ints = {512, 4096, 65536})
    void aNewVolumeUsesItsMetadataFilesAndBothBootSectors(int clusterBytes) throws Exception {
        FsImages.tools("mkntfs", "ntfsinfo", "ntfsfix");
        Path img = FsImages.sparse(dir.resolve("n.img"), 80 * MIB);
        FsImages.run("mkntfs", "-F", "-Q", "-c", Integer.toString(clusterBytes), img.toString());
        FsUsage u = new NtfsReader().read(FsImages.source(img));
        assertEquals("ntfs", u.type());
        assertEquals(80 * MIB, u.size());
        assertEquals(usedByNtfsinfo(img), u.usedBytes());
        assertTrue(FsImages.covered(u, 80 * MIB - 512), "the backup boot sector is copied");
        assertTrue(u.usedBytes() < 16 * MIB, "a new volume uses little: " + u.usedBytes());
        Path clone = FsImages.cloneUsed(img, u, dir.resolve("clone.img"));
        FsImages.Result check = FsImages.exec("ntfsfix", "-n", clone.toString());
        assertEquals(0, check.exit(), check.output());
        assertTrue(check.output().contains("Checking the alternate boot sector... OK"), check.output());
        assertEquals("ntfs", FsReaders.probe(FsImages.source(img)).orElseThrow().type());
    }

    @Test
    void aTornBitmapRecordIsRefusedAndARegionWithoutTheBackupBootSectorIsReadWithoutIt() throws Exception {
        FsImages.tools("mkntfs");
        Path img = FsImages.sparse(dir.resolve("n.img"), 40 * MIB);
        FsImages.run("mkntfs", "-F", "-Q", "-c", "4096", img.toString());
        ByteSource whole = FsImages.source(img);
        long fsBytes = whole.read(0, 512).getLong(40) * 512;
        ByteSource cut = new ByteSource() {
            @Override
            public long length() {
                return fsBytes;
            }

            @Override
            public void read(java.nio.ByteBuffer dst, long offset) throws java.io.IOException {
                whole.read(dst, offset);
            }
        };
        FsUsage u = new NtfsReader().read(cut);
        assertEquals(fsBytes, u.size());
        assertEquals(new NtfsReader().read(whole).usedBytes() - 512, u.usedBytes());

        long mft = whole.read(0, 512).getLong(48) * 4096;
        long sectorEnd = mft + 6 * 1024 + 510; // record 6's first update sequence slot
        try (var ch = java.nio.channels.FileChannel.open(img, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0x5a, 0x5a}), sectorEnd);
        }
        FsFormatException e = assertThrows(FsFormatException.class, () -> new NtfsReader().read(whole));
        assertTrue(e.getMessage().contains("MFT record 6 ($Bitmap) is torn"), e.getMessage());
    }

    @Test
    void aFilledVolumeClonedByItsExtentsIsCleanAndHoldsTheSameFiles() throws Exception {
        FsImages.tools("mkntfs", "ntfsinfo", "ntfsfix", "ntfscat", "ntfs-3g", "umount");
        FsImages.assumeRoot("to mount NTFS through ntfs-3g on a loop device");
        LoopDevices.assumeAvailable();
        Tools.assumeFuse();
        Path img = FsImages.sparse(dir.resolve("n.img"), 128 * MIB);
        FsImages.run("mkntfs", "-F", "-Q", img.toString());
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (LoopDevices loops = new LoopDevices()) {
            Path dev = loops.attachExisting(img);
            FsImages.run("ntfs-3g", dev.toString(), mnt.toString());
            try {
                Files.createDirectories(mnt.resolve("a/b"));
                // 0 and 100 bytes stay resident in their MFT records; the rest get clusters
                int[] sizes = {0, 100, 4096, 4097, 300_000, 1_000_000, 77_777, 2_500_000, 12_345};
                for (int k = 0; k < sizes.length; k++) {
                    String name = (k % 3 == 0 ? "" : k % 3 == 1 ? "a/" : "a/b/") + "f" + k;
                    Path f = FsImages.randomFile(dir.resolve("f" + k), sizes[k], k);
                    Files.copy(f, mnt.resolve(name));
                    names.add(name);
                    files.add(f);
                }
                for (int k = 0; k < 300; k++) { // enough records that the MFT grows past its first clusters
                    Files.write(mnt.resolve("a/many" + k), new byte[k * 7]);
                }
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
        }
        FsUsage u = new NtfsReader().read(FsImages.source(img));
        assertEquals(usedByNtfsinfo(img), u.usedBytes());
        assertTrue(u.usedBytes() < 32 * MIB, "most of the volume is free: " + u.usedBytes());
        Path clone = FsImages.cloneUsed(img, u, dir.resolve("clone.img"));
        FsImages.Result check = FsImages.exec("ntfsfix", "-n", clone.toString());
        assertEquals(0, check.exit(), check.output());
        for (int k = 0; k < names.size(); k++) {
            Path out = dir.resolve("out" + k);
            FsImages.Result cat = FsImages.exec("sh", "-c", "ntfscat \"$0\" \"$1\" > \"$2\"", clone.toString(),
                    "/" + names.get(k), out.toString());
            assertEquals(0, cat.exit(), cat.output());
            FsImages.assertSameBytes(files.get(k), out);
        }
    }
}
