package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether verification may read the source again to narrow a mismatch: a raw image may, a
 * compressed one (one stream, decompressed again from its start for each re-read) is named whole.
 */
class OpenedPlanRereadTest {

    @TempDir
    Path dir;

    private OpenedPlan open(Path src) throws Exception {
        CopyPlanner.Plan p = new CopyPlanner(List.of(), CopyPlanner.Options.NONE).copy(
                RegionSpec.parse("SOURCE", src.toString()),
                List.of(RegionSpec.parse("DEST 1", dir.resolve("out-" + src.getFileName() + ".img").toString())));
        return OpenedPlan.open(p);
    }

    @Test
    void aRawImageMayBeReadAgainACompressedOneMayNot() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        Path raw = Files.write(dir.resolve("raw.img"), data);
        Path zst = Files.write(dir.resolve("packed.bin"), com.github.luben.zstd.Zstd.compress(data, 3));
        try (OpenedPlan o = open(raw)) {
            assertTrue(o.sourceRereadable());
        }
        try (OpenedPlan o = open(zst)) {
            assertFalse(o.sourceRereadable(), "told by its magic bytes, not its name");
        }
    }
}
