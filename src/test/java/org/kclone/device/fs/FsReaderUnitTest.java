package org.kclone.device.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The readers on structures built by hand: FAT12's packed entries, data runs, fixups, bitmaps, refusals. */
class FsReaderUnitTest {

    /** A FAT12 volume of 64 sectors: 1 reserved, 2 FATs of 1 sector, a 1-sector root directory, 60 clusters of 1 sector. */
    private static MemorySource fat12() {
        MemorySource m = new MemorySource(64 * 512);
        ByteBuffer b = m.buffer();
        b.put(0, (byte) 0xEB).put(1, (byte) 0x3C).put(2, (byte) 0x90);
        b.putShort(11, (short) 512).put(13, (byte) 1).putShort(14, (short) 1).put(16, (byte) 2);
        b.putShort(17, (short) 16).putShort(19, (short) 64).put(21, (byte) 0xF8).putShort(22, (short) 1);
        b.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        return m;
    }

    private static void setFat12(byte[] img, int fatAt, int n, int v) {
        int at = fatAt + n + n / 2;
        if ((n & 1) == 0) {
            img[at] = (byte) v;
            img[at + 1] = (byte) ((img[at + 1] & 0xf0) | (v >> 8 & 0x0f));
        } else {
            img[at] = (byte) ((img[at] & 0x0f) | (v << 4 & 0xf0));
            img[at + 1] = (byte) (v >> 4);
        }
    }

    @Test
    void fat12EntriesArePackedTwoInThreeBytesAndBadClustersCountAsUsed() throws Exception {
        MemorySource m = fat12();
        int fat = 512;
        setFat12(m.bytes, fat, 0, 0xFF8);
        setFat12(m.bytes, fat, 1, 0xFFF);
        setFat12(m.bytes, fat, 2, 0xFFF); // cluster 2: sector 4
        setFat12(m.bytes, fat, 4, 5); // clusters 4, 5: sectors 6, 7
        setFat12(m.bytes, fat, 5, 0xFFF);
        setFat12(m.bytes, fat, 7, 0xFF7); // bad: sector 9
        setFat12(m.bytes, fat, 61, 0xFFF); // the last cluster: sector 63
        FsUsage u = new FatReader().read(m);
        assertEquals(List.of(new Extent(0, 5 * 512), new Extent(6 * 512, 2 * 512), new Extent(9 * 512, 512),
                new Extent(63 * 512, 512)), u.used());
        assertEquals(64 * 512, u.size());
    }

    @Test
    void aBootSectorIsTakenForFatOnlyWhereTheFatStartsWithItsMediaByte() throws Exception {
        MemorySource m = fat12();
        assertFalse(new FatReader().recognises(m), "FAT[0] is 0, not the media byte 0xF8");
        assertTrue(FsReaders.probe(m).isEmpty());
        setFat12(m.bytes, 512, 0, 0xFF8);
        assertTrue(new FatReader().recognises(m));
        assertEquals("vfat", FsReaders.probe(m).orElseThrow().type());
        m.buffer().putShort(19, (short) 100); // longer than the region: not taken, so copied whole
        assertFalse(new FatReader().recognises(m));
    }

    @Test
    void fat32WithMirroringOffReadsOnlyTheActiveFat() throws Exception {
        // FAT32 (FATSz16 0): 32 reserved sectors, 2 FATs of 1 sector, 100 clusters of 1 sector from sector 34
        MemorySource m = new MemorySource(134 * 512);
        ByteBuffer b = m.buffer();
        b.put(0, (byte) 0xEB).putShort(11, (short) 512).put(13, (byte) 1).putShort(14, (short) 32).put(16, (byte) 2);
        b.putInt(32, 134).put(21, (byte) 0xF8).putInt(36, 1).putShort(40, (short) 0x81).putInt(44, 2);
        int fat0 = 32 * 512;
        int fat1 = 33 * 512;
        b.putInt(fat0, 0x0FFFFFF8).putInt(fat1, 0x0FFFFFF8);
        b.putInt(fat0 + 5 * 4, 0x0FFFFFFF); // only in the stale FAT 0
        b.putInt(fat1 + 3 * 4, 0xFFFFFFFF); // the upper 4 bits are reserved: still end of chain
        b.putInt(fat1 + 101 * 4, 0x10000000); // the upper 4 bits alone: free
        FsUsage u = new FatReader().read(m);
        assertEquals(List.of(new Extent(0, 34 * 512), new Extent(35 * 512, 512)), u.used());
        b.putShort(40, (short) 0);
        assertEquals(List.of(new Extent(0, 34 * 512), new Extent(37 * 512, 512)), new FatReader().read(m).used());
    }

    @Test
    void aFatVolumeLongerThanItsRegionIsRefusedNamingBoth() throws Exception {
        MemorySource m = fat12();
        m.buffer().putShort(19, (short) 100);
        FsFormatException e = assertThrows(FsFormatException.class, () -> new FatReader().read(m));
        assertTrue(e.getMessage().contains("100 sectors") && e.getMessage().contains("32768 bytes"), e.getMessage());
    }

    @Test
    void aFatTooSmallForTheClustersIsRefused() throws Exception {
        MemorySource big = new MemorySource(8192 * 512);
        System.arraycopy(fat12().bytes, 0, big.bytes, 0, 512);
        big.buffer().putShort(19, (short) 8192); // 8188 clusters: FAT16 needs 16 KiB of FAT, it has 512 bytes
        FsFormatException e = assertThrows(FsFormatException.class, () -> new FatReader().read(big));
        assertTrue(e.getMessage().contains("bytes of FAT16"), e.getMessage());
    }

    @Test
    void noReaderRecognisesZerosOrAnMbrLikeSector() throws Exception {
        MemorySource zeros = new MemorySource(1 << 20);
        assertTrue(FsReaders.probe(zeros).isEmpty());
        zeros.buffer().put(510, (byte) 0x55).put(511, (byte) 0xAA).put(0, (byte) 0xEB);
        assertTrue(FsReaders.probe(zeros).isEmpty(), "a jump and a signature alone are no FAT");
        assertFalse(new NtfsReader().recognises(new MemorySource(100)));
        assertThrows(FsFormatException.class, () -> new ExfatReader().read(zeros));
        assertThrows(FsFormatException.class, () -> new NtfsReader().read(zeros));
    }

    @Test
    void dataRunsDecodeSignedDeltasAndSparseRuns() throws Exception {
        // 0x21: 1 length byte, 2 offset bytes; 0x01: sparse; 0x11 with delta -0x10 (0xF0)
        byte[] raw = {0x21, 0x08, 0x00, 0x01, 0x01, 0x04, 0x11, 0x02, (byte) 0xF0, 0x31, 0x03, 0x00, 0x00, 0x01, 0x00};
        List<NtfsRecords.Run> runs = NtfsRecords.runs(ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN), 0, "test");
        assertEquals(List.of(new NtfsRecords.Run(0, 0x100, 8), new NtfsRecords.Run(8, -1, 4),
                new NtfsRecords.Run(12, 0xF0, 2), new NtfsRecords.Run(14, 0x100F0, 3)), runs);
        FsFormatException e = assertThrows(FsFormatException.class, () -> NtfsRecords.runs(
                ByteBuffer.wrap(new byte[] {0x11, 0x01, (byte) 0x80, 0x00}), 0, "a record"));
        assertTrue(e.getMessage().contains("cluster -128"), e.getMessage());
        assertThrows(FsFormatException.class, () -> NtfsRecords.runs(ByteBuffer.wrap(new byte[] {0x21, 0x01}), 0, "x"));
    }

    @Test
    void aSparseRunInTheBitmapIsRefusedNotReadAsFree() {
        List<NtfsRecords.Run> runs = List.of(new NtfsRecords.Run(0, 1, 1), new NtfsRecords.Run(1, -1, 1));
        FsFormatException e = assertThrows(FsFormatException.class, () -> NtfsRecords.read(new MemorySource(8192),
                runs, 512, 100, ByteBuffer.allocate(1000), "$Bitmap"));
        assertTrue(e.getMessage().contains("sparse run at byte 512"), e.getMessage());
    }

    @Test
    void attributeDataIsReadAcrossRunsAsAnMftRecordSpanningTwoFragmentsIs() throws Exception {
        MemorySource m = new MemorySource(16 * 512);
        for (int i = 0; i < m.bytes.length; i++) {
            m.bytes[i] = (byte) (i / 512);
        }
        List<NtfsRecords.Run> runs = List.of(new NtfsRecords.Run(0, 4, 1), new NtfsRecords.Run(1, 10, 2));
        ByteBuffer dst = ByteBuffer.allocate(1024);
        NtfsRecords.read(m, runs, 512, 256, dst, "$MFT");
        assertEquals(4, dst.get(0));
        assertEquals(4, dst.get(255));
        assertEquals(10, dst.get(256));
        assertEquals(11, dst.get(1023));
        FsFormatException e = assertThrows(FsFormatException.class, () -> NtfsRecords.read(m,
                List.of(new NtfsRecords.Run(0, 15, 2)), 512, 0, ByteBuffer.allocate(1024), "$Bitmap"));
        assertTrue(e.getMessage().contains("past the region"), e.getMessage());
    }

    @Test
    void aBitmapDataInAnAttributeListIsRefused() {
        NtfsRecords.Attribute list = new NtfsRecords.Attribute(NtfsRecords.ATTRIBUTE_LIST, false, false, 0, -1, 0, 0,
                List.of(), ByteBuffer.allocate(0));
        NtfsRecords.Attribute named = new NtfsRecords.Attribute(NtfsRecords.DATA, true, false, 0, -1, 0, 0,
                List.of(), ByteBuffer.allocate(0));
        FsFormatException e = assertThrows(FsFormatException.class,
                () -> NtfsRecords.unnamedData(List.of(list, named), "MFT record 6 ($Bitmap)"));
        assertTrue(e.getMessage().contains("attribute list"), e.getMessage());
        NtfsRecords.Attribute tail = new NtfsRecords.Attribute(NtfsRecords.DATA, false, true, 40, 80, 0, 0,
                List.of(), null);
        e = assertThrows(FsFormatException.class, () -> NtfsRecords.unnamedData(List.of(list, tail), "rec"));
        assertTrue(e.getMessage().contains("VCN 40"), e.getMessage());
    }

    @Test
    void fixupsRestoreTheSectorEndsAndATornRecordIsRefused() throws Exception {
        ByteBuffer rec = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        rec.putInt(0, 0x454C4946).putShort(4, (short) 48).putShort(6, (short) 3).putShort(22, (short) 1);
        rec.putShort(48, (short) 7).putShort(50, (short) 0x1111).putShort(52, (short) 0x2222);
        rec.putShort(510, (short) 7).putShort(1022, (short) 7);
        NtfsRecords.fixup(rec, "r");
        assertEquals(0x1111, rec.getShort(510));
        assertEquals(0x2222, rec.getShort(1022));
        rec.putShort(510, (short) 7).putShort(1022, (short) 8);
        FsFormatException e = assertThrows(FsFormatException.class, () -> NtfsRecords.fixup(rec, "MFT record 6"));
        assertTrue(e.getMessage().contains("torn") && e.getMessage().contains("1022"), e.getMessage());
    }

    @Test
    void bitmapRunsMergeAndStopAtTheUnitCount() {
        ExtentCollector c = new ExtentCollector();
        BitmapRuns r = new BitmapRuns(c, 1000, 10, 70);
        byte[] bits = new byte[16];
        java.util.Arrays.fill(bits, 0, 8, (byte) 0xFF); // units 0..63 set (one whole word)
        bits[8] = (byte) 0b1010_0001; // units 64, 69 set; 71 is past the count
        r.scan(ByteBuffer.wrap(bits), 0);
        assertEquals(List.of(new Extent(1000, 650), new Extent(1690, 10)), c.extents(Long.MAX_VALUE));
        c.add(0, 5); // out of order, overlapping: sorted and merged; the limit clips the last
        c.add(3, 4);
        assertEquals(List.of(new Extent(0, 7), new Extent(1000, 650), new Extent(1690, 5)), c.extents(1695));
    }
}
