package org.kclone.device.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

    @ParameterizedTest(name = "clusters of {0} bytes, sectors of {1}")
    @CsvSource({"512, 512", "4096, 512", "65536, 512", "4096, 4096"})
    void aNewVolumeUsesItsMetadataFilesAndBothBootSectors(int clusterBytes, int sectorBytes) throws Exception {
        FsImages.tools("mkntfs", "ntfsinfo", "ntfsfix");
        Path img = FsImages.sparse(dir.resolve("n.img"), 80 * MIB);
        FsImages.run("mkntfs", "-F", "-Q", "-c", Integer.toString(clusterBytes), "-s", Integer.toString(sectorBytes),
                img.toString());
        FsUsage u = new NtfsReader().read(FsImages.source(img));
        assertEquals("ntfs", u.type());
        assertEquals(80 * MIB, u.size());
        assertEquals(usedByNtfsinfo(img), u.usedBytes());
        assertTrue(FsImages.covered(u, 80 * MIB - sectorBytes), "the backup boot sector is copied");
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
    void aVolumeMarkedDirtyIsRefusedSoItIsCopiedWhole() throws Exception {
        FsImages.tools("mkntfs", "ntfsfix", "ntfsinfo");
        Path img = FsImages.sparse(dir.resolve("n.img"), 40 * MIB);
        FsImages.run("mkntfs", "-F", "-Q", "-c", "4096", img.toString());
        ByteSource whole = FsImages.source(img);
        new NtfsReader().read(whole); // clean: read
        // $Volume is record 3 (1024-byte records after 4096-byte clusters); its $VOLUME_INFORMATION's flags
        long record = whole.read(0, 512).getLong(48) * 4096 + 3 * 1024;
        java.nio.ByteBuffer rec = whole.read(record, 1024);
        int at = rec.getShort(20) & 0xffff;
        while (rec.getInt(at) != 0x70) {
            assertTrue(rec.getInt(at) != -1, "no $VOLUME_INFORMATION in record 3");
            at += rec.getInt(at + 4);
        }
        int flagsAt = at + (rec.getShort(at + 20) & 0xffff) + 10;
        assertTrue(flagsAt % 512 < 510, "the flags are not in an update sequence slot");
        try (var ch = java.nio.channels.FileChannel.open(img, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) (rec.get(flagsAt) | 1)}), record + flagsAt);
        }
        FsFormatException e = assertThrows(FsFormatException.class, () -> new NtfsReader().read(whole));
        assertTrue(e.getMessage().contains("marked dirty"), e.getMessage());
        assertThrows(FsFormatException.class, () -> FsReaders.probe(whole), "the caller copies it whole");
        // ntfsfix -d clears the mark: read again
        FsImages.run("ntfsfix", "-d", img.toString());
        assertEquals(usedByNtfsinfo(img), new NtfsReader().read(FsImages.source(img)).usedBytes());
    }

    /** A $LogFile restart page ("RSTR", 4096 bytes, fixups applied) whose restart area has this LSN and state. */
    private static java.nio.ByteBuffer restartPage(long lsn, boolean clean) {
        java.nio.ByteBuffer p = java.nio.ByteBuffer.allocate(4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        p.putInt(0, 0x52545352).putShort(4, (short) 0x1e).putShort(6, (short) 9).putInt(16, 4096).putInt(20, 4096)
                .putShort(24, (short) 0x30).putShort(26, (short) 1).putShort(28, (short) 1);
        p.putShort(0x1e, (short) 7); // the update sequence number, at the end of each 512 bytes
        for (int i = 1; i <= 8; i++) {
            p.putShort(i * 512 - 2, (short) 7);
        }
        p.putLong(0x30, lsn).putShort(0x38, (short) 1).putShort(0x3a, (short) -1).putShort(0x3c, (short) 0)
                .putShort(0x3e, (short) (clean ? 2 : 0));
        return p;
    }

    /** Windows' Fast Startup leaves the log with changes to replay and no dirty mark: the newer restart area decides. */
    @Test
    void aVolumeWhoseLogHasChangesToReplayIsRefused() throws Exception {
        FsImages.tools("mkntfs");
        Path img = FsImages.sparse(dir.resolve("n.img"), 40 * MIB);
        FsImages.run("mkntfs", "-F", "-Q", "-c", "4096", img.toString());
        ByteSource whole = FsImages.source(img);
        long usedClean = new NtfsReader().read(whole).usedBytes(); // mkntfs's log is 0xFF bytes: clean
        java.nio.ByteBuffer rec = whole.read(whole.read(0, 512).getLong(48) * 4096 + 2 * 1024, 1024);
        NtfsRecords.fixup(rec, "record 2");
        long log = NtfsRecords.unnamedData(NtfsRecords.attributes(rec, "record 2"), "record 2").runs().get(0).lcn()
                * 4096;
        try (var ch = java.nio.channels.FileChannel.open(img, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(restartPage(100, false), log);
            FsFormatException e = assertThrows(FsFormatException.class, () -> new NtfsReader().read(whole));
            assertTrue(e.getMessage().contains("$LogFile has changes not yet applied"), e.getMessage());
            ch.write(restartPage(200, true), log + 4096); // a newer, clean restart area
            assertEquals(usedClean, new NtfsReader().read(whole).usedBytes());
            ch.write(restartPage(50, true), log + 4096); // the clean one is the older: the unclean one decides
            assertThrows(FsFormatException.class, () -> new NtfsReader().read(whole));
            ch.write(restartPage(100, true), log);
            assertEquals(usedClean, new NtfsReader().read(whole).usedBytes());
        }
    }

    @Test
    void aFilledVolumeClonedByItsExtentsIsCleanAndHoldsTheSameFiles() throws Exception {
        FsImages.tools("ntfsinfo", "ntfsfix", "ntfscat");
        Path img = filled();
        FsUsage u = new NtfsReader().read(FsImages.source(img));
        assertEquals(usedByNtfsinfo(img), u.usedBytes());
        assertTrue(u.usedBytes() < 32 * MIB, "most of the volume is free: " + u.usedBytes());
        Path clone = FsImages.cloneUsed(img, u, dir.resolve("clone.img"));
        FsImages.Result check = FsImages.exec("ntfsfix", "-n", clone.toString());
        assertEquals(0, check.exit(), check.output());
        for (int k = 0; k < files.names().size(); k++) {
            Path out = dir.resolve("out" + k);
            FsImages.Result cat = FsImages.exec("sh", "-c", "ntfscat \"$0\" \"$1\" > \"$2\"", clone.toString(),
                    "/" + files.names().get(k), out.toString());
            assertEquals(0, cat.exit(), cat.output());
            FsImages.assertSameBytes(files.files().get(k), out);
        }
    }

    @Test
    void theUsedExtentsAreThoseOfPartclonePlusTheBackupBootSector() throws Exception {
        FsImages.tools("partclone.ntfs");
        Path img = filled();
        List<Extent> expected = new ArrayList<>(FsImages.partcloneUsed("partclone.ntfs", img, dir));
        expected.add(new Extent(128 * MIB - 512, 512));
        assertEquals(expected, new NtfsReader().read(FsImages.source(img)).used());
    }

    private FsImages.Filled files;

    /** A 128 MiB NTFS image filled through ntfs-3g on a loop device (root). */
    private Path filled() throws Exception {
        FsImages.tools("mkntfs", "ntfs-3g", "umount");
        FsImages.assumeRoot("to mount NTFS through ntfs-3g on a loop device");
        LoopDevices.assumeAvailable();
        Tools.assumeFuse();
        Path img = FsImages.sparse(dir.resolve("n.img"), 128 * MIB);
        FsImages.run("mkntfs", "-F", "-Q", img.toString());
        files = FsImages.fillMounted(img, dir, "ntfs-3g");
        return img;
    }
}
