package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;

/**
 * A full file system under an image destination (ENOSPC, for real: an 8 MiB ext4 on a loop device):
 * that destination fails alone, with the OS's words; the other finishes and verifies; exit 1. The
 * destination is an existing sparse image (its holes take room only when written), which the
 * free-space check before the job cannot see coming; a new image too large is refused before the
 * job (CliFreeSpaceTest).
 */
class CliDiskFullLoopDeviceTest {

    @TempDir
    Path dir;

    @Test
    void aFullFileSystemFailsItsImageAloneAndTheOtherFinishes() throws Exception {
        LoopDevices.assumeAvailable();
        assumeTrue(Tools.installed("mkfs.ext4"), "mkfs.ext4 (e2fsprogs) is not installed");
        assumeTrue(Tools.installed("mount") && Tools.installed("umount"), "mount/umount are not installed");
        byte[] data = new byte[16 << 20];
        new Random(61).nextBytes(data);
        Path src = Files.write(dir.resolve("src.img"), data);
        Path mnt = Files.createDirectory(dir.resolve("small"));
        try (LoopDevices loops = new LoopDevices()) {
            Path dev = loops.attach(dir.resolve("fs.img"), 8 << 20);
            LoopDevices.run("mkfs.ext4", "-q", "-F", dev.toString());
            LoopDevices.run("mount", dev.toString(), mnt.toString());
            try {
                Path full = mnt.resolve("backup.img");
                try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(full.toFile(), "rw")) {
                    f.setLength(16 << 20); // sparse: fits the 8 MiB file system until it is written
                }
                Path good = dir.resolve("good.img");
                Cli r = Cli.run("copy", src.toString(), full.toString(), good.toString(), "--yes", "--verify", "--json");
                assertEquals(1, r.exit, r.toString());
                JsonNode d = new ObjectMapper().readTree(r.out).path("destinations");
                assertEquals("failed", d.get(0).path("status").asText(), d.toString());
                assertTrue(d.get(0).path("error").asText().contains("No space left on device"), d.toString());
                assertEquals("ok", d.get(1).path("status").asText(), "the other finished and verified: " + d);
                assertArrayEquals(data, Files.readAllBytes(good));
            } finally {
                LoopDevices.run("umount", mnt.toString());
            }
        }
    }
}
