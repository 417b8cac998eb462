package org.kclone.device.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;

/** An image file must fit its file system before anything is written. */
class FreeSpaceTest {

    @TempDir
    Path dir;

    private Endpoint newImage(String name, long bytes) {
        return new Endpoint("DEST 1", dir.resolve(name), Endpoint.Kind.NEW_IMAGE, null, 0, (bytes + 511) / 512, 0, 512,
                bytes);
    }

    @Test
    void aNewRawImageNeedsItsLengthFreeAGrownOneItsGrowthACompressedOneNothingKnown() throws Exception {
        FreeSpace.Probe fourMiB = folder -> 4L << 20;
        RefusedException e = assertThrows(RefusedException.class,
                () -> FreeSpace.check(newImage("big.img", 64L << 20), fourMiB));
        assertEquals("DEST 1", e.field());
        assertEquals(dir.resolve("big.img") + " needs 64.0 MiB but its file system has 4.0 MiB free; choose a folder"
                + " with room, or write a compressed image (big.img.zst), which keeps only what the data needs;"
                + " nothing was written", e.reason());
        FreeSpace.check(newImage("small.img", 4L << 20), fourMiB); // exactly fits
        FreeSpace.check(newImage("big.img.zst", 64L << 20), fourMiB); // its size is not known before it is written
        Path existing = Files.write(dir.resolve("old.img"), new byte[1 << 20]);
        Endpoint grown = new Endpoint("DEST 2", existing, Endpoint.Kind.IMAGE, null, 0, 16384, 1 << 20, 512, 8L << 20);
        RefusedException g = assertThrows(RefusedException.class, () -> FreeSpace.check(grown, folder -> 6L << 20));
        assertTrue(g.reason().startsWith(existing + " needs 7.0 MiB but its file system has 6.0 MiB free"), g.reason());
        FreeSpace.check(grown, folder -> 7L << 20);
        // at START 1 GiB the first GiB is a hole: only the region's 1 MiB is written
        FreeSpace.check(new Endpoint("DEST 1", dir.resolve("far.img"), Endpoint.Kind.NEW_IMAGE, null, 2097152, 2048,
                0, 512, 1L << 20), folder -> 1L << 20);
        FreeSpace.check(newImage("x.img", 64L << 20), folder -> {
            throw new java.io.IOException("statvfs failed");
        }); // not known: not refused
    }
}
