package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableXZInputStream;

/**
 * {@code kclone verify SOURCE DEST} where SOURCE is a damaged compressed image: the destination is
 * reported failed (never ok, never a list of "unreadable" sectors) with where the source breaks in
 * plain words, uncompressed and compressed; a damage only the stream's last check sees (a gzip's
 * CRC) is found too, by verify and by copy.
 */
class CliVerifyBrokenSourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MiB = 1 << 20;
    private static final int SIZE = 8 * MiB;
    private static final Pattern BREAKS = Pattern.compile("it breaks at uncompressed byte (\\d+) \\((.*); the decoder"
            + " had read (\\d+) of its (\\d+) compressed bytes\\), so nothing past that can be verified; compared up to"
            + " byte (\\d+)");

    @TempDir
    Path dir;

    private LoopDevices loops;
    private byte[] data;

    @BeforeEach
    void setUp() {
        LoopDevices.assumeAvailable();
        loops = new LoopDevices();
        data = new byte[SIZE];
        Random r = new Random(8);
        String words = "the block of a disk image sector partition ";
        for (int i = 0; i < SIZE; i++) { // text-like: it compresses, so a flipped byte breaks the decoder
            data[i] = (byte) (r.nextInt(16) == 0 ? r.nextInt(256) : words.charAt(i % words.length()));
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        if (loops != null) {
            loops.close();
        }
    }

    private static String sh(Path in, String command) throws IOException {
        return LoopDevices.run("bash", "-c", "cd '" + in + "' && " + command);
    }

    /** The one destination's error, after checking it failed and the run said so. */
    private static String failedBecause(Cli r) throws IOException {
        assertEquals(1, r.exit, r.toString());
        JsonNode report = JSON.readTree(r.out);
        JsonNode d = report.path("destinations").get(0);
        assertEquals("failed", d.path("status").asText(), r.toString());
        assertEquals(0, report.path("readErrors").size(), "a broken stream is not unreadable sectors: " + r);
        assertTrue(report.path("bytes").asLong() < SIZE, "bytes compared, not the whole region: " + r);
        return d.path("error").asText();
    }

    @Test
    void aDamagedXzBlockIsNamedWhereItBreaks() throws Exception {
        Tools.assumeInstalled("xz");
        Files.write(dir.resolve("disk.img"), data);
        sh(dir, "xz -T2 --block-size=1MiB -k disk.img");
        Path xz = dir.resolve("disk.img.xz");
        long block5;
        try (SeekableXZInputStream index = new SeekableXZInputStream(new SeekableFileInputStream(xz.toFile()))) {
            block5 = index.getBlockCompPos(5);
        }
        byte[] stored = Files.readAllBytes(xz);
        stored[(int) block5 + 200] ^= 0x55;
        Files.write(xz, stored);
        Path dst = loops.attachExisting(Files.write(dir.resolve("dst.img"), data));

        Cli r = Cli.run("verify", "--json", xz.toString(), dst.toString());
        String why = failedBecause(r);
        assertTrue(why.startsWith("the source " + xz + " is a damaged xz image: "), why);
        Matcher m = BREAKS.matcher(why);
        assertTrue(m.find(), why);
        long at = Long.parseLong(m.group(1));
        // blocks 0..4 decode whole; the damage is inside block 5 (detected in it or at its check)
        assertTrue(at >= 5L * MiB && at <= 6L * MiB, why);
        assertEquals(stored.length, Long.parseLong(m.group(4)), why);
        assertTrue(Long.parseLong(m.group(3)) > block5, "the decoder had got past the damage: " + why);
        assertTrue(Long.parseLong(m.group(5)) <= at, why);
        assertTrue(!why.contains("--ignore-errors"), "the copy's advice is not verify's: " + why);

        Cli human = Cli.run("verify", xz.toString(), dst.toString());
        assertEquals(1, human.exit, human.toString());
        assertTrue(human.out.contains("FAILED    " + dst + ": the source " + xz + " is a damaged xz image: it breaks"
                + " at uncompressed byte " + at), human.toString());
    }

    @Test
    void aGzipWhoseOnlyDamageIsItsCrcFailsVerifyAndCopy() throws Exception {
        Tools.assumeInstalled("gzip");
        Files.write(dir.resolve("disk.img"), data);
        sh(dir, "gzip -k disk.img");
        Path gz = dir.resolve("disk.img.gz");
        byte[] stored = Files.readAllBytes(gz);
        stored[stored.length - 8] ^= 0x01; // the CRC-32 in the trailer: every byte decodes right
        Files.write(gz, stored);
        Path dst = loops.attachExisting(Files.write(dir.resolve("dst.img"), data));

        // its length given: no measuring pass (which would refuse it before anything is compared)
        String why = failedBecause(Cli.run("verify", "--json", gz + "+8M", dst.toString()));
        Matcher m = BREAKS.matcher(why);
        assertTrue(m.find(), why);
        assertEquals(SIZE, Long.parseLong(m.group(1)), "it breaks at its end: " + why);
        assertTrue(why.endsWith("the bytes before were equal"), why);

        // a copy from it fails too: its last check is read, though every byte of the region came out
        Path other = loops.attach(dir.resolve("other.img"), SIZE);
        Cli copy = Cli.run("copy", "--yes", "--json", gz + "+8M", other.toString());
        assertEquals(1, copy.exit, copy.toString());
        JsonNode d = JSON.readTree(copy.out).path("destinations").get(0);
        assertEquals("failed", d.path("status").asText(), copy.toString());
        assertTrue(d.path("error").asText().contains("the gzip stream of " + gz + " is corrupt or truncated"),
                copy.toString());
    }
}
