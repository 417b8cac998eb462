package org.kclone.device.fs.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.kclone.device.fs.FsUsage;
import org.kclone.testing.Tools;

/**
 * ext images of every layout the reader must get right, made by mke2fs on sparse files and
 * populated from a folder (no root, no mount): the reader's used bytes are exactly what
 * dumpe2fs counts ((blocks - free) x block size), and a copy of only those bytes over junk
 * passes {@code e2fsck -fn} and gives back every file. Each layout has several block groups and,
 * where the features allow, groups whose bitmap was never initialised (BLOCK_UNINIT).
 */
class ExtReaderTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @BeforeEach
    void tools() {
        Tools.assumeInstalled("mke2fs", "dumpe2fs", "e2fsck", "debugfs");
    }

    static Stream<Arguments> layouts() {
        return Stream.of(
                // 4 KiB blocks, flex_bg in groups of 4 over 8 groups, 64bit, metadata_csum
                Arguments.of("ext4", 128 * MIB, "-t ext4 -b 4096 -g 4096 -G 4 -E lazy_itable_init=1"),
                // mke2fs's own defaults for a 512 MiB disk (4 groups in one flex group)
                Arguments.of("ext4", 512 * MIB, "-t ext4"),
                Arguments.of("ext4", 128 * MIB, "-t ext4 -b 4096 -g 4096 -O ^flex_bg -E lazy_itable_init=1"),
                // 1 KiB blocks: block 0 below the first data block
                Arguments.of("ext4", 128 * MIB, "-t ext4 -b 1024 -G 4 -E lazy_itable_init=1"),
                Arguments.of("ext4", 96 * MIB, "-t ext4 -b 2048 -g 4096 -E lazy_itable_init=1"),
                // 32-byte group descriptors
                Arguments.of("ext4", 128 * MIB, "-t ext4 -b 4096 -g 2048 -O ^64bit -E lazy_itable_init=1"),
                // meta_bg over 8 meta groups (16 descriptors of 64 bytes per 1 KiB block)
                Arguments.of("ext4", 128 * MIB, "-t ext4 -b 1024 -g 1024 -O meta_bg,^resize_inode -E lazy_itable_init=1"),
                Arguments.of("ext4", 128 * MIB, "-t ext4 -b 4096 -g 2048 -O sparse_super2 -E lazy_itable_init=1"),
                // gdt_csum instead of metadata_csum: the group flags still count
                Arguments.of("ext4", 128 * MIB, "-t ext4 -b 4096 -g 4096 -O ^metadata_csum,uninit_bg -E lazy_itable_init=1"),
                // a bit per 16 KiB cluster
                Arguments.of("ext4", 128 * MIB, "-t ext4 -b 4096 -O bigalloc -C 16384 -g 2048 -E lazy_itable_init=1"),
                // no group flags: every bitmap read
                Arguments.of("ext3", 128 * MIB, "-t ext3 -b 4096 -g 4096"),
                Arguments.of("ext2", 64 * MIB, "-t ext2 -b 1024"));
    }

    @ParameterizedTest(name = "{0}: mke2fs {2}")
    @MethodSource("layouts")
    void usedBytesMatchDumpe2fsAndACopyOfThemIsTheFileSystem(String type, long size, String mkfs) throws Exception {
        String[] args = mkfs.split(" ");
        Path tree = ExtImages.tree(dir.resolve("tree"), 20 * MIB, size ^ args.length);
        Path image = ExtImages.mkfs(dir.resolve("fs.img"), size, tree, args);
        // free some blocks again: their old data stays behind in the source
        ExtImages.run("debugfs", "-w", "-R", "rm /d1/e1/f16.bin", image.toString());
        Files.delete(tree.resolve("d1/e1/f16.bin"));

        String groups = ExtImages.run("dumpe2fs", image.toString());
        assertTrue(groups.split("\nGroup ").length > 4, "several block groups:\n" + groups);
        if (mkfs.contains("lazy_itable_init")) {
            assertTrue(groups.contains("BLOCK_UNINIT"), "groups whose bitmap was never initialised:\n" + groups);
        }

        assertCopyOfUsedIsTheFileSystem(type, image, tree);
    }

    /**
     * The same layouts against partclone.ext4 (which reads them through libext2fs): the extents
     * of its {@code -D} domain file, exactly. Not bigalloc, which partclone 0.3.23 cannot read.
     */
    @ParameterizedTest(name = "{0}: mke2fs {2}")
    @MethodSource("layouts")
    void extentsEqualPartclones(String type, long size, String mkfs) throws Exception {
        Tools.assumeInstalled("partclone.ext4");
        org.junit.jupiter.api.Assumptions.assumeFalse(mkfs.contains("bigalloc"), "partclone.ext4 does not read bigalloc");
        Path tree = ExtImages.tree(dir.resolve("tree"), 4 * MIB, size + mkfs.length());
        Path image = ExtImages.mkfs(dir.resolve("fs.img"), size, tree, mkfs.split(" "));
        Path domain = dir.resolve("domain");
        ExtImages.run("partclone.ext4", "-D", "-s", image.toString(), "-o", domain.toString(),
                "-L", dir.resolve("partclone.log").toString());
        java.util.List<org.kclone.device.fs.Extent> partclone = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(domain)) {
            String[] f = line.trim().split("\\s+");
            if (!line.startsWith("#") && f.length == 3 && f[2].equals("+")) {
                partclone.add(new org.kclone.device.fs.Extent(Long.decode(f[0]), Long.decode(f[1])));
            }
        }
        assertEquals(partclone, ExtImages.read(new ExtReader(), image).used());
    }

    /**
     * Grown offline by resize2fs, as technicians' disks often were: the reserved descriptor
     * blocks taken into use, or without them the blocks after the table moved, or new meta_bg
     * groups; the new groups start with uninitialised bitmaps.
     */
    @ParameterizedTest(name = "grown from {0} MiB to {1} MiB")
    @MethodSource("growths")
    void aFileSystemGrownByResize2fs(long fromMib, long toMib, String mkfs, boolean metaBg) throws Exception {
        Tools.assumeInstalled("resize2fs");
        Path tree = ExtImages.tree(dir.resolve("tree"), 8 * MIB, fromMib);
        Path image = ExtImages.mkfs(dir.resolve("fs.img"), fromMib * MIB, tree, mkfs.split(" "));
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(toMib * MIB);
        }
        ExtImages.run("resize2fs", image.toString());
        String header = ExtImages.run("dumpe2fs", "-h", image.toString());
        assertEquals(metaBg, header.contains("meta_bg"), header);
        assertTrue(ExtImages.run("dumpe2fs", image.toString()).contains("BLOCK_UNINIT"), "new groups uninitialised");
        // data written after growing lands in the new groups too
        Path more = ExtImages.tree(dir.resolve("more"), 4 * MIB, 99);
        ExtImages.run("debugfs", "-w", "-R", "write " + more.resolve("d0/e0/f0.bin") + " late.bin", image.toString());
        Files.copy(more.resolve("d0/e0/f0.bin"), tree.resolve("late.bin"));
        assertCopyOfUsedIsTheFileSystem("ext4", image, tree);
    }

    static Stream<Arguments> growths() {
        return Stream.of(
                // within the reserved descriptor blocks (1 KiB blocks: 32 descriptors of 32 bytes per block)
                Arguments.of(32L, 512L, "-t ext4 -b 1024 -O ^64bit -E lazy_itable_init=1", false),
                // no reserved descriptor blocks: resize2fs moves what follows the table to make room
                Arguments.of(32L, 512L, "-t ext4 -b 1024 -O ^resize_inode -E lazy_itable_init=1", false),
                // meta_bg: new meta groups with their own descriptor blocks
                Arguments.of(32L, 512L, "-t ext4 -b 1024 -O meta_bg,^resize_inode -E lazy_itable_init=1", true));
    }

    private void assertCopyOfUsedIsTheFileSystem(String type, Path image, Path tree) throws Exception {
        long size = Files.size(image);
        FsUsage u = ExtImages.read(new ExtReader(), image);
        assertEquals(type, u.type());
        assertEquals(size, u.size());
        assertEquals(ExtImages.usedByDumpe2fs(image), u.usedBytes(), "used bytes against dumpe2fs -h");
        assertTrue(u.usedBytes() < size / 2, "used " + u.usedBytes() + " of " + size);

        Path clone = ExtImages.copyUsedOverJunk(image, u, dir.resolve("clone.img"), size);
        ExtImages.run("e2fsck", "-fn", clone.toString());
        Path dumped = Files.createDirectory(dir.resolve("dumped"));
        ExtImages.run("debugfs", "-R", "rdump / " + dumped, clone.toString());
        assertTrue(ExtImages.assertSameFiles(tree, dumped) > 10);
    }
}
