package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** START and LENGTH whose byte offsets would not fit in a file offset are refusals naming the argument. */
class RegionOverflowTest {

    private static final long MAX = Long.MAX_VALUE / 512;

    @TempDir
    Path dir;

    private final CopyPlanner grow = new CopyPlanner(List.of(), new CopyPlanner.Options(false, false, true));

    private Path src() throws Exception {
        return Files.write(dir.resolve("src.img"), new byte[1024]);
    }

    @Test
    void aNewImageAtAStartPastTheLargestOffsetIsRefusedNamingStart() throws Exception {
        Path src = src();
        RefusedException e = assertThrows(RefusedException.class, () -> grow.copy(RegionSpec.parse("SOURCE",
                src.toString()), List.of(RegionSpec.parse("DEST 1", dir.resolve("dst.img") + "@" + MAX))));
        assertEquals("DEST 1", e.field());
        assertTrue(e.reason().startsWith("START " + MAX + " with a length of 2 sectors ends past the largest"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("dst.img")));
    }

    @Test
    void theLastAddressableRegionIsPlannedAndOneSectorMoreIsRefused() throws Exception {
        Path src = src();
        Path dst = Files.write(dir.resolve("dst.img"), new byte[512]);
        RegionSpec s = RegionSpec.parse("SOURCE", src.toString());
        CopyPlanner.Plan plan = grow.copy(s, List.of(RegionSpec.parse("DEST 1", dst + "@" + (MAX - 2))));
        assertEquals(Long.MAX_VALUE / 512 * 512, plan.destinations().get(0).endByte(), "no overflow, no negative");
        RefusedException e = assertThrows(RefusedException.class,
                () -> grow.copy(s, List.of(RegionSpec.parse("DEST 1", dst + "@" + (MAX - 1)))));
        assertTrue(e.reason().startsWith("START " + (MAX - 1)), e.getMessage());
        assertEquals(512, Files.size(dst), "nothing written");
    }

    @Test
    void aHugeLengthIsRefusedNamingLength() throws Exception {
        Path dst = Files.write(dir.resolve("dst.img"), new byte[4096]);
        RefusedException both = assertThrows(RefusedException.class,
                () -> grow.zero(List.of(RegionSpec.parse("DEST 1", dst + "@1+" + MAX))));
        assertTrue(both.reason().startsWith("START 1 + LENGTH " + MAX + " ends past"), both.getMessage());
        RefusedException source = assertThrows(RefusedException.class,
                () -> grow.resolveSource(RegionSpec.parse("SOURCE", src() + "+" + MAX)));
        assertTrue(source.reason().contains("runs beyond the end"), source.getMessage());
    }

    @Test
    void verifyAtAStartPastTheLargestOffsetIsRefused() throws Exception {
        Path src = src();
        Path dst = Files.write(dir.resolve("dst.img"), new byte[4096]);
        RefusedException e = assertThrows(RefusedException.class, () -> grow.verify(RegionSpec.parse("SOURCE",
                src.toString()), List.of(RegionSpec.parse("DEST 1", dst + "@" + MAX))));
        assertEquals("DEST 1", e.field());
        assertTrue(e.reason().startsWith("START " + MAX), e.getMessage());
    }

    @Test
    void aNegativeStartHandedInDirectlyIsRefused() throws Exception {
        Path src = src();
        RefusedException e = assertThrows(RefusedException.class,
                () -> grow.resolveSource(new RegionSpec("SOURCE", src.toString(), src.toString(), -1L, null)));
        assertTrue(e.reason().contains("START -1 is negative"), e.getMessage());
    }
}
