package org.kclone.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real loop devices for tests. Each test that needs them calls {@link #assumeAvailable()}, which
 * skips it (saying why) where the process is not root or the machine has no loop devices. Only
 * what was attached here is detached.
 */
public final class LoopDevices implements AutoCloseable {

    private final List<Path> attached = new ArrayList<>();

    /** Skips the calling test, with the reason, unless loop devices can be attached here. */
    public static void assumeAvailable() {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to attach loop devices (running as " + System.getProperty("user.name") + ")");
        assumeTrue(Files.exists(Path.of("/dev/loop-control")), "no /dev/loop-control: this kernel has no loop devices");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/losetup")) || Files.isExecutable(Path.of("/sbin/losetup")),
                "losetup (util-linux) is not installed");
    }

    /** A sparse file of {@code bytes}, attached as a loop device with direct I/O on. */
    public Path attach(Path file, long bytes) throws IOException {
        try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        String dev = run("losetup", "--find", "--show", "--direct-io=on", file.toString()).trim();
        Path path = Path.of(dev);
        attached.add(path);
        return path;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Path p : attached) {
            try {
                run("losetup", "-d", p.toString());
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        attached.clear();
        if (first != null) {
            throw first;
        }
    }

    /** Runs a command, returns its standard output, fails with its standard error. */
    public static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
