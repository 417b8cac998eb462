package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/** Planning, opening and running a copy or zero on image files: no root, no devices. */
class CloneRunImageTest {

    @TempDir
    Path dir;

    private Path file(String name, int bytes, long seed) throws Exception {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    private static CloneRun.Settings settings(boolean verify) {
        return new CloneRun.Settings(64, new KcopydConfig(64 << 10, 4), 0, EnumSet.noneOf(KcopydFlag.class), verify);
    }

    private static CopyPlanner planner(boolean grow) {
        return new CopyPlanner(List.of(), new CopyPlanner.Options(false, false, grow));
    }

    private static RegionSpec spec(String field, String arg) throws RefusedException {
        return RegionSpec.parse(field, arg);
    }

    @Test
    void copyToANewAnExistingAndAGrownImageVerifiedAndReported() throws Exception {
        Path src = file("src.img", 1 << 20, 1);
        Path fresh = dir.resolve("fresh.img");
        Path existing = file("existing.img", 2 << 20, 2);
        Path shortImg = file("short.img", 4096, 3);
        byte[] existingBefore = Files.readAllBytes(existing);
        CopyPlanner.Plan plan = planner(true).copy(spec("SOURCE", src + "@8+2000"), List.of(
                spec("DEST 1", fresh.toString()), spec("DEST 2", existing + "@100"), spec("DEST 3", shortImg + "@4")));
        assertEquals(2000, plan.count());
        CloneRun run = CloneRun.start(plan, settings(true));
        Report r = run.await();
        assertTrue(run.isDone());
        byte[] want = Arrays.copyOfRange(Files.readAllBytes(src), 8 * 512, 2008 * 512);
        assertArrayEquals(want, Files.readAllBytes(fresh), "a new image exactly as long as the region");
        byte[] ex = Files.readAllBytes(existing);
        assertArrayEquals(want, Arrays.copyOfRange(ex, 100 * 512, 2100 * 512));
        assertArrayEquals(Arrays.copyOfRange(existingBefore, 0, 100 * 512), Arrays.copyOfRange(ex, 0, 100 * 512));
        assertArrayEquals(Arrays.copyOfRange(existingBefore, 2100 * 512, 2 << 20),
                Arrays.copyOfRange(ex, 2100 * 512, 2 << 20), "nothing after the region touched");
        assertEquals(2004L * 512, Files.size(shortImg), "--grow extended the short image to the region's end");
        assertArrayEquals(want, Arrays.copyOfRange(Files.readAllBytes(shortImg), 4 * 512, 2004 * 512));

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("copy", r.command());
        String sha = Sha256.hex(want);
        assertEquals(new Report.Region(src.toString(), 8, 2000, null, sha), r.source(),
                "the source's SHA-256 hashed while it was copied");
        assertEquals(2000L * 512, r.bytes());
        assertFalse(r.cancelled());
        assertEquals(List.of(), r.readErrors());
        assertEquals(List.of(new Report.Destination(fresh.toString(), 0, 2000, "ok", null, List.of(), sha, null, true),
                new Report.Destination(existing.toString(), 100, 2000, "ok", null, List.of(), sha, null, true),
                new Report.Destination(shortImg.toString(), 4, 2000, "ok", null, List.of(), sha, null, true)), r.destinations());
        assertTrue(r.seconds() >= 0);
        assertEquals(2000L * 512, run.totalBytes());
        assertEquals(2000L * 512, run.verifiedBytes(), "read back to the end");
        assertArrayEquals(new long[] {2000L * 512, 2000L * 512, 2000L * 512}, run.written());
        assertEquals(List.of(), run.unreadableSoFar());
        assertNull(run.error(0));
        assertEquals(plan, run.plan());
        assertEquals(r, run.completion().get());
    }

    @Test
    void withoutVerifyNothingIsReadBack() throws Exception {
        Path src = file("src.img", 1 << 20, 4);
        Path dst = dir.resolve("dst.img");
        CloneRun run = CloneRun.start(planner(false).copy(spec("SOURCE", src.toString()),
                List.of(spec("DEST 1", dst.toString()))), settings(false));
        Report r = run.await();
        assertEquals(0, r.exitCode());
        assertEquals(0, run.verifiedBytes());
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dst));
    }

    @Test
    void whenTheReportIsThereTheRunIsOverAndItsDestinationsAreFreeAgain() throws Exception {
        Path src = file("src.img", 1 << 20, 40);
        Path dst = dir.resolve("dst.img");
        CopyPlanner.Plan plan = planner(false).copy(spec("SOURCE", src.toString()),
                List.of(spec("DEST 1", dst.toString())));
        for (int round = 0; round < 20; round++) {
            CloneRun run = CloneRun.start(round == 0 ? plan : planner(false).copy(spec("SOURCE", src.toString()),
                    List.of(spec("DEST 1", dst.toString()))), settings(true));
            assertEquals(0, run.await().exitCode());
            assertEquals(CloneRun.Phase.DONE, run.phase(), "await() returns only once the run is over");
            // closed and unlocked: a next run on the same destination may open it at once
            OpenedPlan.open(planner(false).copy(spec("SOURCE", src.toString()),
                    List.of(spec("DEST 1", dst.toString())))).close();
        }
    }

    @Test
    void zeroWipesTheRegionAndNothingElse() throws Exception {
        Path img = file("img.img", 1 << 20, 5);
        byte[] before = Files.readAllBytes(img);
        CopyPlanner.Plan plan = planner(false).zero(List.of(spec("DEST 1", img + "@16+32")));
        CloneRun run = CloneRun.start(plan, settings(true));
        Report r = run.await();
        assertEquals("zero", r.command());
        assertNull(r.source());
        assertEquals(0, r.exitCode());
        assertEquals(0, run.verifiedBytes(), "a zero job is not verified");
        byte[] after = Files.readAllBytes(img);
        byte[] want = before.clone();
        Arrays.fill(want, 16 * 512, 48 * 512, (byte) 0);
        assertArrayEquals(want, after);
    }

    @Test
    void aNewImageOfASourceWithHolesIsSparseAndReadsBackZeros() throws Exception {
        byte[] data = new byte[4 << 20];
        new Random(6).nextBytes(data);
        Arrays.fill(data, 1 << 20, 3 << 20, (byte) 0); // two MiB of zeros in the middle
        Path src = Files.write(dir.resolve("holes.img"), data);
        Path dst = dir.resolve("copy.img");
        Report r = CloneRun.start(planner(false).copy(spec("SOURCE", src.toString()),
                List.of(spec("DEST 1", dst.toString()))), settings(true)).await();
        assertEquals(0, r.exitCode(), r.toString());
        assertArrayEquals(data, Files.readAllBytes(dst));
        Process stat = new ProcessBuilder("stat", "-c", "%b", dst.toString()).redirectErrorStream(true).start();
        String blocks = new String(stat.getInputStream().readAllBytes()).trim();
        assertEquals(0, stat.waitFor(), blocks);
        long allocated = Long.parseLong(blocks) * 512L;
        assertTrue(allocated < (3L << 20) + (256 << 10), "the zeros stayed holes: " + allocated + " bytes allocated");
    }

    @Test
    void aDifferenceFoundByVerificationIsAMismatch() throws Exception {
        Path src = file("src.img", 1 << 20, 7);
        Path dst = file("dst.img", 1 << 20, 8);
        CopyPlanner.Plan plan = planner(false).verify(spec("SOURCE", src.toString()),
                List.of(spec("DEST 1", dst.toString())));
        assertEquals(2048, plan.count());
        assertEquals(Endpoint.Kind.IMAGE, plan.destinations().get(0).kind());
        // verify as the CLI does it: the Verifier on the opened plan
        try (OpenedPlan opened = OpenedPlan.open(plan)) {
            Verifier.Result v = Verifier.verify(opened.sourceRegion(), opened.destinationRegions(), List.of(), x -> { },
                    () -> false);
            assertEquals(List.of(new org.kclone.engine.SectorRange(0, 2048)), v.destinations().get(0).mismatches());
            assertEquals(opened.source(), opened.sourceRegion().device());
            assertEquals(1, opened.destinations().size());
            assertEquals(plan, opened.plan());
        }
    }

    @Test
    void cancelledRightAwayIsReportedCancelledAndNeverOk() throws Exception {
        Path src = file("src.img", 4 << 20, 9);
        Path dst = dir.resolve("dst.img");
        CloneRun.Settings slow = new CloneRun.Settings(64, new KcopydConfig(64 << 10, 1), 1,
                EnumSet.noneOf(KcopydFlag.class), true);
        CloneRun run = CloneRun.start(planner(false).copy(spec("SOURCE", src.toString()),
                List.of(spec("DEST 1", dst.toString()))), slow);
        run.cancel(); // at one byte per second only the first chunk can go
        Report r = run.await();
        assertTrue(r.cancelled());
        assertEquals(1, r.exitCode());
        Report.Destination d = r.destinations().get(0);
        assertEquals("cancelled", d.status(), d.toString());
        assertTrue(d.error().startsWith("incomplete: ") && d.error().contains("cancelled"), d.error());
        assertTrue(r.bytes() <= 64 << 10, "bytes " + r.bytes());
        assertEquals(0, run.verifiedBytes(), "a cancelled copy is not verified");
    }

    @Test
    void openingRefusesAndRemovesWhatItCreated() throws Exception {
        Path src = file("src.img", 1 << 20, 10);
        Path fresh = dir.resolve("fresh.img");
        Path folder = Files.createDirectory(dir.resolve("sub"));
        Path gone = folder.resolve("later.img");
        CopyPlanner.Plan plan = planner(false).copy(spec("SOURCE", src.toString()),
                List.of(spec("DEST 1", fresh.toString()), spec("DEST 2", gone.toString())));
        Files.delete(folder); // the folder vanished between planning and opening
        RefusedException e = assertThrows(RefusedException.class, () -> CloneRun.start(plan, settings(false)));
        assertEquals("DEST 2", e.field());
        assertTrue(e.reason().startsWith("cannot create " + gone), e.reason());
        assertFalse(Files.exists(fresh), "the image created for DEST 1 was removed again");
    }

    @Test
    void aSourceThatVanishedIsRefusedNamingIt() throws Exception {
        Path src = file("src.img", 1 << 20, 11);
        Path dst = dir.resolve("dst.img");
        CopyPlanner.Plan plan = planner(false).copy(spec("SOURCE", src.toString()),
                List.of(spec("DEST 1", dst.toString())));
        Files.delete(src);
        RefusedException e = assertThrows(RefusedException.class, () -> OpenedPlan.open(plan));
        assertEquals("SOURCE", e.field());
        assertTrue(e.reason().startsWith("cannot open " + src), e.reason());
        assertFalse(Files.exists(dst), "nothing created");
    }
}
