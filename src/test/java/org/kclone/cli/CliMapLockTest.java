package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resumed run checks its source image through a descriptor of its own (JobMap.begin); closing
 * that descriptor before the run ends would drop the run's fcntl lock on the image (Linux drops a
 * process's POSIX locks on a file when any of its descriptors of that file is closed). While the
 * resumed run copies, another process must still be kept from locking the source for writing.
 * Image files, no root.
 */
class CliMapLockTest {

    @TempDir
    Path dir;

    @Test
    void aResumedRunKeepsItsLockOnTheSourceImage() throws Exception {
        byte[] data = new byte[32 << 20];
        new Random(5).nextBytes(data);
        Path src = Files.write(dir.resolve("src.img"), data);
        Path map = dir.resolve("job.map");
        KcloneProcess first = KcloneProcess.start(dir, dir.resolve("state"), List.of("-Xmx256m"), "copy", "src.img",
                "dst.img", "--yes", "--map", "job.map", "--map-every", "2M", "--limit", "4M");
        assertTrue(first.awaitWhileAlive(() -> read(map).contains("\n0  0x0000000000000000  0x0000000000")),
                "the map shows progress\n" + first);
        try (FileChannel ch = FileChannel.open(src, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock(0, Long.MAX_VALUE, false);
            if (lock != null) {
                lock.release();
            }
            assertNull(lock, "the run holds its shared lock on the source image (OpenedPlan reads it before the claim)");
        }
        first.signal("TERM");
        assertEquals(1, first.waitFor(), first.toString());
        assertTrue(read(map).contains("\nstatus interrupted\n"), read(map));

        KcloneProcess resumed = KcloneProcess.start(dir, dir.resolve("state"), List.of("-Xmx256m"), "copy",
                "src.img", "dst.img", "--yes", "--map", "job.map", "--limit", "1M");
        try {
            // the map is written again as the resumed run begins (after its source was checked)
            assertTrue(resumed.awaitWhileAlive(() -> read(map).contains("\nstatus running\n")),
                    "the resumed run began\n" + resumed);
            try (FileChannel ch = FileChannel.open(src, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock lock = ch.tryLock(0, Long.MAX_VALUE, false);
                if (lock != null) {
                    lock.release();
                }
                assertNull(lock, "the resumed run still holds its shared lock on the source image");
            }
        } finally {
            resumed.signal("TERM");
            resumed.waitFor();
        }
    }

    private static String read(Path map) {
        try {
            return Files.readString(map);
        } catch (Exception e) {
            return "";
        }
    }
}
