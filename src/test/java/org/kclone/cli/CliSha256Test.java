package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;

/**
 * The JSON report's SHA-256 of the source (hashed while it was copied) and of each verified
 * destination (hashed while it was read back) against {@code sha256sum} of the same bytes.
 */
class CliSha256Test {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MiB = 1 << 20;

    @TempDir
    Path dir;

    private static String sha256sum(Path p) throws IOException {
        return LoopDevices.run("sha256sum", p.toString()).trim().split("\\s+")[0];
    }

    private Path randomFile(String name, int bytes, long seed) throws IOException {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    @Test
    void aLoopDeviceCopiedToThreeHasTheHashOfSha256sumEverywhere() throws Exception {
        LoopDevices.assumeAvailable();
        Tools.assumeInstalled("sha256sum");
        try (LoopDevices loops = new LoopDevices()) {
            Path src = loops.attachExisting(randomFile("src.img", (int) (24 * MiB), 5));
            List<String> args = new ArrayList<>(List.of("copy", src.toString()));
            for (int i = 0; i < 3; i++) {
                args.add(loops.attach(dir.resolve("d" + i + ".img"), 24 * MiB).toString());
            }
            args.addAll(List.of("--yes", "--verify", "--json"));
            Cli r = Cli.run(args.toArray(new String[0]));
            assertEquals(0, r.exit, r.toString());
            JsonNode report = JSON.readTree(r.out);
            String want = sha256sum(src);
            assertEquals(want, report.path("source").path("sha256").asText(), r.out);
            for (JsonNode d : report.path("destinations")) {
                assertEquals("ok", d.path("status").asText(), d.toString());
                assertEquals(want, d.path("sha256").asText(), d.toString());
                assertEquals(want, sha256sum(Path.of(d.path("path").asText())));
            }
        }
    }

    @Test
    void anOddSizeImageIsHashedToItsLastByteAndWithoutVerifyOnlyTheSourceIsHashed() throws Exception {
        Tools.assumeInstalled("sha256sum");
        Path src = randomFile("odd.img", (int) (3 * MiB + 1000), 6);
        Path copy = dir.resolve("copy.img");
        Cli r = Cli.run("copy", src.toString(), copy.toString(), "--yes", "--json");
        assertEquals(0, r.exit, r.toString());
        JsonNode report = JSON.readTree(r.out);
        assertEquals(sha256sum(src), report.path("source").path("sha256").asText(), r.out);
        assertEquals(sha256sum(src), sha256sum(copy));
        JsonNode d = report.path("destinations").get(0);
        assertFalse(d.has("sha256"), "not read back, so no hash of it: " + d);

        Path verified = dir.resolve("verified.img");
        Cli v = Cli.run("copy", src.toString(), verified.toString(), "--yes", "--verify", "--json");
        assertEquals(0, v.exit, v.toString());
        JsonNode dv = JSON.readTree(v.out).path("destinations").get(0);
        assertTrue(dv.has("sha256"), dv.toString());
        assertEquals(sha256sum(src), dv.path("sha256").asText());
    }

    /** The benchmark's baseline switch: -Dkclone.sha256=off copies without hashing; --verify still hashes. */
    @Test
    void theBenchmarksSwitchTurnsHashingOffExceptForVerify() throws Exception {
        Path src = randomFile("b.img", (int) (2 * MiB), 7);
        System.setProperty("kclone.sha256", "off");
        try {
            Cli r = Cli.run("copy", src.toString(), dir.resolve("c1.img").toString(), "--yes", "--json");
            assertEquals(0, r.exit, r.toString());
            assertFalse(JSON.readTree(r.out).path("source").has("sha256"), r.out);
            Cli v = Cli.run("copy", src.toString(), dir.resolve("c2.img").toString(), "--yes", "--verify", "--json");
            assertEquals(0, v.exit, v.toString());
            assertTrue(JSON.readTree(v.out).path("source").has("sha256"), v.out);
        } finally {
            System.clearProperty("kclone.sha256");
        }
    }
}
