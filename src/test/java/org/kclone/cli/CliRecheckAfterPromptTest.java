package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.Tools;
import org.kclone.testing.LoopDevices;

/**
 * The guards run again after the confirmation: what changes while the prompt waits (a file
 * system mounted on the destination, an image file resized) is refused, exit 2, nothing written.
 * "The person" is a terminal stub that changes the machine while it reads the prompt, then types yes.
 */
class CliRecheckAfterPromptTest {

    @TempDir
    Path dir;


    private Path randomFile(String name, int bytes, long seed) throws IOException {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    private static void resize(Path p, long bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
    }

    @Test
    void anImageDestinationResizedWhileThePromptWaitsIsRefused() throws Exception {
        Path src = randomFile("src.img", 1 << 20, 1);
        Path dst = randomFile("dst.img", 2 << 20, 2);
        byte[] before = Files.readAllBytes(dst);
        Cli r = Cli.answering("yes", () -> resize(dst, 3 << 20), "copy", src.toString(), dst.toString());
        assertTrue(r.asked, r.toString());
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("DEST 1: " + dst + " changed size after the confirmation"), r.toString());
        assertTrue(r.err.contains("nothing was written"), r.toString());
        byte[] after = Files.readAllBytes(dst);
        assertArrayEquals(before, Arrays.copyOf(after, before.length), "not one byte written");
        assertArrayEquals(new byte[1 << 20], Arrays.copyOfRange(after, before.length, after.length));
    }

    @Test
    void anImageDestinationShrunkWhileThePromptWaitsIsRefusedAsChanged() throws Exception {
        Path src = randomFile("src.img", 2 << 20, 5);
        Path dst = randomFile("dst.img", 2 << 20, 6);
        Cli r = Cli.answering("yes", () -> resize(dst, 1 << 20), "copy", src.toString(), dst.toString());
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("DEST 1: changed after the confirmation: image file " + dst), r.toString());
        assertTrue(r.err.contains("nothing was written"), r.toString());
        assertEquals(1 << 20, Files.size(dst), "not grown, not written");
    }

    @Test
    void zeroAlsoChecksAgainAfterThePrompt() throws Exception {
        Path dst = randomFile("dst.img", 2 << 20, 3);
        byte[] before = Files.readAllBytes(dst);
        Cli r = Cli.answering("yes", () -> resize(dst, 4 << 20), "zero", dst.toString());
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("DEST 1: " + dst), r.toString());
        byte[] after = Files.readAllBytes(dst);
        assertArrayEquals(before, Arrays.copyOf(after, before.length), "not one byte zeroed");
    }

    @Test
    void aSourceRemovedWhileThePromptWaitsIsRefused() throws Exception {
        Path src = randomFile("src.img", 1 << 20, 4);
        Path dst = dir.resolve("new.img");
        Cli r = Cli.answering("yes", () -> Files.delete(src), "copy", src.toString(), dst.toString());
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("SOURCE: changed after the confirmation: " + src + " does not exist"),
                r.toString());
        assertTrue(Files.notExists(dst), "no image file created");
    }

    @Test
    void aFileSystemMountedOnTheDestinationWhileThePromptWaitsIsRefused() throws Exception {
        LoopDevices.assumeAvailable();
        assumeTrue(Tools.installed("mkfs.ext4"), "mkfs.ext4 (e2fsprogs) is not installed");
        assumeTrue(Tools.installed("mount") && Tools.installed("umount"), "mount/umount (util-linux) are not installed");
        Path src = randomFile("src.img", 4 << 20, 5);
        Path backing = dir.resolve("dst.img");
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        try (LoopDevices loops = new LoopDevices()) {
            Path dev = loops.attach(backing, 32 << 20);
            // every inode table written now, so nothing writes to the device after the mount
            LoopDevices.run("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", dev.toString());
            byte[] before = Files.readAllBytes(backing);
            AtomicBoolean mounted = new AtomicBoolean();
            try {
                Cli r = Cli.answering("yes", () -> {
                    LoopDevices.run("mount", "-o", "ro", dev.toString(), mnt.toString());
                    mounted.set(true);
                }, "copy", src.toString(), dev.toString());
                assertTrue(mounted.get(), r.toString());
                assertEquals(2, r.exit, r.toString());
                // the guard that ran again says so (the exclusive open would refuse it too, without naming the mount)
                assertTrue(r.err.contains("DEST 1: changed after the confirmation: " + dev + " is mounted at " + mnt),
                        r.toString());
                assertTrue(r.out.isEmpty(), "no report: nothing ran\n" + r);
            } finally {
                if (mounted.get()) {
                    LoopDevices.run("umount", mnt.toString());
                }
            }
            assertArrayEquals(before, Files.readAllBytes(backing), "the file system is byte-identical");
        }
    }
}
