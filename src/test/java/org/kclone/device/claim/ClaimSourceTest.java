package org.kclone.device.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;
import org.kclone.device.OpenedPlan;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;

/**
 * The source is locked shared: two runs may read one source at once, but a run may not copy
 * from what another run is writing, nor write what another run is copying from (the copy would
 * be of a moving target). Storage a run writes itself, beside its source, is not locked twice.
 */
class ClaimSourceTest {

    @TempDir
    Path dir;

    private Path random(String name, int bytes, long seed) throws IOException {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    /** Planned with --force: the guards are not under test here, what the run claims is. */
    private static CopyPlanner.Plan plan(List<DeviceInfo> lsblk, String src, String... dests) throws RefusedException {
        List<RegionSpec> d = new ArrayList<>();
        for (int i = 0; i < dests.length; i++) {
            d.add(RegionSpec.parse("DEST " + (i + 1), dests[i]));
        }
        return new CopyPlanner(lsblk, new CopyPlanner.Options(true, false, false))
                .copy(RegionSpec.parse("SOURCE", src), d);
    }

    private static void assertBeingWritten(RefusedException e, String path) {
        assertEquals("SOURCE", e.field(), e.getMessage());
        assertTrue(e.reason().startsWith(path + " is being written by another program"), e.getMessage());
        assertTrue(e.reason().endsWith("nothing was written"), e.getMessage());
    }

    private static void assertInUse(RefusedException e, String path) {
        assertEquals("DEST 1", e.field(), e.getMessage());
        assertTrue(e.reason().startsWith(path + " is in use by another program"), e.getMessage());
    }

    private static NativeLocks jna() {
        assumeTrue(NativeLocks.system() != null, "JNA does not load here: " + NativeLocks.unavailableReason());
        return NativeLocks.system();
    }

    @Test
    void anImageBeingCopiedFromCannotBeWrittenAndOneBeingWrittenCannotBeCopiedWithJnaAndWithout() throws Exception {
        Path img = random("a.img", 1 << 16, 1);
        String other = dir.resolve("b.img").toString();
        Files.write(Path.of(other), new byte[1 << 16]);
        CopyPlanner.Plan reading = plan(List.of(), img.toString(), other);
        CopyPlanner.Plan writing = plan(List.of(), random("c.img", 1 << 16, 2).toString(), img.toString());
        for (NativeLocks nat : new NativeLocks[] {jna(), null}) {
            String how = nat == null ? "without JNA" : "with JNA";
            try (Claims first = Claims.take(reading, nat)) {
                assertInUse(assertThrows(RefusedException.class, () -> Claims.take(writing, nat), how), img.toString());
            }
            Claims.take(writing, nat).close(); // released: free again
        }
        // the other way round with flock: the file lock alone cannot tell, within one process, a writer from a
        // reader (Java refuses an overlapping lock either way); between two processes it can (CliOneWriterTest)
        NativeLocks nat = jna();
        try (Claims first = Claims.take(writing, nat)) {
            assertBeingWritten(assertThrows(RefusedException.class, () -> Claims.take(reading, nat)), img.toString());
        }
    }

    @Test
    void twoRunsMayReadOneSourceAtOnce() throws Exception {
        Path img = random("a.img", 1 << 16, 3);
        Files.write(dir.resolve("b.img"), new byte[1 << 16]);
        Files.write(dir.resolve("c.img"), new byte[1 << 16]);
        NativeLocks nat = jna();
        try (Claims one = Claims.take(plan(List.of(), img.toString(), dir.resolve("b.img").toString()), nat);
                Claims two = Claims.take(plan(List.of(), img.toString(), dir.resolve("c.img").toString()), nat)) {
            assertTrue(Files.exists(img), "both claims stand");
        }
    }

    @Test
    void aRunCopyingBetweenTwoRegionsOfOneFileClaimsItOnce() throws Exception {
        Path img = random("a.img", 1 << 20, 4);
        CopyPlanner.Plan inOneFile = plan(List.of(), img + "@0+512", img + "@1024+512");
        for (NativeLocks nat : new NativeLocks[] {jna(), null}) {
            Claims.take(inOneFile, nat).close();
        }
    }

    @Test
    void aLoopDeviceBeingCopiedFromCannotBeWrittenByItselfNorThroughItsBackingFile() throws Exception {
        LoopDevices.assumeAvailable();
        jna();
        try (LoopDevices loops = new LoopDevices()) {
            Path backing = dir.resolve("src.img");
            Path loop = loops.attach(backing, 4 << 20);
            Path dest = Files.write(dir.resolve("d.img"), new byte[4 << 20]);
            List<DeviceInfo> lsblk = Lsblk.discover();
            try (OpenedPlan copying = OpenedPlan.open(plan(lsblk, loop.toString(), dest.toString()))) {
                String other = random("o.img", 4 << 20, 5).toString();
                assertInUse(assertThrows(RefusedException.class,
                        () -> OpenedPlan.open(plan(lsblk, other, loop.toString()))), loop.toString());
                RefusedException viaFile = assertThrows(RefusedException.class,
                        () -> OpenedPlan.open(plan(lsblk, other, backing.toString())));
                assertEquals("DEST 1", viaFile.field(), viaFile.getMessage());
                assertTrue(viaFile.reason().contains("in use by another program"), viaFile.getMessage());
            }
            try (OpenedPlan writing = OpenedPlan.open(plan(lsblk, dest.toString(), loop.toString()))) {
                assertBeingWritten(assertThrows(RefusedException.class,
                        () -> OpenedPlan.open(plan(lsblk, loop.toString(), random("e.img", 4 << 20, 6).toString()))),
                        loop.toString());
            }
        }
    }

    @Test
    void aPartitionCopiedToAnotherPartitionOfTheSameDiskIsOneRunsOwn() throws Exception {
        LoopDevices.assumeAvailable();
        jna();
        Tools.assumeInstalled("sfdisk");
        try (LoopDevices loops = new LoopDevices()) {
            Path img = dir.resolve("disk.img");
            try (var f = new java.io.RandomAccessFile(img.toFile(), "rw")) {
                f.setLength(16 << 20);
            }
            Process sf = new ProcessBuilder("sfdisk", "-q", img.toString()).redirectErrorStream(true).start();
            sf.getOutputStream().write("label: dos\nstart=2048,size=4096\nstart=8192,size=4096\n".getBytes());
            sf.getOutputStream().close();
            sf.getInputStream().readAllBytes();
            assertEquals(0, sf.waitFor());
            Path disk = loops.attachExisting(img, "-P");
            List<DeviceInfo> lsblk = Lsblk.discover();
            try (OpenedPlan own = OpenedPlan.open(plan(lsblk, disk + "p1", disk + "p2"))) {
                // a second run reading p1 meanwhile is refused: the disk is being written (p2)
                assertBeingWritten(assertThrows(RefusedException.class,
                        () -> OpenedPlan.open(plan(lsblk, disk + "p1", dir.resolve("x.img").toString()))),
                        disk + "p1");
            }
        }
    }
}
