package org.kclone.device.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RegionSpec;
import org.kclone.device.verify.SourceHasher;
import org.kclone.engine.FileBlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.SectorRange;
import org.kclone.testing.FaultyDevice;

/**
 * A resumed run reads the part an earlier run copied again (for the job's SHA-256): source sectors
 * unreadable there (an earlier run went past them with --ignore-errors and wrote zeros) are the
 * job's too, and must reach the report rather than be lost with the hash.
 */
class JobMapPrefillTest {

    @TempDir
    Path dir;

    @Test
    void unreadableSectorsInTheCopiedPartAreReportedAndTheRestIsStillHashed() throws Exception {
        byte[] data = new byte[2 << 20];
        new Random(3).nextBytes(data);
        Path src = Files.write(dir.resolve("src.img"), data);
        Path dst = Files.write(dir.resolve("dst.img"), data);
        CopyPlanner.Plan plan = new CopyPlanner(List.of(), CopyPlanner.Options.NONE).copy(
                RegionSpec.parse("SOURCE", src.toString()), List.of(RegionSpec.parse("DEST 1", dst.toString())));
        MapFile m = new MapFile();
        m.status = "interrupted";
        m.source = new MapFile.Entry(0, 4096, data.length, Identity.of(plan.source(), true), src.toString());
        m.dests.add(new MapFile.Entry(0, 4096, data.length, Identity.of(plan.destinations().get(0), false),
                dst.toString()));
        m.done.add(new Ranges());
        m.done.get(0).add(0, 1 << 20);
        try (FileBlockDevice s = FileBlockDevice.open(src, false, 512)) { // a map without hashes is refused
            m.hashes.addAll(SourceHashes.around(s, 0, data.length, 1 << 20, null));
        }
        Path file = dir.resolve("job.map");
        m.save(file);
        JobMap j = JobMap.prepare(file, 1 << 20, plan);
        assertEquals(1 << 20, j.resumeAt());

        try (FaultyDevice source = new FaultyDevice(FileBlockDevice.open(src, false, 512))) {
            source.badReadSectors(100, 4).badReadSectors(2000, 1);
            SourceHasher h = new SourceHasher(data.length, data.length, false);
            SourceHasher out = j.prefill(h, new IoRegion(source, 0, 4096), () -> false);
            assertNotNull(out, "the rest of the copied part is still read and hashed");
            assertEquals(List.of(new SectorRange(100, 4), new SectorRange(2000, 1)), j.unreadable());
        }
    }
}
