package org.kclone.device.used;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.engine.FileBlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;

/**
 * {@code --wipe-free} clears the skipped space of the destination the copy holds open, never of
 * whatever its path names by then (a device swapped under the same name). Image files, no root.
 */
class FreeWiperTest {

    private static final int SIZE = 1 << 20;
    private static final List<SectorRange> GAPS = List.of(new SectorRange(8, 8), new SectorRange(1024, 512));

    @TempDir
    Path dir;

    private Path filled(String name) throws Exception {
        byte[] b = new byte[SIZE];
        Arrays.fill(b, (byte) 0xAA);
        return Files.write(dir.resolve(name), b);
    }

    private static void assertGaps(byte[] bytes, byte inGaps) {
        for (int i = 0; i < bytes.length; i++) {
            int sector = i / 512;
            boolean gap = GAPS.stream().anyMatch(g -> sector >= g.start() && sector < g.end());
            assertEquals(gap ? inGaps : (byte) 0xAA, bytes[i], "byte " + i + (gap ? " (a gap)" : ""));
        }
    }

    @Test
    void theOpenDestinationIsWipedNotWhatItsPathNamesNow() throws Exception {
        Path held = filled("held.img");
        Path swapped = filled("swapped.img"); // what the destination's path names by the time of the wipe
        try (FileBlockDevice d = FileBlockDevice.open(held, true)) {
            FreeWiper.How how = FreeWiper.wipe(swapped, false, new IoRegion(d, 0, SIZE / 512), GAPS);
            assertEquals(FreeWiper.How.ZEROED, how, "written as zeros through the open destination");
        }
        assertGaps(Files.readAllBytes(swapped), (byte) 0xAA); // untouched
        assertGaps(Files.readAllBytes(held), (byte) 0);
    }

    @Test
    void thePathOfTheOpenDestinationIsWipedThroughIt() throws Exception {
        Path held = filled("held.img");
        try (FileBlockDevice d = FileBlockDevice.open(held, true)) {
            FreeWiper.How how = FreeWiper.wipe(held, false, new IoRegion(d, 0, SIZE / 512), GAPS);
            assertNotEquals(FreeWiper.How.DISCARDED, how);
        }
        assertGaps(Files.readAllBytes(held), (byte) 0);
    }
}
