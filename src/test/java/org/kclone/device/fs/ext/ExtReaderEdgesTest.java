package org.kclone.device.fs.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.fs.ByteSource;
import org.kclone.device.fs.FsFormatException;
import org.kclone.device.fs.FsReaders;
import org.kclone.device.fs.FsUsage;
import org.kclone.testing.Tools;

/**
 * What the reader refuses (naming the feature or field, so the caller copies the file system
 * whole and says why) and the flex_bg case mke2fs never makes itself: a group whose bitmap is
 * uninitialised while it holds other groups' bitmaps and inode tables. Images made by mke2fs,
 * then patched in memory.
 */
class ExtReaderEdgesTest {

    private static final int SB = 1024;

    @TempDir
    Path dir;

    @BeforeEach
    void tools() {
        Tools.assumeInstalled("mke2fs");
    }

    /** An in-memory region. */
    static ByteSource bytes(byte[] b, long length) {
        return new ByteSource() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public void read(ByteBuffer dst, long offset) throws IOException {
                if (offset < 0 || offset + dst.remaining() > length) {
                    throw new EOFException("past the end: " + offset);
                }
                dst.put(b, (int) offset, dst.remaining());
            }
        };
    }

    private byte[] image(long size, String... args) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("empty"));
        Path img = ExtImages.mkfs(dir.resolve("e" + System.nanoTime() + ".img"), size, tree, args);
        return Files.readAllBytes(img);
    }

    private static FsFormatException refused(byte[] img, Consumer<ByteBuffer> patch) {
        byte[] copy = img.clone();
        ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        patch.accept(b);
        if ((b.getInt(SB + 0x64) & ExtFeatures.RO_COMPAT_METADATA_CSUM) != 0) {
            // the patched field is what is refused, not the superblock's checksum
            b.putInt(SB + 0x3FC, ExtSuperblock.checksum(b.slice(SB, 1024).order(ByteOrder.LITTLE_ENDIAN)));
        }
        return assertThrows(FsFormatException.class, () -> new ExtReader().read(bytes(copy, copy.length)));
    }

    @Test
    void refusesFeaturesItCannotVouchForByName() throws Exception {
        byte[] img = image(8 << 20, "-t", "ext4", "-b", "1024");
        new ExtReader().read(bytes(img, img.length)); // as made: fine
        int incompat = SB + 0x60;
        int ro = SB + 0x64;
        assertTrue(refused(img, b -> b.putInt(incompat, b.getInt(incompat) | 0x1)).getMessage().contains("compression"));
        assertTrue(refused(img, b -> b.putInt(incompat, b.getInt(incompat) | 0x40000000)).getMessage()
                .contains("incompat 0x40000000"));
        assertTrue(refused(img, b -> b.putInt(ro, b.getInt(ro) | 0x80)).getMessage().contains("snapshot"));
        String both = refused(img, b -> {
            b.putInt(ro, b.getInt(ro) | 0x800);
            b.putInt(incompat, b.getInt(incompat) | 0x1);
        }).getMessage();
        assertTrue(both.contains("features compression, replica"), both);
        assertTrue(refused(img, b -> b.putInt(incompat, b.getInt(incompat) | 0x4)).getMessage().contains("needs_recovery"));
        assertTrue(refused(img, b -> b.putInt(incompat, b.getInt(incompat) | 0x8)).getMessage().contains("journal_dev"));
    }

    @Test
    void withMetadataCsumASuperblockNotMatchingItsChecksumIsRefused() throws Exception {
        byte[] img = image(8 << 20, "-t", "ext4", "-b", "1024");
        img[SB + 0x78] ^= 1; // a byte of the volume name
        String m = assertThrows(FsFormatException.class, () -> new ExtReader().read(bytes(img, img.length))).getMessage();
        assertTrue(m.contains("superblock's checksum"), m);
    }

    @Test
    void refusesAFileSystemNotCleanlyUnmountedOrWithErrors() throws Exception {
        byte[] img = image(8 << 20, "-t", "ext2");
        assertTrue(refused(img, b -> b.putShort(SB + 0x3A, (short) 0)).getMessage().contains("not clean"));
        assertTrue(refused(img, b -> b.putShort(SB + 0x3A, (short) 3)).getMessage().contains("marked with errors"));
    }

    @Test
    void refusesInsaneFieldsNamingThem() throws Exception {
        byte[] img = image(8 << 20, "-t", "ext4", "-b", "1024");
        assertTrue(refused(img, b -> b.putInt(SB + 0x20, 0)).getMessage().contains("per group"));
        assertTrue(refused(img, b -> b.putInt(SB + 0x18, 9)).getMessage().contains("block size"));
        assertTrue(refused(img, b -> b.putInt(SB, b.getInt(SB) + 1)).getMessage().contains("inode count"));
        assertTrue(refused(img, b -> b.putShort(SB + 0xFE, (short) 48)).getMessage().contains("descriptor size"));
        // group 0's descriptor (1 KiB blocks: the table is block 2): its block bitmap far past the end
        String m = refused(img, b -> b.putInt(2048, 1 << 30)).getMessage();
        assertTrue(m.contains("group 0's block bitmap at block 1073741824"), m);
    }

    @Test
    void aRegionShorterThanTheFileSystemIsRefusedAndATinyOneIsNotExt() throws Exception {
        byte[] img = image(8 << 20, "-t", "ext4");
        String m = assertThrows(FsFormatException.class, () -> new ExtReader().read(bytes(img, img.length - 4096))).getMessage();
        assertTrue(m.contains("larger than its region"), m);
        assertFalse(new ExtReader().recognises(bytes(img, 2047)));
        assertFalse(new ExtReader().recognises(bytes(new byte[1 << 16], 1 << 16)));
        assertThrows(FsFormatException.class, () -> new ExtReader().read(bytes(img, 100)));
    }

    @Test
    void probeNamesTheTypeAndLetsARefusalThrough() throws Exception {
        byte[] img = image(8 << 20, "-t", "ext3");
        FsUsage u = FsReaders.probe(bytes(img, img.length)).orElseThrow();
        assertEquals("ext3", u.type());
        img[SB + 0x60] |= 0x1;
        assertThrows(FsFormatException.class, () -> FsReaders.probe(bytes(img, img.length)));
        assertTrue(FsReaders.probe(bytes(new byte[1 << 16], 1 << 16)).isEmpty());
    }

    /**
     * Groups 6 and 7 keep their bitmaps and inode tables in group 6 (flex_bg of 2; no journal,
     * which mke2fs puts in the middle groups). Marked BLOCK_UNINIT, group 6's bitmap is not read: the reader must
     * still count that metadata.
     */
    @Test
    void anUninitialisedGroupHoldingOtherGroupsMetadataKeepsIt() throws Exception {
        byte[] img = image(128 << 20, "-t", "ext4", "-b", "4096", "-g", "4096", "-G", "2", "-O", "^has_journal",
                "-E", "lazy_itable_init=1");
        ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        int descSize = Short.toUnsignedInt(b.getShort(SB + 0xFE));
        int flags6 = 4096 + 6 * descSize + 0x12;
        assertEquals(0, b.getShort(flags6) & ExtGroupTable.BLOCK_UNINIT, "mke2fs initialises group 6's bitmap");
        // group 7's metadata is in group 6
        long group7Bitmap = Integer.toUnsignedLong(b.getInt(4096 + 7 * descSize));
        assertEquals(6, group7Bitmap / 4096);
        FsUsage before = new ExtReader().read(bytes(img, img.length));

        b.putShort(flags6, (short) (b.getShort(flags6) | ExtGroupTable.BLOCK_UNINIT));
        FsUsage after = new ExtReader().read(bytes(img, img.length));
        assertEquals(before.used(), after.used());

        // and its bitmap is really not read: zeroing it changes nothing
        long bitmap6 = Integer.toUnsignedLong(b.getInt(4096 + 6 * descSize)) * 4096;
        java.util.Arrays.fill(img, (int) bitmap6, (int) bitmap6 + 4096, (byte) 0);
        assertEquals(before.used(), new ExtReader().read(bytes(img, img.length)).used());
    }
}
