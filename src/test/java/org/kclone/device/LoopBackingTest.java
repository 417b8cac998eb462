package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What lies under a loop device, read from a made-up sysfs folder (no root), and how it is told. */
class LoopBackingTest {

    @TempDir
    Path dir;

    private Path sys;
    private LoopBacking loops;

    @BeforeEach
    void setUp() throws IOException {
        sys = Files.createDirectories(dir.resolve("sys"));
        loops = new LoopBacking(sys);
    }

    private Path loopDir(String name) throws IOException {
        return Files.createDirectories(sys.resolve(name).resolve("loop"));
    }

    private void sysLoop(String name, Path backing, long offset, long sizeLimit) throws IOException {
        Path d = loopDir(name);
        Files.writeString(d.resolve("backing_file"), backing + "\n");
        Files.writeString(d.resolve("offset"), offset + "\n");
        Files.writeString(d.resolve("sizelimit"), sizeLimit + "\n");
    }

    private Path file(String name) throws IOException {
        return Files.write(dir.resolve(name), new byte[512]);
    }

    @Test
    void aLoopDevicesFileOffsetAndLimitAreRead() throws Exception {
        Path img = file("a.img");
        sysLoop("loop7", img, 1048576, 4096);
        assertEquals(Optional.of(new LoopBacking.Backing(img, LoopBacking.idOf(img), 1048576, 4096)), loops.of("loop7"));
    }

    @Test
    void missingOrEmptyOffsetAndLimitMeanFromByteZeroToTheEnd() throws Exception {
        Path img = file("a.img");
        Path d = loopDir("loop7");
        Files.writeString(d.resolve("backing_file"), img + "\n");
        Files.writeString(d.resolve("offset"), "\n");
        assertEquals(Optional.of(new LoopBacking.Backing(img, LoopBacking.idOf(img), 0, 0)), loops.of("loop7"));
    }

    @Test
    void aNumberSysfsDoesNotHoldIsAnErrorNamingTheFile() throws Exception {
        Path img = file("a.img");
        sysLoop("loop7", img, 0, 0);
        Path offset = sys.resolve("loop7/loop/offset");
        Files.writeString(offset, "lots\n");
        IOException e = assertThrows(IOException.class, () -> loops.of("loop7"));
        assertEquals(offset + " holds 'lots', not a number", e.getMessage());
    }

    @Test
    void notALoopDeviceDetachedOrNotAKernelNameIsEmpty() throws Exception {
        Path img = file("a.img");
        sysLoop("loop7", img, 0, 0);
        Files.createDirectories(sys.resolve("sda"));
        Files.writeString(loopDir("loop8").resolve("backing_file"), "\n");
        assertEquals(Optional.empty(), loops.of("sda"), "no loop/ folder");
        assertEquals(Optional.empty(), loops.of("loop8"), "detached: sysfs prints an empty backing_file");
        assertEquals(Optional.empty(), loops.of("loop9"));
        assertEquals(Optional.empty(), loops.of(null));
        assertEquals(Optional.empty(), loops.of(""));
        assertEquals(Optional.empty(), loops.of("sda/../loop7"), "a path, not a kernel name");
    }

    @Test
    void aDeletedBackingFileHasNoIdentityUnlessTheKernelGivesIt() throws Exception {
        Path img = file("a.img");
        Path d = loopDir("loop7");
        Files.writeString(d.resolve("backing_file"), img + " (deleted)\n");
        assertEquals(Optional.of(new LoopBacking.Backing(img, null, 0, 0)), loops.of("loop7"),
                "the name is another file's now, if any: not examined");
        LoopBacking.FileId kernel = new LoopBacking.FileId(7, 8);
        assertEquals(Optional.of(new LoopBacking.Backing(img, kernel, 0, 0)),
                new LoopBacking(sys, name -> Optional.of(kernel)).of("loop7"));
    }

    @Test
    void loopNamesAreTheLoopDevicesSysfsListsInOrder() throws Exception {
        for (String n : List.of("loop10", "sda", "loop2", "loop-control", "loopback", "loop0", "nbd0")) {
            Files.createDirectories(sys.resolve(n));
        }
        assertEquals(List.of("loop0", "loop10", "loop2"), loops.loopNames());
        assertEquals(List.of(), new LoopBacking(dir.resolve("no-sys")).loopNames());
    }

    private static DeviceInfo dev(String name, String type, String parent) {
        return new DeviceInfo(name, "/dev/" + name, null, 4096, type, null, null, null, false, false, 512, 512, 0, parent,
                List.of(), null, null, List.of(), false, List.of());
    }

    private static Endpoint block(String field, DeviceInfo d) {
        return new Endpoint(field, Path.of(d.path()), Endpoint.Kind.BLOCK, d, 0, 8, 4096, 512);
    }

    @Test
    void underneathGivesEachLoopEndpointItsBackingByField() throws Exception {
        Path a = file("a.img");
        Path b = file("b.img");
        sysLoop("loop7", a, 0, 0);
        sysLoop("loop8", b, 512, 0);
        sysLoop("loop9", b, 0, 0);
        Files.writeString(sys.resolve("loop9/loop/offset"), "x\n"); // unreadable: left out
        Endpoint source = block("SOURCE", dev("loop7", "loop", null));
        Endpoint part = block("DEST 1", dev("loop8p1", "part", "loop8"));
        Endpoint disk = block("DEST 2", dev("sda", "disk", null));
        Endpoint image = new Endpoint("DEST 3", a, Endpoint.Kind.IMAGE, null, 0, 8, 512, 512);
        Endpoint broken = block("DEST 4", dev("loop9", "loop", null));
        Endpoint orphan = block("DEST 5", dev("loop8p2", "part", null)); // lsblk gave no parent
        Endpoint noDevice = new Endpoint("DEST 6", Path.of("/dev/loop7"), Endpoint.Kind.BLOCK, null, 0, 8, 4096, 512);
        Map<String, LoopBacking.Backing> under = loops.underneath(source,
                List.of(part, disk, image, broken, orphan, noDevice));
        assertEquals(Map.of("SOURCE", loops.of("loop7").orElseThrow(), "DEST 1", loops.of("loop8").orElseThrow()),
                under);
        assertEquals(Map.of("DEST 1", loops.of("loop8").orElseThrow()), loops.underneath(null, List.of(part)),
                "a zero request has no source");
    }

    @Test
    void sameStorageIsTheSameFileAtTheSameOffsetAndLimit() throws Exception {
        LoopBacking.FileId id = new LoopBacking.FileId(1, 2);
        LoopBacking.Backing a = new LoopBacking.Backing(Path.of("/a.img"), id, 0, 0);
        assertTrue(LoopBacking.sameStorage(a, new LoopBacking.Backing(Path.of("/renamed.img"), id, 0, 0)));
        assertFalse(LoopBacking.sameStorage(a, new LoopBacking.Backing(Path.of("/a.img"), new LoopBacking.FileId(1, 3),
                0, 0)), "another file under the old name");
        assertFalse(LoopBacking.sameStorage(a, new LoopBacking.Backing(Path.of("/a.img"), id, 512, 0)));
        assertFalse(LoopBacking.sameStorage(a, new LoopBacking.Backing(Path.of("/a.img"), id, 0, 512)));
        assertTrue(LoopBacking.sameStorage(new LoopBacking.Backing(Path.of("/a.img"), null, 0, 0),
                new LoopBacking.Backing(Path.of("/a.img"), id, 0, 0)), "by name where an identity is unknown");
        assertFalse(LoopBacking.sameStorage(new LoopBacking.Backing(Path.of("/a.img"), null, 0, 0),
                new LoopBacking.Backing(Path.of("/b.img"), id, 0, 0)));
        assertTrue(LoopBacking.sameStorage(null, null));
        assertFalse(LoopBacking.sameStorage(a, null));
        assertFalse(LoopBacking.sameStorage(null, a));
    }

    @Test
    void describeSaysWhereTheLoopDeviceLies() {
        assertEquals("with no backing file", LoopBacking.describe(null));
        assertEquals("on /a.img", LoopBacking.describe(new LoopBacking.Backing(Path.of("/a.img"), null, 0, 0)));
        assertEquals("on /a.img from byte 1048576 (inode 12)", LoopBacking.describe(
                new LoopBacking.Backing(Path.of("/a.img"), new LoopBacking.FileId(3, 12), 1048576, 0)));
    }
}
