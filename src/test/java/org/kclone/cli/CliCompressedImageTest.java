package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;

/**
 * Compressed images on loop devices, checked against the real tools: kclone's .zst, .xz and .gz
 * images decompress right with zstd, xz and gzip and pass {@code sha256sum -c}; images made by
 * zstd, xz, gzip, bzip2 and zip restore byte for byte; a truncated, corrupt or ambiguous image, or
 * one that fails its checksum, fails clearly and no destination is reported ok.
 */
class CliCompressedImageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MiB = 1 << 20;
    private static final int SIZE = 8 * MiB;
    /** A SHA-256 no test image has. */
    private static final String WRONG = "0".repeat(64);

    @TempDir
    Path dir;

    private LoopDevices loops;
    private byte[] data;

    @BeforeEach
    void setUp() {
        LoopDevices.assumeAvailable();
        loops = new LoopDevices();
        // a partition as it often is: some data, mostly zeros
        data = new byte[SIZE];
        byte[] r = new byte[3 * MiB];
        new Random(42).nextBytes(r);
        System.arraycopy(r, 0, data, MiB, r.length);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (loops != null) {
            loops.close();
        }
    }

    private Path loop(String name, byte[] content) throws IOException {
        return loops.attachExisting(Files.write(dir.resolve(name), content));
    }

    private static String sh(Path in, String command) throws IOException {
        return LoopDevices.run("bash", "-c", "cd '" + in + "' && " + command);
    }

    private static JsonNode json(Cli r) throws IOException {
        return JSON.readTree(r.out);
    }

    private static void assertNoDestinationOk(Cli r, String reason) throws IOException {
        assertEquals(1, r.exit, r.toString());
        JsonNode dests = json(r).path("destinations");
        assertTrue(dests.size() > 0, r.toString());
        for (JsonNode d : dests) {
            assertEquals("failed", d.path("status").asText(), r.toString());
            assertTrue(d.path("error").asText().startsWith("incomplete: "), r.toString());
            assertTrue(d.path("error").asText().contains(reason), "expected '" + reason + "' in " + r);
        }
    }

    @Test
    void everyWrittenFormatRoundTripsAndTheToolsReadIt() throws Exception {
        Tools.assumeInstalled("zstd", "xz", "gzip", "sha256sum");
        Path src = loop("src.img", data);
        for (String suffix : List.of(".zst", ".xz", ".gz")) {
            Path image = dir.resolve("backup.img" + suffix);
            // a raw device beside the compressed image in the same job
            Path raw = loops.attach(dir.resolve("raw" + suffix.substring(1) + ".img"), SIZE);
            Cli out = Cli.run("copy", "--yes", "--verify", "--json", src.toString(), image.toString(),
                    raw.toString());
            assertEquals(0, out.exit, out.toString());
            assertEquals("ok", json(out).path("destinations").get(0).path("status").asText());
            assertEquals("ok", json(out).path("destinations").get(1).path("status").asText());
            assertArrayEquals(data, CliLoopDeviceTest.contents(raw), "the raw destination beside " + suffix);
            // the sidecar in sha256sum -c format, of the file as stored
            String side = Files.readString(dir.resolve("backup.img" + suffix + ".sha256"));
            assertTrue(side.matches("[0-9a-f]{64}  backup\\.img" + suffix.replace(".", "\\.") + "\n"), side);
            sh(dir, "sha256sum -c --status backup.img" + suffix + ".sha256");
            Cli compared = Cli.run("verify", image.toString(), src.toString()); // by the uncompressed bytes
            assertEquals(0, compared.exit, compared.toString());
            String tool = switch (suffix) {
                case ".zst" -> "zstd -dcq";
                case ".xz" -> "xz -dc";
                default -> "gzip -dc";
            };
            sh(dir, tool + " backup.img" + suffix + " > tool.out");
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("tool.out")), tool);
            // and back onto a device: the same command the other way round
            Path dst = loops.attach(dir.resolve("dst" + suffix.substring(1) + ".img"), SIZE);
            Cli back = Cli.run("copy", "--yes", "--verify", "--json", image.toString(), dst.toString());
            assertEquals(0, back.exit, back.toString());
            assertEquals("ok", json(back).path("destinations").get(0).path("status").asText());
            assertArrayEquals(data, CliLoopDeviceTest.contents(dst), suffix);
        }
    }

    @Test
    void imagesMadeByTheToolsRestoreByteForByte() throws Exception {
        Tools.assumeInstalled("zstd", "xz", "gzip", "bzip2", "zip");
        Files.write(dir.resolve("disk.img"), data);
        sh(dir, "zstd -q -T2 disk.img -o t1 && xz -T2 -c disk.img > t2 && gzip -c disk.img > t3"
                + " && bzip2 -c disk.img > t4 && zip -q t5.zip disk.img"
                + " && gzip -c disk.img > t6 && cat t6 >> t6.cat && cat t6 >> t6.cat"); // names say nothing
        Path dst = loops.attach(dir.resolve("dst.img"), SIZE);
        for (String f : List.of("t1", "t2", "t3", "t4", "t5.zip")) {
            Cli r = Cli.run("copy", "--yes", "--json", dir.resolve(f).toString(), dst.toString());
            assertEquals(0, r.exit, f + ": " + r);
            assertArrayEquals(data, CliLoopDeviceTest.contents(dst), f);
            LoopDevices.run("dd", "if=/dev/zero", "of=" + dst, "bs=1M", "count=8", "oflag=direct", "status=none");
        }
        // two gzip members back to back: twice the data, measured by one pass
        Path big = loops.attach(dir.resolve("big.img"), 2L * SIZE);
        Cli r = Cli.run("copy", "--yes", "--json", dir.resolve("t6.cat").toString(), big.toString());
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("measuring the uncompressed length"), r.err);
        byte[] twice = CliLoopDeviceTest.contents(big);
        assertArrayEquals(data, Arrays.copyOfRange(twice, 0, SIZE));
        assertArrayEquals(data, Arrays.copyOfRange(twice, SIZE, 2 * SIZE));
    }

    @Test
    void aTruncatedXzIsRefusedOrFailsNamingTheOffset() throws Exception {
        Tools.assumeInstalled("xz");
        Files.write(dir.resolve("disk.img"), data);
        sh(dir, "xz -c disk.img > full.xz && head -c $(( $(stat -c %s full.xz) / 2 )) full.xz > cut.xz");
        long cut = Files.size(dir.resolve("cut.xz"));
        Path dst = loops.attach(dir.resolve("dst.img"), SIZE);
        Cli refused = Cli.run("copy", "--yes", dir.resolve("cut.xz").toString(), dst.toString());
        assertEquals(2, refused.exit, refused.toString());
        assertTrue(refused.err.contains("refused: SOURCE: cannot read " + dir.resolve("cut.xz") + " as a xz image:"
                + " its xz index (at the end of the file) cannot be read, so the file is truncated or corrupt"),
                refused.toString());
        assertArrayEquals(new byte[SIZE], CliLoopDeviceTest.contents(dst), "nothing written");
        // with its length given, the stream is read until it breaks, and says where
        Cli broke = Cli.run("copy", "--yes", "--json", "--ignore-errors", dir.resolve("cut.xz") + "+8M",
                dst.toString());
        assertNoDestinationOk(broke, "the xz stream of " + dir.resolve("cut.xz") + " is corrupt or truncated: it broke"
                + " at compressed byte " + cut + " of " + cut);
        assertTrue(broke.out.contains("--ignore-errors do not apply"), broke.out);
    }

    @Test
    void aZstdWithAFlippedByteFailsEveryDestination() throws Exception {
        Tools.assumeInstalled("zstd");
        Files.write(dir.resolve("disk.img"), data);
        sh(dir, "zstd -q disk.img -o bad.zst && printf '\\x55' | dd of=bad.zst bs=1 seek=$(( $(stat -c %s bad.zst)"
                + " / 2 )) conv=notrunc status=none");
        Path dst = loops.attach(dir.resolve("dst.img"), SIZE);
        Path image = dir.resolve("copy.img");
        Cli r = Cli.run("copy", "--yes", "--json", dir.resolve("bad.zst").toString(), dst.toString(),
                image.toString());
        assertNoDestinationOk(r, "the zstd stream of " + dir.resolve("bad.zst") + " is corrupt or truncated: it broke"
                + " at compressed byte ");
        assertFalse(Files.exists(dir.resolve("copy.img.sha256")), "no sidecar for a failed image");
    }

    @Test
    void aZipWithTwoFilesIsRefused() throws Exception {
        Tools.assumeInstalled("zip");
        Files.write(dir.resolve("a.img"), data);
        Files.write(dir.resolve("b.img"), data);
        sh(dir, "zip -q two.zip a.img b.img");
        Path dst = loops.attach(dir.resolve("dst.img"), SIZE);
        Cli r = Cli.run("copy", "--yes", dir.resolve("two.zip").toString(), dst.toString());
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("a zip archive is read as an image only when it holds exactly one file; this one"
                + " holds 2"), r.toString());
        assertArrayEquals(new byte[SIZE], CliLoopDeviceTest.contents(dst), "nothing written");
    }

    @Test
    void aSidecarThatDoesNotMatchFailsEveryDestination() throws Exception {
        Tools.assumeInstalled("zstd", "sha256sum");
        Files.write(dir.resolve("disk.img"), data);
        sh(dir, "zstd -q disk.img -o disk.img.zst");
        Files.writeString(dir.resolve("disk.img.zst.sha256"), WRONG + "  disk.img.zst\n");
        Path dst = loops.attach(dir.resolve("dst.img"), SIZE);
        Path image = dir.resolve("copy.img.zst");
        Files.writeString(dir.resolve("copy.img.zst.sha256"), "stale\n"); // left from an earlier run: removed
        Cli r = Cli.run("copy", "--yes", "--json", dir.resolve("disk.img.zst").toString(), dst.toString(),
                image.toString());
        assertNoDestinationOk(r, dir.resolve("disk.img.zst") + " does not match its checksum");
        assertFalse(Files.exists(dir.resolve("copy.img.zst.sha256")));
        // a raw image listed in SHA256SUMS: hashed as it is read
        Files.writeString(dir.resolve("SHA256SUMS"), WRONG + "  other.img\n" + WRONG + " *disk.img\n");
        Cli raw = Cli.run("copy", "--yes", "--json", dir.resolve("disk.img").toString(), dst.toString());
        assertNoDestinationOk(raw, dir.resolve("SHA256SUMS") + " says ");
        // and when it matches, the copy is ok
        sh(dir, "sha256sum disk.img > SHA256SUMS && sha256sum disk.img.zst > disk.img.zst.sha256");
        Cli good = Cli.run("copy", "--yes", "--json", dir.resolve("disk.img.zst").toString(), dst.toString());
        assertEquals(0, good.exit, good.toString());
        Cli goodRaw = Cli.run("copy", "--yes", "--json", dir.resolve("disk.img").toString(), dst.toString());
        assertEquals(0, goodRaw.exit, goodRaw.toString());
    }
}
