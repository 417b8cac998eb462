package org.kclone.device.gpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kclone.engine.SectorRange;
import org.kclone.testing.GptImages;
import org.kclone.testing.MemoryDevice;

/**
 * The GPT fitted to a larger disk, on disks built in memory ({@link GptImages}): the numbers
 * sgdisk -e writes, 512- and 4096-byte sectors, --grow-last, protective and hybrid MBRs, and GPTs
 * that are damaged (left alone, saying why).
 */
class GptRelocatorTest {

    private static final long[] P1 = {2048, 4095};
    private static final long[] P2 = {4096, 8000};

    /** The source copied to the start of a device of {@code newBytes}, fitted there as a run does. */
    private static MemoryDevice fitted(byte[] source, long newBytes, int deviceSectorSize, boolean growLast,
            GptFixup[] out) throws IOException {
        MemoryDevice d = MemoryDevice.of("dest", GptImages.grownTo(source, newBytes));
        GptFixup f = GptRelocator.plan(d, deviceSectorSize, source.length, newBytes, growLast);
        f.apply(d);
        out[0] = f;
        return d;
    }

    private static GptHeader header(MemoryDevice d, long lba, int s) throws GptException {
        return GptHeader.parse(d.bytes(lba * s, (lba + 1) * s));
    }

    private static GptEntries entries(MemoryDevice d, GptHeader h, int s) {
        return new GptEntries(d.bytes(h.entriesLba() * s, h.entriesLba() * s + h.entriesBytes()), (int) h.entrySize());
    }

    @Test
    void crc32IsTheStandardOne() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xCBF43926L, GptHeader.crc32(check, 0, check.length));
    }

    @Test
    void aHeaderRoundTripsAndABadCrcIsRefusedNamingIt() throws Exception {
        byte[] guid = new byte[16];
        Arrays.fill(guid, (byte) 7);
        GptHeader h = GptHeader.of(1, 8191, 34, 8158, guid, 2, 128, 128, 0x12345678L);
        byte[] sector = h.toSector(512);
        GptHeader back = GptHeader.parse(sector);
        assertEquals(8191, back.alternateLba());
        assertEquals(8158, back.lastUsableLba());
        assertEquals(0x12345678L, back.entriesCrc());
        assertArrayEquals(guid, back.diskGuid());
        assertArrayEquals(sector, back.toSector(512));
        sector[60] ^= 1;
        GptException e = assertThrows(GptException.class, () -> GptHeader.parse(sector));
        assertTrue(e.getMessage().contains("header CRC32"), e.getMessage());
    }

    @Test
    void fits512ByteSectorsAsSgdiskEDoes() throws Exception {
        byte[] src = GptImages.disk(512, 8192, P1, P2);
        GptFixup[] f = new GptFixup[1];
        MemoryDevice d = fitted(src, 12288 * 512L, 512, false, f);
        assertTrue(f[0].relocates());
        assertEquals("GPT backup moved to the end of the disk (LBA 12287)", f[0].note());
        GptHeader primary = header(d, 1, 512);
        GptHeader backup = header(d, 12287, 512);
        assertEquals(12287, primary.alternateLba());
        assertEquals(12287 - 33, primary.lastUsableLba()); // sgdisk -e: 196574 on a 196608-sector disk, the same rule
        assertEquals(34, primary.firstUsableLba());
        assertEquals(2, primary.entriesLba());
        assertEquals(12287, backup.myLba());
        assertEquals(1, backup.alternateLba());
        assertEquals(12287 - 32, backup.entriesLba());
        assertTrue(primary.mirrors(backup));
        assertNull(GptCheck.problem(d, 512));
        assertNull(GptCheck.verify(d, f[0]));
        assertEquals(12287, ProtectiveMbr.size(d.bytes(0, 512), 0));
        // the entries are the source's, in both places; the usable area is untouched
        assertArrayEquals(Arrays.copyOfRange(src, 1024, 1024 + 16384), d.bytes(1024, 1024 + 16384));
        assertArrayEquals(Arrays.copyOfRange(src, 1024, 1024 + 16384), d.bytes(12255 * 512L, 12287 * 512L));
        assertArrayEquals(Arrays.copyOfRange(src, 34 * 512, 8159 * 512), d.bytes(34 * 512, 8159 * 512));
        // the stale backup at the old end is gone
        assertArrayEquals(new byte[33 * 512], d.bytes(8159 * 512L, 8192 * 512L));
        assertEquals(List.of(new SectorRange(0, 2), new SectorRange(8159, 33), new SectorRange(12255, 33)),
                f[0].rewritten());
    }

    @Test
    void fits4096ByteSectorsFoundOnAnImageOrGivenByTheDevice() throws Exception {
        byte[] src = GptImages.disk(4096, 2048, new long[] {256, 1024});
        for (int deviceSectorSize : new int[] {0, 4096}) {
            GptFixup[] f = new GptFixup[1];
            MemoryDevice d = fitted(src, 3072 * 4096L, deviceSectorSize, false, f);
            assertEquals(4096, f[0].sectorSize());
            GptHeader primary = header(d, 1, 4096);
            assertEquals(3071, primary.alternateLba());
            assertEquals(3071 - 5, primary.lastUsableLba()); // 4 sectors of entries
            assertEquals(3067, header(d, 3071, 4096).entriesLba());
            assertNull(GptCheck.problem(d, 4096));
            assertEquals(3071, ProtectiveMbr.size(d.bytes(0, 512), 0));
        }
    }

    @Test
    void growLastExtendsThePartitionThatEndsLastNotTheHighestNumbered() throws Exception {
        byte[] src = GptImages.disk(512, 8192, P2, P1); // entry 1 ends last, entry 2 lies before it
        GptFixup[] f = new GptFixup[1];
        MemoryDevice d = fitted(src, 12288 * 512L, 512, true, f);
        GptHeader primary = header(d, 1, 512);
        GptEntries a = entries(d, primary, 512);
        GptEntries b = entries(d, header(d, 12287, 512), 512);
        assertEquals(12254, a.lastLba(0));
        assertEquals(4096, a.firstLba(0));
        assertEquals(P1[1], a.lastLba(1), "the other partition is untouched");
        assertArrayEquals(a.bytes(), b.bytes());
        assertEquals(a.crc(), primary.entriesCrc());
        assertNull(GptCheck.problem(d, 512));
        assertEquals(1, f[0].grownPartition());
        assertEquals(12254, f[0].grownTo());
        assertTrue(f[0].note().contains("last partition (1) grown to 8159 sectors (4.0 MiB, to LBA 12254)"),
                f[0].note());
        assertTrue(f[0].note().contains("the file system inside is not resized"), f[0].note());
        assertTrue(f[0].rewritten().contains(new SectorRange(0, 34)), f[0].rewritten().toString());
    }

    @Test
    void aGptHybridMbrKeepsItsPartitionsAndA0xEeEntryThatDidNotReachTheEnd() throws Exception {
        byte[] src = GptImages.disk(512, 8192, P1, P2);
        Arrays.fill(src, 446, 510, (byte) 0);
        GptImages.mbrEntry(src, 0, 0xEE, 1, 2047);
        GptImages.mbrEntry(src, 1, 0x83, 2048, 2048);
        GptFixup[] f = new GptFixup[1];
        MemoryDevice d = fitted(src, 12288 * 512L, 512, false, f);
        assertTrue(f[0].relocates());
        assertArrayEquals(Arrays.copyOf(src, 512), d.bytes(0, 512), "the hybrid MBR is left as it was");
        assertNull(GptCheck.problem(d, 512));
    }

    @Test
    void aGptHybridMbrWhose0xEeEntryReachedTheOldEndHasOnlyThatEntryExtended() throws Exception {
        byte[] src = GptImages.disk(512, 8192, P1, P2);
        Arrays.fill(src, 446, 510, (byte) 0);
        GptImages.mbrEntry(src, 0, 0x83, 2048, 2048);
        GptImages.mbrEntry(src, 1, 0xEE, 4096, 4096);
        GptFixup[] f = new GptFixup[1];
        MemoryDevice d = fitted(src, 12288 * 512L, 512, false, f);
        byte[] mbr = d.bytes(0, 512);
        assertEquals(ProtectiveMbr.Kind.HYBRID, ProtectiveMbr.kind(mbr));
        assertEquals(4096, ProtectiveMbr.startLba(mbr, 1));
        assertEquals(12288 - 4096, ProtectiveMbr.size(mbr, 1));
        assertArrayEquals(Arrays.copyOfRange(src, 446, 462), Arrays.copyOfRange(mbr, 446, 462), "the 0x83 entry");
        assertArrayEquals(Arrays.copyOfRange(src, 478, 512), Arrays.copyOfRange(mbr, 478, 512), "the rest");
    }

    @Test
    void aProtectiveMbrSizeIsCappedAt32BitsWithTheChsMarker() {
        byte[] mbr = new byte[512];
        GptImages.protectiveMbr(mbr, 8192);
        Arrays.fill(mbr, 451, 454, (byte) 0); // an end CHS as a small disk has it
        byte[] huge = ProtectiveMbr.grown(mbr, 8192, 1L << 33);
        assertEquals(0xFFFFFFFFL, ProtectiveMbr.size(huge, 0));
        assertArrayEquals(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF}, Arrays.copyOfRange(huge, 451, 454));
        assertNull(ProtectiveMbr.problem(huge, 1L << 33));
        byte[] small = ProtectiveMbr.grown(mbr, 8192, 196608);
        assertEquals(196607, ProtectiveMbr.size(small, 0));
        // the end CHS sgdisk writes for a 96 MiB disk: head 60, sector 48, cylinder 12
        assertArrayEquals(new byte[] {0x3c, 0x30, 0x0c}, Arrays.copyOfRange(small, 451, 454));
        assertTrue(ProtectiveMbr.problem(mbr, 196608).contains("has size 8191, the disk needs 196607"));
        byte[] marked = mbr.clone();
        Arrays.fill(marked, 451, 454, (byte) 0xFF); // some tools write 0xFF 0xFF 0xFF: kept
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                Arrays.copyOfRange(ProtectiveMbr.grown(marked, 8192, 1L << 33), 451, 454));
    }

    @Test
    void aPrimaryHeaderWithABadCrcIsLeftAloneSayingWhy() throws Exception {
        byte[] src = GptImages.disk(512, 8192, P1, P2);
        src[512 + 60] ^= 1; // a disk GUID byte: the stored CRC no longer matches
        GptFixup[] f = new GptFixup[1];
        MemoryDevice d = fitted(src, 12288 * 512L, 512, true, f);
        assertFalse(f[0].relocates());
        assertTrue(f[0].skipped());
        assertTrue(f[0].note().startsWith("GPT not relocated: it is not valid (primary header at LBA 1: header CRC32 is"),
                f[0].note());
        assertTrue(f[0].note().contains("not at the end of this disk"), f[0].note());
        assertArrayEquals(GptImages.grownTo(src, 12288 * 512L), d.bytes(), "nothing written");
        assertEquals(List.of(), f[0].rewritten());
    }

    @Test
    void entriesThatDoNotMatchTheirCrcAreLeftAloneSayingWhy() throws Exception {
        byte[] src = GptImages.disk(512, 8192, P1, P2);
        src[2 * 512 + 40] ^= 1;
        GptFixup[] f = new GptFixup[1];
        fitted(src, 12288 * 512L, 512, false, f);
        assertTrue(f[0].skipped());
        assertTrue(f[0].note().contains("partition entries CRC32 is"), f[0].note());
    }

    @Test
    void aDamagedBackupIsRebuiltFromThePrimaryAndItsBytesLeftAlone() throws Exception {
        byte[] src = GptImages.disk(512, 8192, P1, P2);
        src[8191 * 512 + 60] ^= 1;
        GptFixup[] f = new GptFixup[1];
        MemoryDevice d = fitted(src, 12288 * 512L, 512, false, f);
        assertTrue(f[0].relocates());
        assertTrue(f[0].note().contains("backup GPT header (LBA 8191) was not valid"), f[0].note());
        assertArrayEquals(Arrays.copyOfRange(src, 8159 * 512, 8192 * 512), d.bytes(8159 * 512L, 8192 * 512L));
        assertNull(GptCheck.problem(d, 512));
    }

    @Test
    void nothingIsDoneWithoutAGptOrWithoutRoomGained() throws Exception {
        MemoryDevice random = MemoryDevice.random("r", 8192 * 512, 3);
        GptFixup none = GptRelocator.plan(random, 0, 8192 * 512L, 12288 * 512L, true);
        assertFalse(none.relocates());
        assertFalse(none.skipped());
        assertNull(none.note());
        byte[] mbrOnly = new byte[8192 * 512];
        GptImages.mbrEntry(mbrOnly, 0, 0x83, 2048, 4096);
        mbrOnly[510] = 0x55;
        mbrOnly[511] = (byte) 0xAA;
        assertNull(GptRelocator.plan(MemoryDevice.of("m", mbrOnly), 512, mbrOnly.length, 2L * mbrOnly.length, false)
                .note());
        byte[] src = GptImages.disk(512, 8192, P1);
        assertNull(GptRelocator.plan(MemoryDevice.of("s", src), 512, src.length, src.length, true).note());
    }

    @Test
    void aGptOfAnotherSectorSizeThanTheDestinationIsLeftAloneSayingWhy() throws Exception {
        byte[] src = GptImages.disk(4096, 2048, new long[] {256, 1024});
        GptFixup f = GptRelocator.plan(MemoryDevice.of("s", src), 0, 512, src.length, 2L * src.length, false);
        assertTrue(f.skipped());
        assertTrue(f.note().contains("made for 4096-byte sectors and this disk has 512-byte sectors"), f.note());
    }

    @Test
    void theCheckFindsABackupThatDoesNotReadBackAsWritten() throws Exception {
        byte[] src = GptImages.disk(512, 8192, P1, P2);
        GptFixup[] f = new GptFixup[1];
        MemoryDevice d = fitted(src, 12288 * 512L, 512, false, f);
        d.write(java.nio.ByteBuffer.wrap(new byte[] {1}), 12287 * 512L + 60);
        String problem = GptCheck.verify(d, f[0]);
        assertNotNull(problem);
        assertTrue(problem.contains("backup GPT header"), problem);
        assertTrue(GptCheck.problem(d, 512).contains("backup GPT header at the last LBA 12287"));
    }

    @Test
    void aDiskGrownByLessThanItsBackupDoesNotZeroOverTheNewOne() throws Exception {
        byte[] src = GptImages.disk(512, 8192, P1, P2);
        GptFixup[] f = new GptFixup[1];
        MemoryDevice d = fitted(src, 8200 * 512L, 512, false, f);
        assertNull(GptCheck.problem(d, 512));
        assertNull(GptCheck.verify(d, f[0]));
        assertEquals(8199 - 33, header(d, 1, 512).lastUsableLba());
    }
}
