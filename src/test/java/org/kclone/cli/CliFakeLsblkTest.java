package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.BlockNodes;
import org.kclone.testing.LoopDevices;

/**
 * The CLI's --force and --allow-system-disk, end to end: the CLI runs in its own JVM with a fake
 * {@code lsblk} first in PATH that describes the destination as mounted (or as the system disk).
 * As root the destination is a loop device of the test's own, so writing to it with --force is
 * harmless and checked byte for byte; without root it is a real block device node this user
 * cannot open, so --force must get it past the guard and up to the open, which then refuses for
 * permission instead.
 */
class CliFakeLsblkTest {

    private static final int MiB = 1 << 20;

    @TempDir
    Path dir;

    private LoopDevices loops;
    private Path dest;
    private Path src;
    private byte[] data;

    @BeforeEach
    void setUp() throws Exception {
        data = new byte[MiB];
        new Random(41).nextBytes(data);
        src = Files.write(dir.resolve("src.img"), data);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            LoopDevices.assumeAvailable();
            loops = new LoopDevices();
            byte[] old = new byte[4 * MiB];
            new Random(42).nextBytes(old);
            Files.write(dir.resolve("dest.img"), old);
            dest = loops.attachExisting(dir.resolve("dest.img"));
        } else {
            dest = BlockNodes.oneNotWritable();
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (loops != null) {
            loops.close();
        }
    }

    /** A folder with an {@code lsblk} that prints one 4 MiB device at {@code dest}, as described. */
    private Path fakeLsblk(String mountpoint) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String name = dest.getFileName().toString();
        Files.writeString(dir.resolve("lsblk.json"), "{\"blockdevices\":[{\"name\":\"" + name + "\",\"path\":\"" + dest
                + "\",\"size\":" + 4 * MiB + ",\"type\":\"disk\",\"model\":\"Fake\",\"serial\":\"F1\",\"tran\":\"usb\","
                + "\"rm\":true,\"ro\":false,\"mountpoints\":[\"" + mountpoint + "\"],\"fstype\":\"ext4\","
                + "\"label\":null,\"pkname\":null,\"log-sec\":512,\"phy-sec\":512,\"start\":null}]}\n");
        Path lsblk = bin.resolve("lsblk");
        Files.writeString(lsblk, "#!/bin/sh\nexec cat '" + dir.resolve("lsblk.json") + "'\n");
        Files.setPosixFilePermissions(lsblk, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private byte[] destBytes() throws Exception {
        return loops != null ? CliLoopDeviceTest.contents(dest) : null;
    }

    /** With --force the guard let it through: as root the copy is done; otherwise the open refused it. */
    private void assertPassedTheGuard(KcloneProcess.Finished r, byte[] before) throws Exception {
        if (loops != null) {
            assertEquals(0, r.exit, r.toString());
            byte[] after = destBytes();
            assertArrayEquals(data, java.util.Arrays.copyOf(after, MiB), "written with --force");
            assertArrayEquals(java.util.Arrays.copyOfRange(before, MiB, 4 * MiB),
                    java.util.Arrays.copyOfRange(after, MiB, 4 * MiB));
        } else {
            assertEquals(2, r.exit, r.toString());
            assertTrue(r.err.contains("kclone: refused: DEST 1: permission denied opening " + dest), r.toString());
        }
    }

    @Test
    void refusesADestinationDescribedAsMountedUnlessForced() throws Exception {
        KcloneProcess.Setup fake = new KcloneProcess.Setup(fakeLsblk("/media/kclone-test"), 0);
        byte[] before = destBytes();
        KcloneProcess.Finished no = KcloneProcess.run(dir, fake, "copy", src.toString(), dest.toString(), "--yes");
        assertEquals(2, no.exit, no.toString());
        assertTrue(no.err.contains("kclone: refused: DEST 1: " + dest + " is mounted at /media/kclone-test"),
                no.toString());
        assertArrayEquals(before, destBytes(), "nothing written");
        KcloneProcess.Finished forced = KcloneProcess.run(dir, fake, "copy", src.toString(), dest.toString(), "--yes", "--force");
        assertFalse(forced.err.contains("is mounted"), forced.toString());
        assertPassedTheGuard(forced, before);
    }

    @Test
    void refusesTheSystemDiskWithForceAloneAndWritesWithForceAndAllowSystemDisk() throws Exception {
        KcloneProcess.Setup fake = new KcloneProcess.Setup(fakeLsblk("/"), 0);
        byte[] before = destBytes();
        for (String[] flags : new String[][] {{}, {"--force"}, {"--allow-system-disk"}}) {
            String[] args = new String[4 + flags.length];
            System.arraycopy(new String[] {"copy", src.toString(), dest.toString(), "--yes"}, 0, args, 0, 4);
            System.arraycopy(flags, 0, args, 4, flags.length);
            KcloneProcess.Finished r = KcloneProcess.run(dir, fake, args);
            assertEquals(2, r.exit, r.toString());
            assertTrue(r.err.contains("kclone: refused: DEST 1: " + dest + " is on the system disk"), r.toString());
        }
        assertArrayEquals(before, destBytes(), "nothing written");
        KcloneProcess.Finished both = KcloneProcess.run(dir, fake, "copy", src.toString(), dest.toString(), "--yes", "--force",
                "--allow-system-disk");
        assertFalse(both.err.contains("system disk"), both.toString());
        assertPassedTheGuard(both, before);
    }
}
