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

    /**
     * The device is paused (nbdkit's pause filter) before kclone writes, so its writes hang in the
     * kernel. The second signal must end kclone's own work at once: the message comes while the
     * device is still paused, and the exit code is 1. The process itself can only be reaped once
     * the kernel lets its threads go (they sleep uninterruptibly in the block layer until the held
     * writes complete, minutes with a slow device), so the device is resumed before waiting for
     * the exit. (The earlier version of this test used a 20 s write delay and waited 60 s for the
     * exit: kclone had quit at once, but the kernel held the process for up to four minutes.)
     */
    @Test
    void aSecondSignalWhileWaitingForAHeldDeviceQuitsAtOnceSayingSo() throws Exception {
        NbdFaultDevice.assumeAvailable();
        Files.write(dir.resolve("src.img"), new byte[8 << 20]);
        Path control = dir.resolve("pause.sock");
        try (NbdFaultDevice held = NbdFaultDevice.start(Files.createDirectory(dir.resolve("nbd")), false,
                "--filter=pause", "memory", "64M", "pause-control=" + control)) {
            String dev = held.device().toString();
            KcloneProcess p = null;
            try {
                pause(control, 'p');
                p = KcloneProcess.start(dir, dir.resolve("state"), List.of(), "copy", "src.img", dev, "--yes", "--json");
                KcloneProcess k = p;
                // held: in the kernel on every look for a quarter of a second (a thread passes through state D
                // briefly on any I/O; held by the paused device, it stays there)
                int[] seen = {0};
                assertTrue(k.awaitWhileAlive(() -> {
                    seen[0] = opens(k.process.pid(), dev) && waitsInTheKernel(k.process.pid()) ? seen[0] + 1 : 0;
                    return seen[0] >= 12;
                }), "the copy's writes are held by the paused device\n" + k);
                k.signal("INT");
                assertTrue(k.awaitWhileAlive(() -> k.err.text().contains("finishing the writes in flight")),
                        "the first signal says what it waits for\n" + k);
                k.signal("INT");
                assertTrue(k.awaitWhileAlive(() -> k.err.text().contains("kclone: second interrupt: quitting without"
                        + " waiting for the writes in flight; the destinations may be incomplete and not flushed")),
                        "the second signal quits while the device still holds the writes\n" + k);
            } finally {
                pause(control, 'r');
            }
            assertEquals(1, p.waitFor(), p.toString());
            assertFalse(p.out.text().contains("\"status\""), "no report claims anything about the destination\n" + p);
        }
    }

    /** Sends nbdkit's pause filter a command ('p' pause, 'r' resume) and waits for its answer. */
    private static void pause(Path control, char command) throws IOException {
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(control))) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) command}));
            java.nio.ByteBuffer answer = java.nio.ByteBuffer.allocate(1);
            while (answer.hasRemaining() && ch.read(answer) >= 0) {
                // the filter echoes the command in upper case once it has taken effect
            }
            assertEquals(Character.toUpperCase(command), (char) answer.get(0), "nbdkit pause filter's answer");
        }
    }

    /** Whether some thread of process {@code pid} sleeps uninterruptibly (state D: waiting for the device). */
    private static boolean waitsInTheKernel(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return tasks.anyMatch(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    return stat.substring(stat.lastIndexOf(')') + 2).startsWith("D");
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
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
