package org.kclone.helper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.Report;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.NbdFaultDevice;
import org.kclone.testing.Tools;

/**
 * The helper end to end without pkexec: {@code kclone helper} as a child process, requests written
 * to its standard input, events read from its standard output, on real loop devices.
 */
class HelperProtocolTest {

    @TempDir
    Path dir;

    private Path source(String name, int bytes, long seed) throws IOException {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    private static String start(Path source, List<Path> dests, String extra) {
        StringBuilder b = new StringBuilder("{\"type\":\"start\",\"source\":\"" + source + "\",\"destinations\":[");
        for (int i = 0; i < dests.size(); i++) {
            b.append(i > 0 ? "," : "").append('"').append(dests.get(i)).append('"');
        }
        return b.append("]").append(extra).append("}").toString();
    }

    private static byte[] read(Path p, int bytes) throws IOException {
        byte[] b = new byte[bytes];
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            f.readFully(b);
        }
        return b;
    }

    @Test
    void aJobSendsProgressAndTheReportAndEveryDestinationHoldsTheSource() throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices()) {
            Path src = loops.attachExisting(source("s.img", 16 << 20, 1));
            Path a = loops.attach(dir.resolve("a.img"), 16 << 20);
            Path image = dir.resolve("new.img");
            try (HelperProcess h = HelperProcess.start(dir.resolve("state"))) {
                assertEquals(Protocol.VERSION, h.next("hello").version());
                h.send(start(src, List.of(a, image), ",\"verify\":true,\"probe\":\"off\""));
                Protocol.Event started = h.next("started");
                assertEquals(16L << 20, started.totalBytes());
                assertEquals(List.of(a.toString(), image.toString()), started.destinations());
                Report report = h.next("report").report();
                assertEquals(0, report.exitCode(), report.toString());
                assertEquals(List.of("ok", "ok"), report.destinations().stream().map(Report.Destination::status).toList());
                List<Protocol.Event> progress = h.seen("progress");
                assertFalse(progress.isEmpty());
                Protocol.Event last = progress.get(progress.size() - 1);
                assertArrayEquals(new long[] {16 << 20, 16 << 20}, last.written());
                assertEquals(16L << 20, last.verified());
                for (int i = 1; i < progress.size(); i++) { // only changes are sent, and counters never go back
                    Protocol.Event p = progress.get(i - 1);
                    Protocol.Event q = progress.get(i);
                    assertFalse(Arrays.equals(p.written(), q.written()) && p.verified().equals(q.verified())
                            && p.phase().equals(q.phase()), "a progress line repeats the one before");
                    assertTrue(q.written()[0] >= p.written()[0] && q.verified() >= p.verified());
                }
                h.closeInput();
                assertEquals(0, h.waitFor());
            }
            byte[] want = Files.readAllBytes(dir.resolve("s.img"));
            assertArrayEquals(want, read(a, 16 << 20));
            assertArrayEquals(want, Files.readAllBytes(image));
        }
    }

    @Test
    void aFailingDestinationIsToldWhileTheOtherFinishes() throws Exception {
        NbdFaultDevice.assumeAvailable();
        Path failing = Files.createFile(dir.resolve("failing"));
        try (LoopDevices loops = new LoopDevices();
                NbdFaultDevice dead = NbdFaultDevice.start(Files.createDirectory(dir.resolve("nbd")), false,
                        "--filter=error", "memory", "32M", "error-pwrite=EIO", "error-pwrite-rate=1",
                        "error-pwrite-file=" + failing)) {
            Path src = loops.attachExisting(source("s.img", 8 << 20, 2));
            Path good = loops.attach(dir.resolve("good.img"), 8 << 20);
            try (HelperProcess h = HelperProcess.start(dir.resolve("state"))) {
                h.send(start(src, List.of(dead.device(), good), ",\"probe\":\"off\""));
                Protocol.Event failed = h.next("failed");
                assertEquals(0, failed.destination());
                assertTrue(failed.error().contains("Input/output error"), failed.error());
                Report report = h.next("report").report();
                assertEquals("failed", report.destinations().get(0).status());
                assertEquals("ok", report.destinations().get(1).status(), report.toString());
                h.closeInput();
                assertEquals(1, h.waitFor());
            }
            assertArrayEquals(Files.readAllBytes(dir.resolve("s.img")), read(good, 8 << 20));
        }
    }

    @Test
    void cancelStopsTheJobAndTheReportSaysSo() throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices()) {
            Path src = loops.attachExisting(source("s.img", 32 << 20, 3));
            Path a = loops.attach(dir.resolve("a.img"), 32 << 20);
            try (HelperProcess h = HelperProcess.start(dir.resolve("state"))) {
                // 64 KiB/s: the first chunk goes at once, the rest would take minutes
                h.send(start(src, List.of(a), ",\"limit\":65536,\"probe\":\"off\""));
                awaitBytes(h);
                h.send("{\"type\":\"cancel\"}");
                Report report = h.next("report").report();
                assertTrue(report.cancelled());
                assertEquals("cancelled", report.destinations().get(0).status());
                assertTrue(report.destinations().get(0).error().contains("cancelled"), report.toString());
                h.closeInput();
                assertEquals(1, h.waitFor());
            }
        }
    }

    /** Waits for a progress event with bytes written. */
    private static void awaitBytes(HelperProcess h) throws InterruptedException {
        while (h.next("progress").written()[0] == 0) {
            // the next one
        }
    }

    @Test
    void closingStandardInputMidJobCancelsFlushesAndEnds() throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices()) {
            Path src = loops.attachExisting(source("s.img", 32 << 20, 4));
            Path a = loops.attach(dir.resolve("a.img"), 32 << 20);
            try (HelperProcess h = HelperProcess.start(dir.resolve("state"))) {
                h.send(start(src, List.of(a), ",\"limit\":65536,\"probe\":\"off\""));
                awaitBytes(h);
                long written = h.seen("progress").get(h.seen("progress").size() - 1).written()[0];
                h.closeInput(); // the window died
                Report report = h.next("report").report();
                assertTrue(report.cancelled(), report.toString());
                assertEquals(1, h.waitFor(), "the helper ends by itself once the job is over");
                // what was reported written is on the device (flushed before the report)
                byte[] want = Arrays.copyOf(Files.readAllBytes(dir.resolve("s.img")), (int) written);
                assertArrayEquals(want, read(a, (int) written));
            }
        }
    }

    @Test
    void badLinesAreRefusedOneByOneAndTheHelperGoesOn() throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices()) {
            Path src = loops.attachExisting(source("s.img", 1 << 20, 5));
            Path a = loops.attach(dir.resolve("a.img"), 1 << 20);
            // a heap smaller than the long line: kept in memory, it would end the helper
            try (HelperProcess h = HelperProcess.start(dir.resolve("state"), "48m", java.util.Map.of())) {
                h.next("hello");
                h.send("not json");
                assertTrue(h.next("error").message().contains("not a JSON message"));
                h.send("{\"type\":\"format-disk\"}");
                assertTrue(h.next("error").message().contains("unknown type 'format-disk'"));
                h.send("{\"type\":\"start\",\"source\":\"/x\",\"destinations\":[\"/y\"],\"force\":true}");
                assertTrue(h.next("error").message().contains("unknown field 'force'"));
                h.send("{\"type\":\"start\",\"source\":\"/x\",\"destinations\":\"/y\"}");
                assertTrue(h.next("error").message().contains("malformed message"));
                h.send("{\"type\":\"cancel\"}");
                assertTrue(h.next("error").message().contains("no job is running"));
                h.send("{\"type\":\"start\"");
                assertTrue(h.next("error").message().contains("not a JSON message"));
                h.sendRaw(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}', '\n'});
                assertTrue(h.next("error").message().contains("not UTF-8"));
                byte[] huge = new byte[96 << 20];
                Arrays.fill(huge, (byte) 'x');
                huge[huge.length - 1] = '\n';
                h.sendRaw(huge);
                String tooLong = h.next("error").message();
                assertTrue(tooLong.contains((huge.length - 1) + " bytes") && tooLong.contains("65536"), tooLong);
                h.send(start(src, List.of(a), ",\"probe\":\"off\""));
                assertEquals(0, h.next("report").report().exitCode());
                h.sendRaw("{\"type\":\"cance".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                h.closeInput();
                assertTrue(h.next("error").message().contains("truncated"));
                assertEquals(0, h.waitFor());
            }
            assertArrayEquals(Files.readAllBytes(dir.resolve("s.img")), read(a, 1 << 20));
        }
    }

    @Test
    void aMountedDestinationIsRefusedAndNothingIsWritten() throws Exception {
        LoopDevices.assumeAvailable();
        Tools.assumeInstalled("mkfs.ext4", "mount", "umount");
        try (LoopDevices loops = new LoopDevices()) {
            Path src = loops.attachExisting(source("s.img", 8 << 20, 6));
            Path fs = loops.attach(dir.resolve("fs.img"), 16 << 20);
            LoopDevices.run("mkfs.ext4", "-q", "-F", fs.toString());
            Path mnt = Files.createDirectory(dir.resolve("mnt"));
            LoopDevices.run("mount", fs.toString(), mnt.toString());
            try (HelperProcess h = HelperProcess.start(dir.resolve("state"))) {
                h.send(start(src, List.of(fs), ""));
                Protocol.Event refused = h.next("refused");
                assertEquals("DEST 1", refused.field());
                assertTrue(refused.reason().contains("is mounted at " + mnt), refused.reason());
                // ext4 itself writes to a mounted device; what must not be there is the source's (random) data
                byte[] source = Arrays.copyOf(Files.readAllBytes(dir.resolve("s.img")), 1 << 20);
                assertFalse(Arrays.equals(Arrays.copyOfRange(source, 4096, 1 << 20),
                        Arrays.copyOfRange(read(fs, 1 << 20), 4096, 1 << 20)));
                h.closeInput();
                assertEquals(0, h.waitFor());
                assertTrue(h.seen("started").isEmpty());
            } finally {
                LoopDevices.run("umount", mnt.toString());
            }
        }
    }

    @Test
    void theSystemDiskIsRefused() throws Exception {
        LoopDevices.assumeAvailable();
        Tools.assumeInstalled("findmnt");
        String root = LoopDevices.run("findmnt", "-n", "-o", "SOURCE", "/").trim();
        assumeTrue(root.startsWith("/dev/") && Files.exists(Path.of(root)),
                "/ is not mounted from a block device here (" + root + "): no system disk to refuse");
        try (LoopDevices loops = new LoopDevices()) {
            Path src = loops.attachExisting(source("s.img", 1 << 20, 7));
            try (HelperProcess h = HelperProcess.start(dir.resolve("state"))) {
                h.send(start(src, List.of(Path.of(root)), ""));
                Protocol.Event refused = h.next("refused");
                assertEquals("DEST 1", refused.field());
                assertTrue(refused.reason().contains("system disk") || refused.reason().contains("mounted at /"),
                        refused.reason());
                h.closeInput();
                assertEquals(0, h.waitFor());
            }
        }
    }

    @Test
    void filesAreReadAndWrittenOnlyAsTheRequestingUserCouldAndNewImagesAreTheirs() throws Exception {
        LoopDevices.assumeAvailable();
        Tools.assumeInstalled("id");
        int nobody = 65534;
        Path src = source("s.img", 1 << 20, 8);
        Path open = Files.createDirectory(dir.resolve("theirs"));
        Files.setAttribute(open, "unix:uid", nobody);
        Path rootOnly = Files.createDirectory(dir.resolve("rootonly"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path secret = source("secret.img", 1 << 20, 9);
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (HelperProcess h = HelperProcess.start(dir.resolve("state"), "256m",
                java.util.Map.of("PKEXEC_UID", Integer.toString(nobody)))) {
            h.send(start(src, List.of(rootOnly.resolve("x.img")), ",\"probe\":\"off\""));
            Protocol.Event refused = h.next("refused");
            assertTrue(refused.reason().contains("may not write to the folder " + rootOnly), refused.reason());
            h.send(start(secret, List.of(open.resolve("y.img")), ",\"probe\":\"off\""));
            refused = h.next("refused");
            assertEquals("SOURCE", refused.field());
            assertTrue(refused.reason().contains("may not read"), refused.reason());
            assertFalse(Files.exists(rootOnly.resolve("x.img")) || Files.exists(open.resolve("y.img")));
            h.send(start(src, List.of(open.resolve("z.img")), ",\"probe\":\"off\""));
            assertEquals(0, h.next("report").report().exitCode());
            h.closeInput();
            assertEquals(0, h.waitFor());
        }
        assertEquals(nobody, Files.getAttribute(open.resolve("z.img"), "unix:uid"));
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(open.resolve("z.img")));
        assertNotNull(Files.getAttribute(open.resolve("z.img"), "unix:gid"));
    }

    /**
     * Compressed images through the helper: a .zst restored to a loop device and a .zst written for
     * the requesting user, both opened through the pinned, checked descriptor; the image and its
     * .sha256 sidecar are the user's, not root's.
     */
    @Test
    void compressedImagesGoThroughThePinnedOpensAndWhatIsWrittenIsTheUsers() throws Exception {
        LoopDevices.assumeAvailable();
        Tools.assumeInstalled("id");
        int nobody = 65534;
        byte[] data = Files.readAllBytes(source("s.img", 4 << 20, 10));
        Path open = Files.createDirectory(dir.resolve("theirs"));
        Files.setAttribute(open, "unix:uid", nobody);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path packed = Files.write(open.resolve("in.img.zst"), com.github.luben.zstd.Zstd.compress(data, 3));
        Path out = open.resolve("out.img.zst");
        try (LoopDevices loops = new LoopDevices()) {
            Path dev = loops.attach(dir.resolve("d.img"), 4 << 20);
            try (HelperProcess h = HelperProcess.start(dir.resolve("state"), "256m",
                    java.util.Map.of("PKEXEC_UID", Integer.toString(nobody)))) {
                h.send(start(packed, List.of(dev, out), ",\"verify\":true,\"probe\":\"off\""));
                Report r = h.next("report").report();
                assertEquals(0, r.exitCode(), r.toString());
                h.closeInput();
                assertEquals(0, h.waitFor());
            }
            assertArrayEquals(data, read(dev, 4 << 20));
        }
        assertArrayEquals(data, com.github.luben.zstd.Zstd.decompress(Files.readAllBytes(out), data.length));
        assertEquals(nobody, Files.getAttribute(out, "unix:uid"), "the image is the user's");
        assertEquals(nobody, Files.getAttribute(open.resolve("out.img.zst.sha256"), "unix:uid"), "so is its sidecar");
    }
}
