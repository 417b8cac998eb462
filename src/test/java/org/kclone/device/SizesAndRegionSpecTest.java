package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SizesAndRegionSpecTest {

    @Test
    void unitsAreBinaryAndBareNumbersAreSectors() {
        assertEquals(100, Sizes.toSectors("100"));
        assertEquals(100, Sizes.toSectors("100s"));
        assertEquals(2, Sizes.toSectors("1024B"));
        assertEquals(2, Sizes.toSectors("1K"));
        assertEquals(2, Sizes.toSectors("1KiB"));
        assertEquals(2048, Sizes.toSectors("1M"));
        assertEquals(2048, Sizes.toSectors("1MiB"));
        assertEquals(2097152, Sizes.toSectors("1G"));
        assertEquals(2097152L * 1024, Sizes.toSectors("1TiB"));
    }

    @Test
    void badSizesSayWhy() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sizes.toSectors("100B")).getMessage()
                .contains("not a whole number of 512-byte sectors"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sizes.toSectors("3X")).getMessage()
                .contains("unknown unit 'X'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sizes.toSectors("-4")).getMessage()
                .contains("is not a size"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sizes.toSectors("99999999999T")).getMessage()
                .contains("too large"));
    }

    @Test
    void ratesAndChunksInBytes() {
        assertEquals(50L << 20, Sizes.toBytes("50M"));
        assertEquals(50L << 20, Sizes.toBytes("50M/s"));
        assertEquals(1500, Sizes.toBytes("1500"));
        assertEquals(1500, Sizes.toBytes("1500B"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.toBytes("10s"));
    }

    @Test
    void regionSyntax() throws Exception {
        RegionSpec r = RegionSpec.parse("SOURCE", "/dev/sdb1@2048+1G");
        assertEquals("/dev/sdb1", r.path());
        assertEquals(2048L, r.start());
        assertEquals(2097152L, r.length());
        RegionSpec plain = RegionSpec.parse("DEST 1", "/tmp/a+b.img");
        assertEquals("/tmp/a+b.img", plain.path(), "a + that is not a LENGTH stays in the path");
        assertNull(plain.start());
        assertNull(plain.length());
        RegionSpec onlyLength = RegionSpec.parse("DEST 1", "disk.img+4M");
        assertNull(onlyLength.start());
        assertEquals(8192L, onlyLength.length());
        assertEquals(8L, RegionSpec.parse("DEST 1", "x@4K").start());
    }

    @Test
    void regionErrorsNameTheArgument() {
        RefusedException e = assertThrows(RefusedException.class, () -> RegionSpec.parse("DEST 2", "x@3Q"));
        assertEquals("DEST 2", e.field());
        assertTrue(e.getMessage().startsWith("DEST 2: START"), e.getMessage());
        RefusedException len = assertThrows(RefusedException.class, () -> RegionSpec.parse("SOURCE", "x+700B"));
        assertTrue(len.getMessage().contains("LENGTH"), len.getMessage());
        assertThrows(RefusedException.class, () -> RegionSpec.parse("SOURCE", ""));
    }

    @Test
    void humanSizes() {
        assertEquals("512 B", Sizes.human(512));
        assertEquals("14.9 GiB", Sizes.human(16008609792L));
    }
}
