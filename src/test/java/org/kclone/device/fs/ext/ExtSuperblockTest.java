package org.kclone.device.fs.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layout rules on made-up superblocks (no tools). */
class ExtSuperblockTest {

    /** A superblock of {@code groups} groups of 8192 4 KiB blocks with the given features. */
    static ByteBuffer superblock(long groups, int compat, int incompat, int roCompat) {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x00, (int) (groups * 128)); // inodes
        b.putInt(0x04, (int) (groups * 8192)); // blocks
        b.putInt(0x14, 0); // first data block
        b.putInt(0x18, 2); // 4 KiB
        b.putInt(0x1C, 2);
        b.putInt(0x20, 8192);
        b.putInt(0x24, 8192);
        b.putInt(0x28, 128);
        b.putShort(0x38, (short) 0xEF53);
        b.putShort(0x3A, (short) 1);
        b.putInt(0x4C, 1);
        b.putShort(0x58, (short) 256);
        b.putInt(0x5C, compat);
        b.putInt(0x60, incompat);
        b.putInt(0x64, roCompat);
        b.putShort(0xCE, (short) 7); // reserved GDT blocks
        b.putShort(0xFE, (short) 64);
        return b;
    }

    private static List<Long> withSuper(ExtSuperblock sb) {
        List<Long> out = new ArrayList<>();
        for (long g = 0; g < sb.groupCount; g++) {
            if (sb.hasSuper(g)) {
                out.add(g);
            }
        }
        return out;
    }

    @Test
    void sparseSuperKeepsCopiesInGroups0And1AndPowersOf3And5And7() throws Exception {
        ExtSuperblock sb = new ExtSuperblock(superblock(400, 0, 0x80, ExtFeatures.RO_COMPAT_SPARSE_SUPER));
        assertEquals(List.of(0L, 1L, 3L, 5L, 7L, 9L, 25L, 27L, 49L, 81L, 125L, 243L, 343L), withSuper(sb));
        // 400 groups of 64-byte descriptors: 7 descriptor blocks, plus 7 reserved, plus the superblock
        assertEquals(7, sb.descriptorBlocks());
        assertEquals(1 + 7 + 7, sb.baseMetaBlocks(0));
        assertEquals(1 + 7 + 7, sb.baseMetaBlocks(243));
        assertEquals(0, sb.baseMetaBlocks(2));
        assertEquals(1, sb.descriptorLocation(0));
        assertEquals(7, sb.descriptorLocation(6));
    }

    @Test
    void withoutSparseSuperEveryGroupHasACopy() throws Exception {
        ExtSuperblock sb = new ExtSuperblock(superblock(10, 0, 0x80, 0));
        assertEquals(10, withSuper(sb).size());
        assertEquals("ext4", sb.type()); // 64bit
    }

    @Test
    void sparseSuper2KeepsTheTwoNamedBackups() throws Exception {
        ByteBuffer b = superblock(50, ExtFeatures.COMPAT_SPARSE_SUPER2, 0x80, ExtFeatures.RO_COMPAT_SPARSE_SUPER);
        b.putInt(0x24C, 1);
        b.putInt(0x250, 49);
        assertEquals(List.of(0L, 1L, 49L), withSuper(new ExtSuperblock(b)));
        b.putInt(0x24C, 0);
        b.putInt(0x250, 0);
        assertEquals(List.of(0L), withSuper(new ExtSuperblock(b)));
    }

    @Test
    void metaBgPutsADescriptorBlockInTheFirstSecondAndLastGroupOfEachMetaGroup() throws Exception {
        // 64 descriptors per 4 KiB block; 200 groups = 4 meta groups; the first one before s_first_meta_bg
        ByteBuffer b = superblock(200, 0, 0x80 | ExtFeatures.INCOMPAT_META_BG, ExtFeatures.RO_COMPAT_SPARSE_SUPER);
        b.putInt(0x104, 1);
        b.putShort(0xCE, (short) 0);
        ExtSuperblock sb = new ExtSuperblock(b);
        assertEquals(4, sb.descriptorBlocks());
        assertEquals(1, sb.descriptorLocation(0)); // the old-style table after the superblock
        assertEquals(64L * 8192, sb.descriptorLocation(1)); // group 64: no superblock copy
        assertEquals(128L * 8192, sb.descriptorLocation(2));
        assertEquals(1 + 1, sb.baseMetaBlocks(0)); // superblock + first_meta_bg old-style blocks
        assertEquals(1 + 1, sb.baseMetaBlocks(1));
        assertEquals(0, sb.baseMetaBlocks(2));
        assertEquals(1, sb.baseMetaBlocks(64));
        assertEquals(1, sb.baseMetaBlocks(65));
        assertEquals(0, sb.baseMetaBlocks(66));
        assertEquals(1, sb.baseMetaBlocks(127));
        assertEquals(1, sb.baseMetaBlocks(81)); // 3^4: its superblock copy; not first, second or last: no descriptor block
    }

    @Test
    void descriptorTablesLargerThanAGroupAreRefused() {
        ByteBuffer b = superblock(10, 0, 0x80, ExtFeatures.RO_COMPAT_SPARSE_SUPER);
        b.putShort(0xCE, (short) 9000);
        String m = org.junit.jupiter.api.Assertions.assertThrows(org.kclone.device.fs.FsFormatException.class,
                () -> new ExtSuperblock(b)).getMessage();
        assertTrue(m.contains("do not fit in a group of 8192 blocks"), m);
    }

    @Test
    void typesAsBlkidNamesThem() {
        assertEquals("ext2", ExtFeatures.type(0, ExtFeatures.INCOMPAT_FILETYPE, ExtFeatures.RO_COMPAT_SPARSE_SUPER));
        assertEquals("ext3", ExtFeatures.type(ExtFeatures.COMPAT_HAS_JOURNAL, ExtFeatures.INCOMPAT_FILETYPE, 0));
        assertEquals("ext4", ExtFeatures.type(ExtFeatures.COMPAT_HAS_JOURNAL, 0x40, 0)); // extent
        assertEquals("ext4", ExtFeatures.type(0, 0, ExtFeatures.RO_COMPAT_METADATA_CSUM));
    }

    @Test
    void magic() {
        assertTrue(ExtSuperblock.hasMagic(superblock(1, 0, 0, 0)));
        assertFalse(ExtSuperblock.hasMagic(ByteBuffer.allocate(1024)));
        assertFalse(ExtSuperblock.hasMagic(ByteBuffer.allocate(100)));
    }
}
