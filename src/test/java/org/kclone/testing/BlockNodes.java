package org.kclone.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real block device nodes of this machine (from /sys/class/block), for planner tests that need a
 * path the planner recognises as a block device. Tests only stat them (the planner never opens);
 * nothing here opens a device. The machine's disk holding / is left out.
 */
public final class BlockNodes {

    private BlockNodes() {
    }

    /** Up to {@code n} block device nodes, loop devices first; skips the test where there are fewer. */
    public static List<Path> some(int n) throws IOException {
        List<Path> loops = new ArrayList<>();
        List<Path> others = new ArrayList<>();
        Path sys = Path.of("/sys/class/block");
        if (Files.isDirectory(sys)) {
            try (Stream<Path> s = Files.list(sys)) {
                s.map(p -> p.getFileName().toString()).sorted().forEach(name -> {
                    Path dev = Path.of("/dev", name);
                    if (isBlock(dev) && !holdsRoot(name)) {
                        (name.startsWith("loop") ? loops : others).add(dev);
                    }
                });
            }
        }
        loops.addAll(others);
        assumeTrue(loops.size() >= n, "needs " + n + " block device nodes in /dev (found " + loops + ")");
        return loops.subList(0, n);
    }

    /** A block device node this process cannot open for writing (a CLI run must stop at opening it). */
    public static Path oneNotWritable() throws IOException {
        for (Path p : allNodes()) {
            if (!Files.isWritable(p)) {
                return p;
            }
        }
        assumeTrue(false, "every block device node here is writable by " + System.getProperty("user.name"));
        return null;
    }

    private static List<Path> allNodes() throws IOException {
        List<Path> out = new ArrayList<>();
        Path sys = Path.of("/sys/class/block");
        if (Files.isDirectory(sys)) {
            try (Stream<Path> s = Files.list(sys)) {
                s.map(p -> Path.of("/dev", p.getFileName().toString())).sorted().filter(BlockNodes::isBlock)
                        .forEach(out::add);
            }
        }
        return out;
    }

    static boolean isBlock(Path dev) {
        try {
            int mode = (Integer) Files.getAttribute(dev, "unix:mode");
            return (mode & 0170000) == 0060000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean holdsRoot(String name) {
        try {
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .anyMatch(l -> l.startsWith("/dev/" + name + " ") && l.split(" ")[1].equals("/"));
        } catch (IOException e) {
            return false;
        }
    }
}
