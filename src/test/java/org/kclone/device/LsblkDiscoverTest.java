package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery with a stand-in for lsblk (a shell command: what it prints, how it ends), lsblk's
 * JSON nulls, and which by-id name a device gets when several are as short.
 */
class LsblkDiscoverTest {

    @TempDir
    Path dir;

    private static List<String> sh(String script, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("sh", "-c", script, "lsblk"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void whatTheCommandPrintsIsParsedWithTheByIdNamesOfTheFolder() throws Exception {
        Path json = Files.writeString(dir.resolve("out.json"), "{\"blockdevices\":[{\"name\":\"vdq\",\"path\":\""
                + dir.resolve("vdq") + "\",\"size\":4096,\"type\":\"disk\"}]}");
        Path node = Files.createFile(dir.resolve("vdq"));
        Path ids = Files.createDirectory(dir.resolve("by-id"));
        Files.createSymbolicLink(ids.resolve("virtio-q"), node);
        List<DeviceInfo> found = Lsblk.discover(sh("cat \"$1\"", json.toString()), ids);
        assertEquals(1, found.size());
        assertEquals("vdq", found.get(0).name());
        assertEquals(4096, found.get(0).size());
        assertEquals("virtio-q", found.get(0).stableId());
    }

    @Test
    void aFailingLsblkIsAnErrorCarryingWhatItSaid() {
        IOException e = assertThrows(IOException.class, () -> Lsblk.discover(
                sh("echo '{\"blockdevices\":[]}'; echo 'lsblk: unknown column: PKNAME' >&2; exit 1"), dir));
        assertEquals("lsblk failed: lsblk: unknown column: PKNAME", e.getMessage());
    }

    @Test
    void anInterruptedWaitIsAnErrorAndTheInterruptIsKeptForTheCaller() throws Exception {
        Path pid = dir.resolve("pid");
        // closes its output at once (so reading it ends) and stays: the wait for its exit is what is interrupted
        List<String> cmd = sh("echo $$ > \"$1\"; exec >&- 2>&-; exec sleep 600", pid.toString());
        Thread.currentThread().interrupt();
        try {
            IOException e = assertThrows(IOException.class, () -> Lsblk.discover(cmd, dir));
            assertEquals("interrupted while waiting for lsblk", e.getMessage());
            assertTrue(Thread.interrupted(), "the interrupt is kept (and cleared here)");
        } finally {
            Thread.interrupted();
            // (kclone stops it at once: it may not have got as far as writing it; the file exists, still
            // empty, between the shell's '>' and its echo: seen once on a loaded machine)
            String p = Files.exists(pid) ? Files.readString(pid).strip() : "";
            for (int i = 0; p.isEmpty() && Files.exists(pid) && i < 50; i++) {
                Thread.sleep(100);
                p = Files.readString(pid).strip();
            }
            if (!p.isEmpty()) {
                ProcessHandle.of(Long.parseLong(p)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void jsonNullsAreNoValues() throws Exception {
        DeviceInfo d = Lsblk.parse("{\"blockdevices\":[{\"name\":\"sdq\",\"path\":null,\"size\":512,\"type\":\"disk\","
                + "\"model\":null,\"serial\":null,\"tran\":null,\"fstype\":null,\"label\":null,\"pkname\":null,"
                + "\"rm\":null,\"ro\":null}]}", Map.of()).get(0);
        assertEquals("/dev/sdq", d.path(), "a null PATH: /dev/NAME");
        assertNull(d.model());
        assertNull(d.serial());
        assertNull(d.transport());
        assertNull(d.fsType());
        assertNull(d.label());
        assertNull(d.parent());
        assertFalse(d.removable());
        assertFalse(d.readOnly());
        assertEquals("/dev/sdq  512 B", d.describe(), "no 'null' model, serial or transport");
    }

    @Test
    void ofByIdNamesAsShortTheFirstInAlphabeticalOrderIsTaken() throws Exception {
        Path target = Files.createFile(dir.resolve("target"));
        Path ids = Files.createDirectory(dir.resolve("by-id"));
        // (on this machine's ext4 the folder lists usb-A before ata-1: the folder's order does not decide)
        for (String id : List.of("usb-B", "usb-C", "usb-A", "ata-2", "ata-1", "nvme-long-name")) {
            Files.createSymbolicLink(ids.resolve(id), target);
        }
        assertEquals(Map.of(target.toRealPath().toString(), "ata-1"), Lsblk.stableIds(ids));
    }

    @Test
    void aLsblkThatHangsIsStoppedAndTheErrorSaysSo() throws Exception {
        Path pid = dir.resolve("pid");
        // keeps its output open and never ends: reading the output alone would wait for ever
        List<String> cmd = sh("echo $$ > \"$1\"; exec sleep 600", pid.toString());
        IOException e = assertThrows(IOException.class, () -> Lsblk.discover(cmd, dir, 1));
        assertEquals("lsblk did not answer within 1 s (a device not responding?); it was stopped", e.getMessage());
        long id = Long.parseLong(Files.readString(pid).strip());
        ProcessHandle.of(id).ifPresent(h -> h.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(id).map(ProcessHandle::isAlive).orElse(false), "the hung lsblk is gone");
    }

    @Test
    void muchOnItsErrorOutputDoesNotStallIt() throws Exception {
        // 1 MiB on stderr before the JSON: more than a pipe holds, so both pipes must be read at once
        List<String> cmd = sh("head -c 1048576 /dev/zero | tr '\\0' x >&2; echo '{\"blockdevices\":[]}'");
        assertEquals(List.of(), Lsblk.discover(cmd, dir, 60));
    }
}
