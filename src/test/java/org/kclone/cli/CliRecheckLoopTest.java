package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.Tools;
import org.kclone.testing.LoopDevices;

/**
 * The prompt and the check after it, on real loop devices: a loop device re-attached to another
 * file of the same size while the prompt waits is refused (W4); under --force the prompt marks a
 * mounted destination, and a mount that appears while it waits is refused (W5).
 */
class CliRecheckLoopTest {

    @TempDir
    Path dir;


    private Path randomFile(String name, int bytes, long seed) throws IOException {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    @Test
    void aLoopDeviceSwappedToAnotherFileOfTheSameSizeWhileThePromptWaitsIsRefused() throws Exception {
        LoopDevices.assumeAvailable();
        Path src = randomFile("src.img", 1 << 20, 1);
        Path a = randomFile("sw8.img", 8 << 20, 2);
        Path b = randomFile("sw8b.img", 8 << 20, 3);
        byte[] aBefore = Files.readAllBytes(a);
        byte[] bBefore = Files.readAllBytes(b);
        String dev = LoopDevices.run("losetup", "--find", "--show", a.toString()).trim();
        AtomicBoolean swapped = new AtomicBoolean();
        try {
            Cli r = Cli.answering("yes", () -> {
                LoopDevices.run("losetup", "-d", dev);
                // the device number is free again once the kernel has let go of it
                IOException last = null;
                for (int i = 0; i < 100 && !swapped.get(); i++) {
                    try {
                        LoopDevices.run("losetup", dev, b.toString());
                        swapped.set(true);
                    } catch (IOException busy) {
                        last = busy;
                        Thread.onSpinWait();
                    }
                }
                if (!swapped.get()) {
                    throw last;
                }
            }, "copy", src.toString(), dev);
            assertTrue(swapped.get(), r.toString());
            assertTrue(r.err.contains("DEST 1: " + dev + "  8.0 MiB  (sectors 0+2048, 1.0 MiB)  (loop device on "
                    + a.toRealPath()), "the prompt names the backing file\n" + r);
            assertEquals(2, r.exit, r.toString());
            assertTrue(r.err.contains("DEST 1: " + dev + " is another device now (a loop device on "
                    + a.toRealPath()), r.toString());
            assertTrue(r.err.contains(", on " + b.toRealPath()), r.toString());
        } finally {
            LoopDevices.run("losetup", "-d", dev);
        }
        assertArrayEquals(aBefore, Files.readAllBytes(a));
        assertArrayEquals(bBefore, Files.readAllBytes(b), "the file swapped in was not written");
    }

    @Test
    void underForceThePromptShowsTheMountAndAMountMeanwhileIsRefused() throws Exception {
        LoopDevices.assumeAvailable();
        assumeTrue(Tools.installed("mkfs.ext4"), "mkfs.ext4 (e2fsprogs) is not installed");
        assumeTrue(Tools.installed("mount") && Tools.installed("umount"), "mount/umount (util-linux) are not installed");
        Path src = randomFile("src.img", 1 << 20, 4);
        Path backing = dir.resolve("fs.img");
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        try (LoopDevices loops = new LoopDevices()) {
            Path dev = loops.attach(backing, 32 << 20);
            LoopDevices.run("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", dev.toString());
            byte[] before = Files.readAllBytes(backing);
            AtomicBoolean mounted = new AtomicBoolean();
            try {
                Cli r = Cli.answering("yes", () -> {
                    LoopDevices.run("mount", "-o", "ro", dev.toString(), mnt.toString());
                    mounted.set(true);
                }, "copy", src.toString(), dev + "@8M", "--force");
                assertTrue(mounted.get(), r.toString());
                assertEquals(2, r.exit, r.toString());
                assertTrue(r.err.contains("DEST 1: " + dev + " is mounted at " + mnt
                        + " now (it was not in use when you confirmed); nothing was written"), r.toString());
                assertArrayEquals(before, Files.readAllBytes(backing), "the file system is byte-identical");

                Cli shown = Cli.answering("no", () -> { }, "copy", src.toString(), dev + "@8M", "--force");
                assertEquals(2, shown.exit, shown.toString());
                assertTrue(shown.err.contains("MOUNTED at " + mnt + ", written anyway (--force)"), shown.toString());
            } finally {
                if (mounted.get()) {
                    LoopDevices.run("umount", mnt.toString());
                }
            }
        }
    }
}
