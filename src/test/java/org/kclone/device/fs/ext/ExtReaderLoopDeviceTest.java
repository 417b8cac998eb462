package org.kclone.device.fs.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kclone.device.fs.ByteSource;
import org.kclone.device.fs.FsReaders;
import org.kclone.device.fs.FsUsage;
import org.kclone.engine.FileBlockDevice;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;

/**
 * The reader on a real block device: an ext4 file system 1 MiB into a disk attached read-only
 * as a 4Kn loop device with direct I/O, read through the region's {@link ByteSource} (offsets
 * relative to the region; 1 KiB superblock and block reads on a 4 KiB-sector device), finds
 * exactly what it finds in the image file alone.
 */
class ExtReaderLoopDeviceTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "block size {0}")
    @ValueSource(ints = {1024, 4096})
    void aFileSystemInsideADiskReadsTheSameThroughTheDevice(int blockSize) throws Exception {
        LoopDevices.assumeAvailable();
        Tools.assumeInstalled("mke2fs");
        Path tree = ExtImages.tree(dir.resolve("tree"), 8 * MIB, blockSize);
        Path fs = ExtImages.mkfs(dir.resolve("fs.img"), 64 * MIB, tree,
                "-t", "ext4", "-b", Integer.toString(blockSize), "-E", "lazy_itable_init=1");
        FsUsage alone = ExtImages.read(new ExtReader(), fs);

        Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(66 * MIB);
        }
        try (FileChannel in = FileChannel.open(fs); FileChannel out = FileChannel.open(disk, StandardOpenOption.WRITE)) {
            long at = 0;
            while (at < in.size()) {
                at += in.transferTo(at, in.size() - at, out.position(MIB + at));
            }
        }
        try (LoopDevices loops = new LoopDevices()) {
            Path loop = loops.attachExisting(disk, "-r", "--sector-size", "4096");
            try (FileBlockDevice d = FileBlockDevice.open(loop, false, 4096)) {
                FsUsage onDevice = FsReaders.probe(ByteSource.of(d, MIB, 64 * MIB)).orElseThrow();
                assertEquals(alone, onDevice);
                assertEquals("ext4", onDevice.type());
            }
        }
    }
}
