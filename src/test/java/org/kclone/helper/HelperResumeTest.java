package org.kclone.helper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kclone.testing.MapProgress.sectorsWritten;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.Report;
import org.kclone.device.resume.MapStore;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.MapProgress;

/**
 * The helper keeps its own map of each job, in its own folder named by the requesting user's id;
 * the window only says {@code resume}. Killed mid-copy (as a crash would), the job resumes from
 * that map in a new helper and ends byte-identical; a request cannot name a map file, and a resume
 * of a job the helper has no map of is refused with nothing written.
 */
class HelperResumeTest {

    private static final int SIZE = 24 << 20;

    @TempDir
    Path dir;

    private static String start(Path source, List<Path> dests, String extra) {
        StringBuilder b = new StringBuilder("{\"type\":\"start\",\"source\":\"" + source + "\",\"destinations\":[");
        for (int i = 0; i < dests.size(); i++) {
            b.append(i > 0 ? "," : "").append('"').append(dests.get(i)).append('"');
        }
        return b.append("]").append(extra).append("}").toString();
    }

    @Test
    void aKilledHelpersJobResumesFromTheHelpersOwnMap() throws Exception {
        LoopDevices.assumeAvailable();
        byte[] data = new byte[SIZE];
        new Random(7).nextBytes(data);
        Path maps = dir.resolve("maps");
        Map<String, String> env = Map.of("KCLONE_HELPER_MAPS", maps.toString());
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        MapStore store = new MapStore(maps.resolve(Integer.toString(uid)));
        try (LoopDevices loops = new LoopDevices()) {
            Path src = loops.attachExisting(Files.write(dir.resolve("s.img"), data));
            Path a = loops.attach(dir.resolve("a.img"), SIZE);
            Path b = loops.attach(dir.resolve("b.img"), SIZE);
            try (HelperProcess h = HelperProcess.start(dir.resolve("state"), "256m", env)) {
                h.send(start(src, List.of(a, b), ",\"limit\":2097152,\"probe\":\"off\""));
                assertEquals(0L, h.next("started").copiedBefore(), "a new job: nothing from before");
                // the map is saved at least every 5 s while writing: wait for one that holds something
                long deadline = System.nanoTime() + 120_000_000_000L;
                while ((store.unfinished().isEmpty() || store.unfinished().get(0).done() == 0)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                h.process.destroyForcibly(); // a crash: no cancel, no last flush
                h.process.waitFor();
            }
            assertEquals(1, store.unfinished().size(), "the helper's map of the job");
            MapStore.Unfinished u = store.unfinished().get(0);
            assertTrue(u.done() > 0 && u.done() < SIZE, u.toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.dir())));
            long[] before = {sectorsWritten(a), sectorsWritten(b)};

            try (HelperProcess h = HelperProcess.start(dir.resolve("state"), "256m", env)) {
                h.next("hello");
                h.send(start(src, List.of(a, b), ",\"resume\":true,\"map\":\"/etc/kclone.map\""));
                assertEquals("refused a message with the unknown field 'map'", h.next("error").message(),
                        "the window cannot name a map file");
                h.send(start(src, List.of(a), ",\"resume\":true,\"probe\":\"off\""));
                Protocol.Event refused = h.next("refused");
                assertEquals("resume", refused.field());
                assertTrue(refused.reason().contains("no unfinished map of this job"), refused.reason());
                h.send(start(src, List.of(a, b), ",\"resume\":true,\"usedOnly\":true"));
                Protocol.Event otherKind = h.next("refused");
                assertEquals("--map", otherKind.field(), otherKind.reason());
                assertTrue(otherKind.reason().contains("is the map of a copy of every sector"), otherKind.reason());
                assertEquals("the interrupted job cannot be resumed: its map copied every sector: untick Used blocks"
                        + " only and Resume", org.kclone.ui.resume.ResumeText.refused(otherKind.reason()),
                        "said in the window's words");
                assertEquals(before[0], sectorsWritten(a), "nothing written");

                h.send(start(src, List.of(b, a), ",\"resume\":true,\"probe\":\"off\",\"verify\":true"));
                Protocol.Event started = h.next("started");
                assertEquals(u.done(), started.copiedBefore(), "the window is told what the map had copied");
                assertEquals((long) SIZE, started.totalBytes());
                Report report = h.next("report").report();
                assertEquals(0, report.exitCode(), report.toString());
                assertEquals(SIZE, report.bytes(), "the report covers the whole job");
                h.closeInput();
                assertEquals(0, h.waitFor());
            }
            for (long w : new long[] {sectorsWritten(a) - before[0], sectorsWritten(b) - before[1]}) {
                assertTrue(w > 0 && w <= SIZE - u.done(), "the resume wrote " + w + ", missing " + (SIZE - u.done()));
            }
            assertArrayEquals(data, MapProgress.read(a, SIZE));
            assertArrayEquals(data, MapProgress.read(b, SIZE));
            assertFalse(Files.exists(u.file()), "a finished job's map is deleted");
        }
    }

    @Test
    void aMapsFolderThatIsALinkOrOpenToOthersIsNotUsed() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> HelperMaps.safeFolder(open));
        assertTrue(e.getMessage().contains("closed to others"), e.getMessage());
        Path mine = Files.createDirectory(dir.resolve("mine"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        HelperMaps.safeFolder(mine);
        Path link = Files.createSymbolicLink(dir.resolve("link"), mine);
        assertTrue(assertThrows(IOException.class, () -> HelperMaps.safeFolder(link)).getMessage()
                .contains("not a folder"));
        Path made = dir.resolve("made").resolve("1000");
        HelperMaps.safeFolder(made);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
        assertEquals(dir.resolve("m").resolve("1000"),
                HelperMaps.fromEnvironment(Map.of("KCLONE_HELPER_MAPS", dir.resolve("m").toString()))
                        .folder(new Requester(1000, 1000, java.util.Set.of(1000))));
        assertEquals(Path.of("/var/lib/kclone/maps/1000"), HelperMaps.fromEnvironment(Map.of())
                .folder(new Requester(1000, 1000, java.util.Set.of(1000))));
    }
}
