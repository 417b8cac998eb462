package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new image larger than its file system's free room is refused before anything is written. */
class CliFreeSpaceTest {

    @TempDir
    Path dir;

    @Test
    void aRealSmallFileSystemRefusesALargeImageAndTakesASmallOne() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a small file system needs root");
        Path mnt = Files.createDirectory(dir.resolve("small"));
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.toString())
                .redirectErrorStream(true).start();
        m.getInputStream().readAllBytes();
        assumeTrue(m.waitFor() == 0, "cannot mount a tmpfs here");
        try {
            Path src = Files.write(dir.resolve("src.img"), new byte[8 << 20]);
            Cli r = Cli.run("copy", "--yes", src.toString(), mnt.resolve("x.img").toString());
            assertEquals(2, r.exit, r.toString());
            assertTrue(r.err.contains("DEST 1: " + mnt.resolve("x.img") + " needs 8.0 MiB but its file system has 4.0 MiB"
                    + " free"), r.err);
            assertFalse(Files.exists(mnt.resolve("x.img")), "nothing was made");
            Path small = Files.write(dir.resolve("small.img"), new byte[1 << 20]);
            Cli ok = Cli.run("copy", "--yes", small.toString(), mnt.resolve("y.img").toString());
            assertEquals(0, ok.exit, ok.toString());
        } finally {
            new ProcessBuilder("umount", mnt.toString()).start().waitFor();
        }
    }
}
