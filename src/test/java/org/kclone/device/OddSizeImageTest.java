package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.testing.LoopDevices;

/**
 * Image files whose size is not whole 512-byte sectors: the tail is copied (never a silent cut),
 * a new image gets exactly the source's bytes, an existing one gets nothing past the region's
 * bytes, a block destination gets the last sector padded with zeros.
 */
class OddSizeImageTest {

    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static CopyPlanner planner(CopyPlanner.Options options) {
        return new CopyPlanner(List.of(), options);
    }

    private static RegionSpec spec(String field, Object path) throws RefusedException {
        return RegionSpec.parse(field, RegionSpec.escape(path.toString()));
    }

    private static Report run(CopyPlanner.Plan plan, boolean verify) throws Exception {
        CloneRun run = CloneRun.start(plan, new CloneRun.Settings(512, KcopydConfig.DEFAULT, 0,
                EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS), verify));
        return run.await();
    }

    @Test
    void aSourceOfOddSizeCopiesItsTailIntoANewImageOfExactlyItsLength() throws Exception {
        byte[] data = random(1000, 1);
        Path src = Files.write(dir.resolve("odd.img"), data);
        Path dst = dir.resolve("copy.img");
        CopyPlanner.Plan plan = planner(CopyPlanner.Options.NONE).copy(spec("SOURCE", src), List.of(spec("DEST 1", dst)));
        assertEquals(2, plan.source().count(), "the partial last sector counts");
        assertEquals(1000, plan.source().byteLength());
        assertEquals(1000, plan.destinations().get(0).byteLength());
        Report r = run(plan, true);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("ok", r.destinations().get(0).status());
        assertArrayEquals(data, Files.readAllBytes(dst), "every byte, and not one more");
        assertEquals(1000, r.bytes());
        assertEquals(1000L, r.source().bytes(), "the report says the region's bytes when not whole sectors");
        assertTrue(plan.source().describe().contains("1000 bytes"), plan.source().describe());
    }

    @Test
    void aSourceShorterThanOneSectorIsCopiedNotRefusedAsEmpty() throws Exception {
        byte[] data = random(300, 2);
        Path src = Files.write(dir.resolve("small.img"), data);
        Path dst = dir.resolve("copy.img");
        CopyPlanner.Plan plan = planner(CopyPlanner.Options.NONE).copy(spec("SOURCE", src), List.of(spec("DEST 1", dst)));
        assertEquals(1, plan.source().count());
        Report r = run(plan, true);
        assertEquals(0, r.exitCode(), r.toString());
        assertArrayEquals(data, Files.readAllBytes(dst));
    }

    @Test
    void aRegionInsideAnOddSourceEndingBeforeItsEndIsWholeSectors() throws Exception {
        Path src = Files.write(dir.resolve("odd.img"), random(1000, 3));
        Endpoint e = planner(CopyPlanner.Options.NONE).resolveSource(RegionSpec.parse("SOURCE",
                RegionSpec.escape(src.toString()) + "+1"));
        assertEquals(512, e.byteLength());
        Endpoint tail = planner(CopyPlanner.Options.NONE).resolveSource(RegionSpec.parse("SOURCE",
                RegionSpec.escape(src.toString()) + "@1"));
        assertEquals(1, tail.count());
        assertEquals(488, tail.byteLength());
        RefusedException beyond = assertThrows(RefusedException.class, () -> planner(CopyPlanner.Options.NONE)
                .resolveSource(RegionSpec.parse("SOURCE", RegionSpec.escape(src.toString()) + "+3")));
        assertTrue(beyond.reason().contains("1000 bytes"), beyond.getMessage());
    }

    @Test
    void anExistingLargerImageGetsNothingPastTheRegionsBytes() throws Exception {
        byte[] data = random(1000, 4);
        Path src = Files.write(dir.resolve("odd.img"), data);
        byte[] before = random(3000, 5);
        Path dst = Files.write(dir.resolve("big.img"), before);
        CopyPlanner.Plan plan = planner(CopyPlanner.Options.NONE).copy(spec("SOURCE", src),
                List.of(RegionSpec.parse("DEST 1", RegionSpec.escape(dst.toString()) + "@2")));
        Report r = run(plan, true);
        assertEquals(0, r.exitCode(), r.toString());
        byte[] after = Files.readAllBytes(dst);
        assertEquals(3000, after.length);
        assertArrayEquals(Arrays.copyOf(before, 1024), Arrays.copyOf(after, 1024), "before the region: untouched");
        assertArrayEquals(data, Arrays.copyOfRange(after, 1024, 2024));
        assertArrayEquals(Arrays.copyOfRange(before, 2024, 3000), Arrays.copyOfRange(after, 2024, 3000),
                "past the region's 1000 bytes: untouched, although the engine moved a whole last sector");
    }

    @Test
    void anExistingOddImageTooShortIsRefusedInBytesAndGrowExtendsItExactly() throws Exception {
        byte[] data = random(1000, 6);
        Path src = Files.write(dir.resolve("odd.img"), data);
        Path dst = Files.write(dir.resolve("d900.img"), random(900, 7));
        RefusedException e = assertThrows(RefusedException.class, () -> planner(CopyPlanner.Options.NONE)
                .copy(spec("SOURCE", src), List.of(spec("DEST 1", dst))));
        assertEquals("DEST 1", e.field());
        assertTrue(e.reason().contains("has 900 bytes") && e.reason().contains("needs 1000 bytes")
                && e.reason().contains("--grow"), e.getMessage());
        assertEquals(900, Files.size(dst), "nothing written");
        Report r = run(planner(new CopyPlanner.Options(false, false, true)).copy(spec("SOURCE", src),
                List.of(spec("DEST 1", dst))), true);
        assertEquals(0, r.exitCode(), r.toString());
        assertArrayEquals(data, Files.readAllBytes(dst), "grown to exactly what is needed");
    }

    @Test
    void anExistingImageOfExactlyTheRegionsOddLengthIsAccepted() throws Exception {
        byte[] data = random(1000, 8);
        Path src = Files.write(dir.resolve("odd.img"), data);
        Path dst = Files.write(dir.resolve("d1000.img"), random(1000, 9));
        Report r = run(planner(CopyPlanner.Options.NONE).copy(spec("SOURCE", src), List.of(spec("DEST 1", dst))),
                true);
        assertEquals(0, r.exitCode(), r.toString());
        assertArrayEquals(data, Files.readAllBytes(dst));
    }

    @Test
    void zeroingAnOddImageZerosItsTailAndDoesNotExtendIt() throws Exception {
        Path dst = Files.write(dir.resolve("odd.img"), random(1000, 10));
        CopyPlanner.Plan plan = planner(CopyPlanner.Options.NONE).zero(List.of(spec("DEST 1", dst)));
        assertEquals(2, plan.destinations().get(0).count());
        Report r = run(plan, false);
        assertEquals(0, r.exitCode(), r.toString());
        assertArrayEquals(new byte[1000], Files.readAllBytes(dst));
    }

    @Test
    void aBlockDestinationGetsTheLastSectorPaddedWithZeros() throws Exception {
        LoopDevices.assumeAvailable();
        byte[] data = random(1000, 11);
        Path src = Files.write(dir.resolve("odd.img"), data);
        try (LoopDevices loops = new LoopDevices()) {
            Path backing = dir.resolve("disk.img");
            Files.write(backing, random(1 << 20, 12));
            Path dev = loops.attachExisting(backing);
            List<DeviceInfo> lsblk = List.of(new DeviceInfo(dev.getFileName().toString(), dev.toString(), null,
                    1 << 20, "loop", null, null, null, false, false, 512, 512, 0, null, List.of(), null, null,
                    List.of(), false, List.of()));
            CopyPlanner.Plan plan = new CopyPlanner(lsblk, CopyPlanner.Options.NONE).copy(spec("SOURCE", src),
                    List.of(spec("DEST 1", dev)));
            Report r = run(plan, true);
            assertEquals(0, r.exitCode(), r.toString());
            byte[] disk = Files.readAllBytes(backing);
            assertArrayEquals(data, Arrays.copyOf(disk, 1000));
            assertArrayEquals(new byte[24], Arrays.copyOfRange(disk, 1000, 1024), "the last sector padded with zeros");
            assertFalse(Arrays.equals(new byte[512], Arrays.copyOfRange(disk, 1024, 1536)), "the next sector untouched");
        }
    }
}
