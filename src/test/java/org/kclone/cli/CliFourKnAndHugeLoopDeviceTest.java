package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;

/**
 * Devices as they come: loop devices with 4096-byte logical sectors (4Kn) as source and
 * destination, and a sparse 4 TiB loop device written and read beyond 2 TiB (sector numbers past
 * 2^32: no int overflow in sector or byte arithmetic anywhere from the argument to the JSON report).
 */
class CliFourKnAndHugeLoopDeviceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private LoopDevices loops;

    @BeforeEach
    void setUp() {
        LoopDevices.assumeAvailable();
        loops = new LoopDevices();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (loops != null) {
            loops.close();
        }
    }

    private byte[] random(int bytes, long seed) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void fourKnSourceToFourKnAndFiveTwelveDestinationsWholeAndAtAnOffset() throws Exception {
        byte[] data = random((int) (8 * MIB), 41);
        Files.write(dir.resolve("src.img"), data);
        Path src = loops.attachExisting(dir.resolve("src.img"), "--sector-size", "4096");
        Path fourKn = loops.attach(dir.resolve("d4k.img"), 12 * MIB, "--sector-size", "4096");
        Path plain = loops.attach(dir.resolve("d512.img"), 12 * MIB);
        assertEquals("4096", LoopDevices.run("blockdev", "--getss", fourKn.toString()).strip(), "a 4Kn device");

        Cli whole = Cli.run("copy", src.toString(), fourKn.toString(), plain.toString(), "--yes", "--verify", "--json");
        assertEquals(0, whole.exit, whole.toString());
        JsonNode report = JSON.readTree(whole.out);
        assertEquals(16384, report.path("source").path("length").asLong(), "8 MiB in 512-byte sectors");
        assertEquals(8 * MIB, report.path("bytes").asLong());
        byte[] on4k = CliLoopDeviceTest.contents(fourKn);
        assertArrayEquals(data, Arrays.copyOf(on4k, data.length));
        assertArrayEquals(new byte[(int) (4 * MIB)], Arrays.copyOfRange(on4k, data.length, on4k.length),
                "nothing past the region");
        assertArrayEquals(data, Arrays.copyOf(CliLoopDeviceTest.contents(plain), data.length));

        // 1 MiB of the source from its 2 MiB mark, to the 4Kn device at 3 MiB (aligned to 4096: accepted)
        Cli part = Cli.run("copy", src + "@2M+1M", fourKn + "@3M", "--yes", "--verify", "--json");
        assertEquals(0, part.exit, part.toString());
        JsonNode d = JSON.readTree(part.out).path("destinations").path(0);
        assertEquals(6144, d.path("start").asLong(), "3 MiB in 512-byte sectors");
        byte[] after = CliLoopDeviceTest.contents(fourKn);
        assertArrayEquals(Arrays.copyOfRange(data, (int) (2 * MIB), (int) (3 * MIB)),
                Arrays.copyOfRange(after, (int) (3 * MIB), (int) (4 * MIB)));
        assertArrayEquals(Arrays.copyOf(on4k, (int) (3 * MIB)), Arrays.copyOf(after, (int) (3 * MIB)),
                "the bytes before the region untouched");

        Cli check = Cli.run("verify", src + "@2M+1M", fourKn + "@3M", "--json");
        assertEquals(0, check.exit, check.toString());
        assertEquals("ok", JSON.readTree(check.out).path("destinations").path(0).path("status").asText());
    }

    @Test
    void aSparseFourTebibyteDeviceWrittenAndReadBackBeyondTwoTebibytes() throws Exception {
        Path backing = dir.resolve("huge.img");
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(4L << 40); // sparse: takes no space
        }
        Path huge = loops.attachExisting(backing);
        assertEquals(String.valueOf(4L << 40), LoopDevices.run("blockdev", "--getsize64", huge.toString()).strip());
        byte[] data = random((int) MIB, 42);
        Path src = Files.write(dir.resolve("src.img"), data);
        long at = 3L << 40; // 3 TiB: sector 6442450944, past 2^32
        long sector = at / 512;
        assertTrue(sector > 0xFFFF_FFFFL);

        Cli in = Cli.run("copy", src.toString(), huge + "@" + sector + "s", "--yes", "--verify", "--json");
        assertEquals(0, in.exit, in.toString());
        JsonNode d = JSON.readTree(in.out).path("destinations").path(0);
        assertEquals(sector, d.path("start").asLong(), "the start sector in the report, exactly");
        assertEquals("ok", d.path("status").asText());
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "r")) {
            byte[] back = new byte[data.length];
            f.seek(at);
            f.readFully(back);
            assertArrayEquals(data, back, "written at byte 3 TiB of the backing file");
        }

        Path out = dir.resolve("back.img");
        Cli back = Cli.run("copy", huge + "@3T+1M", out.toString(), "--yes", "--json");
        assertEquals(0, back.exit, back.toString());
        assertEquals(sector, JSON.readTree(back.out).path("source").path("start").asLong());
        assertArrayEquals(data, Files.readAllBytes(out));

        Cli end = Cli.run("copy", src.toString(), huge + "@" + ((4L << 40) / 512 - 2048) + "s", "--yes", "--json");
        assertEquals(0, end.exit, "a region ending exactly at the 4 TiB end is accepted\n" + end);
        Cli past = Cli.run("copy", src.toString(), huge + "@" + ((4L << 40) / 512 - 2047) + "s", "--yes", "--json");
        assertEquals(2, past.exit, "one sector more is refused\n" + past);
        assertTrue(past.err.contains("DEST 1"), past.toString());
    }
}
