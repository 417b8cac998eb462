package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.BlockNodes;

/**
 * A source of odd size to a device with 4096-byte sectors: the person typed no START or LENGTH,
 * so the refusal names the source's size and the ways out, not "START and LENGTH". Without root:
 * a real block node described by lsblk data as a 4Kn disk; the planner opens nothing.
 */
class OddSourceOnFourKnTest {

    @TempDir
    Path dir;

    @Test
    void anOddSourceNamesItsSizeAndTheWayOut() throws Exception {
        Path node = BlockNodes.some(1).get(0);
        DeviceInfo disk = new DeviceInfo(node.getFileName().toString(), node.toString(), null, 8 << 20, "disk",
                "Model", "SER1", "usb", true, false, 4096, 4096, 0, null, List.of(), null, null, List.of(), false,
                List.of());
        CopyPlanner planner = new CopyPlanner(List.of(disk), CopyPlanner.Options.NONE);
        Path src = Files.write(dir.resolve("s1000.img"), new byte[1000]);
        RefusedException r = assertThrows(RefusedException.class, () -> planner.copy(
                RegionSpec.parse("SOURCE", src.toString()), List.of(RegionSpec.parse("DEST 1", node.toString()))));
        assertEquals("DEST 1", r.field(), r.getMessage());
        assertTrue(r.reason().startsWith(node + " has 4096-byte logical sectors, but the source region is 1000 bytes,"
                + " not whole 4096-byte sectors: copy to an image file or to a device with 512-byte sectors"),
                r.getMessage());

        // A START the person typed that is not aligned is still named as such.
        Path whole = Files.write(dir.resolve("s4096.img"), new byte[4096]);
        RefusedException start = assertThrows(RefusedException.class, () -> planner.copy(
                RegionSpec.parse("SOURCE", whole.toString()), List.of(RegionSpec.parse("DEST 1", node + "@3"))));
        assertTrue(start.reason().contains("START and LENGTH must be multiples of 8 sectors (got 3+8)"),
                start.getMessage());
    }
}
