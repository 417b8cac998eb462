package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;

/**
 * A source whose file system is mounted read-write, on a real loop device with ext4: refused
 * (exit 2, the mount point named, no image created); remounted read-only it copies; --force copies
 * the live one.
 */
class CliLiveSourceLoopDeviceTest {

    @TempDir
    Path dir;

    @Test
    void aSourceMountedReadWriteIsRefusedReadOnlyCopiesForceCopies() throws Exception {
        LoopDevices.assumeAvailable();
        assumeTrue(Tools.installed("mkfs.ext4"), "mkfs.ext4 (e2fsprogs) is not installed");
        assumeTrue(Tools.installed("mount") && Tools.installed("umount"), "mount/umount are not installed");
        Path mnt = Files.createDirectory(dir.resolve("live"));
        try (LoopDevices loops = new LoopDevices()) {
            Path dev = loops.attach(dir.resolve("fs.img"), 8 << 20);
            LoopDevices.run("mkfs.ext4", "-q", "-F", dev.toString());
            LoopDevices.run("mount", dev.toString(), mnt.toString());
            try {
                Path out = dir.resolve("out.img");
                Cli live = Cli.run("copy", dev.toString(), out.toString(), "--yes");
                assertEquals(2, live.exit, live.toString());
                assertTrue(live.err.startsWith("kclone: refused: SOURCE: " + dev + " is in use: " + dev
                        + " is mounted read-write at " + mnt + "; "), live.toString());
                assertFalse(Files.exists(out), "no image created");

                LoopDevices.run("mount", "-o", "remount,ro", mnt.toString());
                Cli ro = Cli.run("copy", dev.toString(), out.toString(), "--yes");
                assertEquals(0, ro.exit, "a read-only mount is fine\n" + ro);
                assertEquals(8 << 20, Files.size(out));

                LoopDevices.run("mount", "-o", "remount,rw", mnt.toString());
                Cli forced = Cli.run("copy", dev.toString(), dir.resolve("forced.img").toString(), "--yes", "--force");
                assertEquals(0, forced.exit, "--force copies the live file system\n" + forced);
            } finally {
                LoopDevices.run("umount", mnt.toString());
            }
        }
    }
}
