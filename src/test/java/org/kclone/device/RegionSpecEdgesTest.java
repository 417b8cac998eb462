package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RegionSpec at its edges: no argument at all, a region with no PATH, and how a region is read back to a person. */
class RegionSpecEdgesTest {

    @Test
    void noArgumentAtAllIsRefusedAsEmpty() {
        // the window hands in what its field holds, which may be nothing
        RefusedException e = assertThrows(RefusedException.class, () -> RegionSpec.parse("DEST 2", null));
        assertEquals("DEST 2", e.field());
        assertEquals("is empty; give a device, partition or image file path", e.reason());
        assertEquals(e.reason(), assertThrows(RefusedException.class, () -> RegionSpec.parse("DEST 2", "  ")).reason());
    }

    @Test
    void aLengthOrStartWithNoPathBeforeItIsRefused() throws Exception {
        RefusedException plus = assertThrows(RefusedException.class, () -> RegionSpec.parse("SOURCE", "+8"));
        assertEquals("SOURCE", plus.field());
        assertEquals("'+8' has no PATH before its START or LENGTH (PATH[@START][+LENGTH]; a literal @ or + in a file"
                + " name is written @@ or ++)", plus.reason());
        RefusedException at = assertThrows(RefusedException.class, () -> RegionSpec.parse("SOURCE", "@8+1"));
        assertTrue(at.reason().startsWith("'@8+1' has no PATH"), at.reason());
        assertEquals("+8", RegionSpec.parse("SOURCE", "++8").path(), "a doubled + is the file '+8'");
    }

    @Test
    void theReadingNamesStartAndLengthWhereGiven() throws Exception {
        assertEquals("'a.img' at START 5 with LENGTH 8", RegionSpec.parse("DEST 1", "a.img@5+8").reading());
        assertEquals("'a.img' at START 5", RegionSpec.parse("DEST 1", "a.img@5").reading());
        assertEquals("'a.img' with LENGTH 8", RegionSpec.parse("DEST 1", "a.img+8").reading());
        assertEquals("'a.img'", RegionSpec.parse("DEST 1", "a.img").reading());
    }

    @Test
    void aNewImageWithOnlyAStartOrOnlyALengthGetsTheWarning() throws Exception {
        RegionSpec start = RegionSpec.parse("DEST 1", "x.img@8");
        assertTrue(start.hasRegion());
        assertEquals("DEST 1 'x.img@8' is read as the new image file 'x.img' at START 8; to name a file 'x.img@8'"
                + " write 'x.img@@8'", start.newImageWarning());
        RegionSpec length = RegionSpec.parse("DEST 1", "x.img+8");
        assertTrue(length.hasRegion());
        assertEquals("DEST 1 'x.img+8' is read as the new image file 'x.img' with LENGTH 8; to name a file 'x.img+8'"
                + " write 'x.img++8'", length.newImageWarning());
        assertFalse(RegionSpec.parse("DEST 1", "x.img").hasRegion());
        assertNull(RegionSpec.parse("DEST 1", "x.img").newImageWarning());
    }
}
