package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.NbdFaultDevice;

/**
 * A fake-capacity stick as a real block device: nbdkit's eval plugin reports 64 MiB and keeps
 * 8 MiB, its addresses wrapping (offset mod 8 MiB), behind nbdfuse and a loop device without page
 * cache. With {@code --probe} it is found before the copy and failed alone while a genuine device
 * gets the copy and verifies; with {@code --no-probe --verify} only verification sees it.
 */
class CliFakeStickNbdTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aFakeStickIsFoundBeforeTheCopyAndFailsAloneTheGenuineOneVerifies() throws Exception {
        NbdFaultDevice.assumeAvailable();
        Path real = dir.resolve("real.img");
        try (RandomAccessFile f = new RandomAccessFile(real.toFile(), "rw")) {
            f.setLength(8 * MIB);
        }
        byte[] data = new byte[16 * MIB];
        new Random(81).nextBytes(data);
        Path src = Files.write(dir.resolve("src.img"), data);
        String mod = "$(( $4 % " + 8 * MIB + " ))";
        try (NbdFaultDevice fake = NbdFaultDevice.start(Files.createDirectory(dir.resolve("nbd")),
                List.of("--direct-io=on"), "eval", "get_size=echo " + 64 * MIB,
                "pread=dd if=" + real + " iflag=skip_bytes,count_bytes skip=" + mod + " count=$3 status=none",
                "pwrite=dd of=" + real + " oflag=seek_bytes conv=notrunc seek=" + mod + " status=none");
                LoopDevices loops = new LoopDevices()) {
            Path good = loops.attach(dir.resolve("good.img"), 64L * MIB);
            String stick = fake.device().toString();

            Cli probed = Cli.run("copy", src.toString(), stick, good.toString(), "--yes", "--probe", "--verify", "--json");
            assertEquals(1, probed.exit, probed.toString());
            assertTrue(probed.err.contains("kclone: checking " + stick + ", " + good + " for fake capacity"),
                    probed.toString());
            JsonNode d = new ObjectMapper().readTree(probed.out).path("destinations");
            assertEquals("failed", d.get(0).path("status").asText(), d.toString());
            assertTrue(d.get(0).path("error").asText().startsWith(
                    "fake capacity: it reports 64.0 MiB but keeps at most about 8.0 MiB ("), d.toString());
            assertEquals("ok", d.get(1).path("status").asText(), "the genuine one is written and verified: " + d);
            assertArrayEquals(data, Arrays.copyOf(CliLoopDeviceTest.contents(good), data.length));

            Cli unprobed = Cli.run("copy", src.toString(), stick, "--yes", "--no-probe", "--verify", "--json");
            assertEquals(1, unprobed.exit, unprobed.toString());
            assertEquals("mismatch", new ObjectMapper().readTree(unprobed.out).path("destinations").get(0)
                    .path("status").asText(), "without the probe, verification still catches it\n" + unprobed);
            assertTrue(!unprobed.err.contains("fake capacity"), unprobed.toString());
        }
    }
}
