package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a separate process, as a technician's script runs it: progress lines, Ctrl-C, exit codes. */
class CliProcessTest {

    @TempDir
    Path dir;

    private static Process start(Path workDir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        // A JVM started with SIGINT ignored (a background job of a non-interactive shell) cannot
        // catch it; env --default-signal gives the child the default disposition whatever ours is.
        if (Files.isExecutable(Path.of("/usr/bin/env"))) {
            cmd.addAll(List.of("/usr/bin/env", "--default-signal=INT"));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.kclone.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(workDir.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
    }

    /** Collects a stream in the background. */
    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Drain(InputStream in) {
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] b = new byte[8192];
            try {
                for (int n; (n = in.read(b)) > 0; ) {
                    synchronized (buf) {
                        buf.write(b, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }

        String text() {
            synchronized (buf) {
                return buf.toString(StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void ctrlCCancelsCleanlyFlushesAndReportsCancelled() throws Exception {
        byte[] data = new byte[48 << 20];
        new Random(5).nextBytes(data);
        Files.write(dir.resolve("src.img"), data);
        // 48 MiB at 4 MiB/s: about 12 s, so the plain progress line (every 5 s) comes first.
        Process p = start(dir, "copy", "src.img", "dst.img", "--yes", "--json", "--limit", "4M");
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!err.text().contains("kclone: copied") && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(100);
        }
        assertTrue(err.text().contains("kclone: copied"), "a plain progress line on stderr:\n" + err.text());
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ended after Ctrl-C");
        out.join(5000);
        assertEquals(1, p.exitValue(), "cancelled: exit 1\n" + err.text());
        assertTrue(err.text().contains("interrupted"), err.text());
        JsonNode report = new ObjectMapper().readTree(out.text());
        assertTrue(report.path("cancelled").asBoolean(), out.text());
        long bytes = report.path("bytes").asLong();
        assertTrue(bytes > 0 && bytes < data.length, "bytes " + bytes);
        byte[] written = Files.readAllBytes(dir.resolve("dst.img"));
        assertArrayEquals(Arrays.copyOf(data, (int) bytes), Arrays.copyOf(written, (int) bytes),
                "what the report counts as copied is there");
    }

    @Test
    void userErrorsGiveExitTwoAndNoStackTrace() throws Exception {
        Process p = start(dir, "copy", "missing.img", "x.img", "--yes");
        Drain err = new Drain(p.getErrorStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        err.join(5000);
        assertEquals(2, p.exitValue());
        assertTrue(err.text().contains("kclone: refused: SOURCE: missing.img does not exist"), err.text());
        assertTrue(!err.text().contains("\tat "), "no stack trace:\n" + err.text());
        assertTrue(!Files.exists(dir.resolve("x.img")), "nothing created");
    }

    @Test
    void listJsonCarriesPathSizeAndSystem() throws Exception {
        Process p = start(dir, "list", "--json");
        Drain out = new Drain(p.getInputStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        out.join(5000);
        assertEquals(0, p.exitValue());
        JsonNode devices = new ObjectMapper().readTree(out.text()).path("devices");
        assertTrue(devices.isArray() && devices.size() > 0, out.text());
        List<JsonNode> all = new ArrayList<>();
        devices.forEach(all::add);
        for (int i = 0; i < all.size(); i++) {
            JsonNode d = all.get(i);
            assertTrue(d.path("path").isTextual(), d.toString());
            assertTrue(d.path("size").isIntegralNumber(), d.toString());
            assertTrue(d.path("system").isBoolean(), d.toString());
            d.path("children").forEach(all::add);
        }
    }
}
