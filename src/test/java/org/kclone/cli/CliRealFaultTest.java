package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.NbdFaultDevice;

/** Real EIO from real block devices (nbdkit, nbdfuse, loop): a dead stick in a batch, bad source sectors. */
class CliRealFaultTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void needsNbd() {
        NbdFaultDevice.assumeAvailable();
    }

    @Test
    void aDeadStickIsDroppedAndTheOthersFinishVerified() throws Exception {
        byte[] data = new byte[16 << 20];
        new Random(1).nextBytes(data);
        Files.write(dir.resolve("src.img"), data);
        Path failing = Files.createFile(dir.resolve("failing"));
        try (NbdFaultDevice dead = NbdFaultDevice.start(Files.createDirectory(dir.resolve("nbd")), false,
                "--filter=error", "memory", "32M", "error-pwrite=EIO", "error-pwrite-rate=1",
                "error-pwrite-file=" + failing);
                LoopDevices loops = new LoopDevices()) {
            Path good1 = loops.attach(dir.resolve("good1.img"), 16 << 20);
            Path good2 = loops.attach(dir.resolve("good2.img"), 16 << 20);
            Cli r = Cli.run("copy", dir.resolve("src.img").toString(), good1.toString(), dead.device().toString(),
                    good2.toString(), "--yes", "--verify", "--json");
            assertEquals(1, r.exit, "a destination failed: exit 1\n" + r);
            JsonNode dests = JSON.readTree(r.out).path("destinations");
            assertEquals("ok", dests.get(0).path("status").asText());
            assertEquals("failed", dests.get(1).path("status").asText());
            assertTrue(dests.get(1).path("error").asText().contains("Input/output error"), dests.toString());
            assertEquals("ok", dests.get(2).path("status").asText());
            assertArrayEquals(data, CliLoopDeviceTest.contents(good1));
            assertArrayEquals(data, CliLoopDeviceTest.contents(good2));

            // --strict: the kernel's rule; the good destination is left incomplete and says so.
            Cli strict = Cli.run("copy", dir.resolve("src.img").toString(), good1.toString(), dead.device().toString(),
                    "--yes", "--json", "--strict", "--pages", "256", "--chunk", "64K");
            assertEquals(1, strict.exit, strict.toString());
            JsonNode s = JSON.readTree(strict.out).path("destinations");
            assertEquals("failed", s.get(1).path("status").asText());
            assertEquals("failed", s.get(0).path("status").asText(), "never ok when incomplete: " + s);
            assertTrue(s.get(0).path("error").asText().startsWith("incomplete:"), s.toString());
        }
    }

    @Test
    void unreadableSourceSectorsAreSkippedAsZerosWithIgnoreErrors() throws Exception {
        byte[] data = new byte[8 << 20];
        new Random(2).nextBytes(data);
        Path src = dir.resolve("src.img");
        Files.write(src, data);
        // GNU ddrescue map: bytes 0x100000..0x101fff (sectors 2048..2063) are bad.
        Path map = dir.resolve("bad.map");
        Files.writeString(map, "# Mapfile\n0x00000000 + 1\n0x00000000 0x00100000 +\n0x00100000 0x00002000 -\n"
                + "0x00102000 0x006FE000 +\n");
        try (NbdFaultDevice bad = NbdFaultDevice.start(Files.createDirectory(dir.resolve("nbd")), true,
                "--filter=ddrescue", "file", "file=" + src, "ddrescue-mapfile=" + map);
                LoopDevices loops = new LoopDevices()) {
            Path dst = loops.attach(dir.resolve("dst.img"), 8 << 20);
            Cli strict = Cli.run("copy", bad.device().toString(), dst.toString(), "--yes", "--json");
            assertEquals(1, strict.exit, strict.toString());
            JsonNode s = JSON.readTree(strict.out);
            assertEquals(2048, s.path("readErrors").get(0).path("start").asLong(), s.toString());
            assertEquals(16, s.path("readErrors").get(0).path("count").asLong(), s.toString());
            assertEquals("failed", s.path("destinations").get(0).path("status").asText(),
                    "the copy stopped at the bad sectors, so the destination is incomplete: " + s);

            Cli r = Cli.run("copy", bad.device().toString(), dst.toString(), "--yes", "--json", "--ignore-errors",
                    "--verify");
            assertEquals(1, r.exit, "a read error, even ignored, is exit 1\n" + r);
            JsonNode report = JSON.readTree(r.out);
            assertEquals(1, report.path("readErrors").size(), report.toString());
            assertEquals(2048, report.path("readErrors").get(0).path("start").asLong());
            assertEquals(16, report.path("readErrors").get(0).path("count").asLong());
            assertEquals("ok", report.path("destinations").get(0).path("status").asText(), report.toString());
            byte[] want = data.clone();
            Arrays.fill(want, 0x100000, 0x102000, (byte) 0);
            assertArrayEquals(want, CliLoopDeviceTest.contents(dst), "zeros exactly on the bad sectors");
        }
    }
}
