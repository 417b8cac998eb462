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
        Tools.assumeInstalled("losetup");
    }

    /** A sparse file of {@code bytes}, attached as a loop device with direct I/O on. */
    public Path attach(Path file, long bytes, String... losetupOptions) throws IOException {
        try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return attachExisting(file, losetupOptions);
    }

    /** Attaches an existing file ({@code -P} scans partitions, {@code -r} read-only, {@code --sector-size 4096}). */
    public Path attachExisting(Path file, String... losetupOptions) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("losetup", "--find", "--show", "--direct-io=on"));
        cmd.addAll(List.of(losetupOptions));
        cmd.add(file.toString());
        String dev = run(cmd.toArray(new String[0])).trim();
        Path path = Path.of(dev);
        attached.add(path);
        if (List.of(losetupOptions).contains("-P")) {
            Tools.assumeInstalled("partx");
            // The scan at attach time is not always done here: ask again, then wait for the nodes.
            try {
                run("partx", "-a", dev);
            } catch (IOException alreadyThere) {
                // partx fails for partitions the scan already added; the wait below decides
            }
            waitForPartitionNodes(path);
        }
        return path;
    }

    private static void waitForPartitionNodes(Path disk) throws IOException {
        String name = disk.getFileName().toString();
        Path sys = Path.of("/sys/class/block", name);
        try {
            for (int i = 0; i < 100; i++) {
                List<String> parts = new ArrayList<>();
                try (var s = Files.list(sys)) {
                    s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(name + "p")).forEach(parts::add);
                }
                if (!parts.isEmpty() && parts.stream().allMatch(n -> Files.exists(Path.of("/dev", n)))) {
                    return;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IOException("partitions of " + disk + " did not appear");
    }

    /** Detaches one device attached here. */
    public void detach(Path device) throws IOException {
        run("losetup", "-d", device.toString());
        attached.remove(device);
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
