package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SizesAndRegionSpecTest {

    @TempDir
    Path dir;

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
        assertEquals(20480, Sizes.toSectors("10 M"), "a space before the unit, as typed by hand");
        assertEquals(20480, Sizes.toSectors(" 10  MiB "));
        assertEquals(10L << 20, Sizes.toBytes("10 M/s"));
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
        RegionSpec plain = RegionSpec.parse("DEST 1", "/tmp/a++b.img");
        assertEquals("/tmp/a+b.img", plain.path(), "a doubled + is a literal + in the path");
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
    void aBadStartOrLengthIsNamedNotTakenForAMissingFile() {
        RefusedException len = assertThrows(RefusedException.class, () -> RegionSpec.parse("SOURCE", "src.img+-5"));
        assertEquals("SOURCE", len.field());
        assertTrue(len.reason().startsWith("LENGTH '-5' is not a size"), len.getMessage());
        RefusedException start = assertThrows(RefusedException.class, () -> RegionSpec.parse("SOURCE", "src.img@-5"));
        assertTrue(start.reason().startsWith("START '-5' is not a size"), start.getMessage());
        RefusedException empty = assertThrows(RefusedException.class, () -> RegionSpec.parse("DEST 3", "src.img@"));
        assertEquals("DEST 3", empty.field());
        assertTrue(empty.reason().startsWith("START is empty after '@'"), empty.getMessage());
        RefusedException emptyLength = assertThrows(RefusedException.class, () -> RegionSpec.parse("SOURCE", "a+"));
        assertTrue(emptyLength.reason().startsWith("LENGTH is empty after '+'"), emptyLength.getMessage());
        RefusedException unit = assertThrows(RefusedException.class, () -> RegionSpec.parse("DEST 1", "x@1Q"));
        assertTrue(unit.reason().startsWith("START '1Q' has an unknown unit 'Q'"), unit.getMessage());
        RefusedException noPath = assertThrows(RefusedException.class, () -> RegionSpec.parse("SOURCE", "@5"));
        assertTrue(noPath.reason().contains("no PATH"), noPath.getMessage());
        RefusedException plus = assertThrows(RefusedException.class, () -> RegionSpec.parse("DEST 1", "/tmp/a+b.img"));
        assertTrue(plus.reason().startsWith("LENGTH 'b.img' is not a size"), plus.getMessage());
        assertTrue(plus.reason().contains("write '++' for a literal '+'"), plus.getMessage());
    }

    @Test
    void doubledMarksAreLiteralAndTheRegionIsReadFromTheEnd() throws Exception {
        RegionSpec literal = RegionSpec.parse("DEST 1", "a@@b++c.img");
        assertEquals("a@b+c.img", literal.path());
        assertNull(literal.start());
        assertNull(literal.length());
        RegionSpec both = RegionSpec.parse("DEST 1", "a@@b@8+16");
        assertEquals("a@b", both.path());
        assertEquals(8L, both.start());
        assertEquals(16L, both.length());
        RegionSpec tripled = RegionSpec.parse("DEST 1", "a+++5");
        assertEquals("a+", tripled.path(), "a doubled + first, then the + of LENGTH");
        assertEquals(5L, tripled.length());
        RegionSpec last = RegionSpec.parse("DEST 1", "x@1@2");
        assertEquals("x@1", last.path(), "the last unescaped @ starts START");
        assertEquals(2L, last.start());
        assertEquals("a@@b++c.img", RegionSpec.escape("a@b+c.img"));
        assertEquals("backup@20240101", RegionSpec.parse("DEST 1", RegionSpec.escape("backup@20240101")).path());
    }

    @Test
    void anExistingFileThatReadsAsAnotherPathIsRefusedNamingBothReadingsAndTheEscape() throws Exception {
        Path file = Files.createFile(dir.resolve("backup@20240101"));
        RefusedException e = assertThrows(RefusedException.class, () -> RegionSpec.parse("SOURCE", file.toString()));
        assertEquals("SOURCE", e.field());
        assertTrue(e.reason().contains("'" + file + "' is an existing file"), e.getMessage());
        assertTrue(e.reason().contains("reads as '" + dir.resolve("backup") + "' at START 20240101"), e.getMessage());
        assertTrue(e.reason().contains("write '" + dir.resolve("backup@@20240101") + "'"), e.getMessage());
        assertEquals(file.toString(), RegionSpec.parse("SOURCE", dir.resolve("backup@@20240101").toString()).path());

        Path plus = Files.createFile(dir.resolve("a+b.img"));
        RefusedException p = assertThrows(RefusedException.class, () -> RegionSpec.parse("DEST 1", plus.toString()));
        assertTrue(p.reason().contains("is an existing file"), p.getMessage());
        assertTrue(p.reason().contains("write '" + dir.resolve("a++b.img") + "'"), p.getMessage());
    }

    @Test
    void aNewImageNamedLikeARegionGetsAWarningSayingHowToNameIt() throws Exception {
        RegionSpec r = RegionSpec.parse("DEST 1", "backup@20240101");
        assertEquals("DEST 1 'backup@20240101' is read as the new image file 'backup' at START 20240101; to name a"
                + " file 'backup@20240101' write 'backup@@20240101'", r.newImageWarning());
        assertNull(RegionSpec.parse("DEST 1", "backup@@20240101").newImageWarning());
    }

    @Test
    void humanSizes() {
        assertEquals("512 B", Sizes.human(512));
        assertEquals("14.9 GiB", Sizes.human(16008609792L));
    }
}
