package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.gpt.GptCheck;
import org.kclone.device.gpt.GptFixup;
import org.kclone.device.probe.ProbeMode;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.engine.SectorRange;
import org.kclone.testing.GptImages;
import org.kclone.testing.MemoryDevice;

/**
 * A run that copies a whole GPT disk (built in memory) to a larger destination: the GPT fitted
 * after the copy, verification that skips the rewritten sectors and checks them instead, and
 * what the report says. No root, no files, except for the plan's preview, which reads an image file.
 */
class GptStepTest {

    private static final long SECTORS = 8192;
    private static final long BIGGER = 12288;
    private static final long[] P1 = {2048, 4095};
    private static final long[] P2 = {4096, 8000};

    private final byte[] disk = GptImages.disk(512, SECTORS, P1, P2);

    @TempDir
    Path dir;

    private static Endpoint image(String field, String path, long start, long count, long size) {
        return new Endpoint(field, Path.of(path), Endpoint.Kind.IMAGE, null, start, count, size, 512);
    }

    private static CopyPlanner.Plan plan(long destBytes) {
        return new CopyPlanner.Plan(image("SOURCE", "/test/src.img", 0, SECTORS, SECTORS * 512),
                List.of(image("DEST 1", "/test/d.img", 0, SECTORS, destBytes)), Map.of());
    }

    private static CloneRun.Settings settings(boolean verify, boolean growLast) {
        return new CloneRun.Settings(64, new KcopydConfig(64 << 10, 4), 0,
                EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS), verify, ProbeMode.OFF, growLast);
    }

    private Report run(MemoryDevice dest, boolean verify, boolean growLast, CloneRun.Listener listener)
            throws Exception {
        CopyPlanner.Plan p = plan(dest.size());
        return CloneRun.start(OpenedPlan.of(p, MemoryDevice.of("src", disk), List.of(dest)),
                settings(verify, growLast), listener, CloneRun::newClient, System::nanoTime).await();
    }

    private static void poke(MemoryDevice d, long at) {
        try {
            d.write(ByteBuffer.wrap(new byte[] {42}), at);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aGptDiskToALargerDestinationIsFittedVerifiedAndReported() throws Exception {
        MemoryDevice dest = MemoryDevice.random("d", (int) (BIGGER * 512), 5);
        Report r = run(dest, true, false, new CloneRun.Listener() { });
        Report.Destination d = r.destinations().get(0);
        assertEquals("ok", d.status(), d.toString());
        assertEquals(List.of(), d.mismatches());
        assertEquals("GPT backup moved to the end of the disk (LBA 12287)", d.gpt());
        assertNull(GptCheck.problem(dest, 512));
        assertArrayEquals(java.util.Arrays.copyOfRange(disk, 34 * 512, 8159 * 512), dest.bytes(34 * 512, 8159 * 512),
                "the partitions' bytes are the source's");
        assertEquals(0, r.exitCode());
    }

    @Test
    void growLastIsReported() throws Exception {
        MemoryDevice dest = new MemoryDevice("d", (int) (BIGGER * 512));
        Report.Destination d = run(dest, true, true, new CloneRun.Listener() { }).destinations().get(0);
        assertEquals("ok", d.status(), d.toString());
        assertTrue(d.gpt().contains("last partition (2) grown to 8159 sectors"), d.gpt());
        assertNull(GptCheck.problem(dest, 512));
    }

    @Test
    void verificationStillFindsADifferenceOutsideTheRewrittenSectors() throws Exception {
        MemoryDevice dest = new MemoryDevice("d", (int) (BIGGER * 512));
        Report.Destination d = run(dest, true, false, new CloneRun.Listener() {
            @Override
            public void copied(CloneRun run) {
                poke(dest, 3000 * 512L); // after the fix-up, before verification
            }
        }).destinations().get(0);
        assertEquals("mismatch", d.status(), d.toString());
        assertEquals(List.of(new Report.Mismatch(3000, 1, 3000)), d.mismatches());
    }

    @Test
    void aFittedGptThatDoesNotReadBackFailsTheDestination() throws Exception {
        MemoryDevice dest = new MemoryDevice("d", (int) (BIGGER * 512));
        Report.Destination d = run(dest, true, false, new CloneRun.Listener() {
            @Override
            public void copied(CloneRun run) {
                poke(dest, (BIGGER - 1) * 512 + 60);
            }
        }).destinations().get(0);
        assertEquals("failed", d.status(), d.toString());
        assertEquals("verification: the GPT fitted to the disk is wrong: the backup GPT header (512-byte sectors 12287+1)"
                + " does not read back as written", d.error());
    }

    @Test
    void aFitUpThatCannotBeWrittenFailsTheDestinationSayingSo() throws Exception {
        // the new backup lies past the copied region: only the fit-up writes there
        MemoryDevice mem = new MemoryDevice("d", (int) (BIGGER * 512));
        org.kclone.testing.FaultyDevice dest = new org.kclone.testing.FaultyDevice(mem).badWriteSectors(BIGGER - 1, 1);
        CopyPlanner.Plan p = plan(BIGGER * 512);
        Report.Destination d = CloneRun.start(OpenedPlan.of(p, MemoryDevice.of("src", disk), List.of(dest)),
                settings(true, false), new CloneRun.Listener() { }, CloneRun::newClient, System::nanoTime).await()
                .destinations().get(0);
        assertEquals("failed", d.status(), d.toString());
        assertTrue(d.error().startsWith("fitting the GPT to the disk after the copy: faulty:d: Input/output error"),
                d.error());
        // stopped before the primary was rewritten: the copied GPT, old backup included, is still whole
        assertArrayEquals(disk, mem.bytes(0, disk.length));
    }

    @Test
    void withoutVerificationTheFixUpIsStillDoneAndAnEqualSizeGetsNone() throws Exception {
        MemoryDevice dest = new MemoryDevice("d", (int) (BIGGER * 512));
        assertEquals("GPT backup moved to the end of the disk (LBA 12287)",
                run(dest, false, false, new CloneRun.Listener() { }).destinations().get(0).gpt());
        assertNull(GptCheck.problem(dest, 512));
        MemoryDevice same = new MemoryDevice("s", disk.length);
        Report.Destination d = run(same, true, true, new CloneRun.Listener() { }).destinations().get(0);
        assertEquals("ok", d.status());
        assertNull(d.gpt());
        assertArrayEquals(disk, same.bytes());
    }

    @Test
    void aDamagedGptIsCopiedAsItIsWithANote() throws Exception {
        disk[512 + 60] ^= 1;
        MemoryDevice dest = new MemoryDevice("d", (int) (BIGGER * 512));
        Report.Destination d = run(dest, true, true, new CloneRun.Listener() { }).destinations().get(0);
        assertEquals("ok", d.status(), d.toString());
        assertTrue(d.gpt().startsWith("GPT not relocated: it is not valid (primary header at LBA 1: header CRC32"),
                d.gpt());
        assertArrayEquals(disk, dest.bytes(0, disk.length));
    }

    @Test
    void subtractCutsRangesOut() {
        List<SectorRange> got = GptStep.subtract(List.of(new SectorRange(0, 40), new SectorRange(100, 10)),
                List.of(new SectorRange(0, 2), new SectorRange(8, 4), new SectorRange(105, 100)));
        assertEquals(List.of(new SectorRange(2, 6), new SectorRange(12, 28), new SectorRange(100, 5)), got);
    }

    @Test
    void thePreviewReadsTheSourceAndGrowLastIsRefusedWhereItGrowsNothing() throws Exception {
        Path src = dir.resolve("src.img");
        Files.write(src, disk);
        Endpoint s = image("SOURCE", src.toString(), 0, SECTORS, SECTORS * 512);
        CopyPlanner.Plan larger = new CopyPlanner.Plan(s, List.of(image("DEST 1", "/test/a.img", 0, SECTORS,
                BIGGER * 512), image("DEST 2", "/test/b.img", 0, SECTORS, SECTORS * 512)), Map.of());
        List<GptFixup> p = GptStep.preview(larger, true);
        assertTrue(p.get(0).note().contains("GPT backup moved to the end of the disk (LBA 12287); last partition (2)"),
                p.get(0).note());
        assertNull(p.get(1).note());
        GptStep.checkGrowLast(larger, p);

        CopyPlanner.Plan same = new CopyPlanner.Plan(s, List.of(image("DEST 1", "/test/b.img", 0, SECTORS,
                SECTORS * 512)), Map.of());
        RefusedException e = assertThrows(RefusedException.class,
                () -> GptStep.checkGrowLast(same, GptStep.preview(same, true)));
        assertEquals("--grow-last", e.field());
        assertTrue(e.reason().startsWith("no destination is an existing disk or image file larger than the source"),
                e.reason());

        Files.write(src, new byte[(int) (SECTORS * 512)]);
        RefusedException noGpt = assertThrows(RefusedException.class,
                () -> GptStep.checkGrowLast(larger, GptStep.preview(larger, true)));
        assertTrue(noGpt.reason().startsWith("the source holds no GPT partition table"), noGpt.reason());
    }
}
