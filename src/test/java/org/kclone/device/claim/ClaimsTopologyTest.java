package org.kclone.device.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;
import org.kclone.device.LoopBacking;
import org.kclone.device.RefusedException;

/**
 * Which nodes a claim locks, without root: /dev, /sys/block and /sys/class/block are folders in a
 * temp folder (device nodes are plain files there), and libc is a fake that keeps flock's rule
 * (one exclusive lock per file, released when its descriptor closes) and records what was locked.
 */
class ClaimsTopologyTest {

    @TempDir
    Path dir;

    private Path dev;
    private Path sysBlock;
    private FlockLibc libc;
    private NativeLocks nat;

    /** libc whose flock holds one exclusive lock per file across descriptors, as the kernel's does. */
    static final class FlockLibc implements NativeLocks.LibC {
        final Map<Integer, String> open = new HashMap<>();
        final Map<String, Integer> held = new HashMap<>();
        final List<String> locked = new ArrayList<>();
        int nextFd = 100;

        @Override
        public int open(String path, int flags) {
            open.put(nextFd, path);
            return nextFd++;
        }

        @Override
        public int flock(int fd, int operation) {
            String path = open.get(fd);
            Integer by = held.get(key(path));
            if (by != null && by != fd) {
                throw new LastErrorException("[" + NativeLocks.EWOULDBLOCK + "] Resource temporarily unavailable");
            }
            held.put(key(path), fd);
            locked.add(path);
            return 0;
        }

        @Override
        public int close(int fd) {
            String path = open.remove(fd);
            held.remove(key(path), fd);
            return 0;
        }

        private static String key(String path) {
            try {
                return Path.of(path).toRealPath().toString();
            } catch (IOException e) {
                return path;
            }
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        dev = Files.createDirectories(dir.resolve("dev"));
        sysBlock = Files.createDirectories(dir.resolve("sys/block"));
        libc = new FlockLibc();
        nat = new NativeLocks(libc);
    }

    private Path node(String name) throws IOException {
        return Files.write(dev.resolve(name), new byte[0]);
    }

    private Path file(String name) throws IOException {
        return Files.write(dir.resolve(name), new byte[4096]);
    }

    private void sysLoop(String name, String backingFile) throws IOException {
        Path d = Files.createDirectories(sysBlock.resolve(name).resolve("loop"));
        Files.writeString(d.resolve("backing_file"), backingFile + "\n");
        Files.writeString(d.resolve("offset"), "0\n");
        Files.writeString(d.resolve("sizelimit"), "0\n");
    }

    private static Endpoint block(Path node, String field) {
        DeviceInfo d = new DeviceInfo(node.getFileName().toString(), node.toString(), null, 4096, "loop", null, null,
                null, false, false, 512, 512, 0, null, List.of(), null, null, List.of(), false, List.of());
        return new Endpoint(field, node, Endpoint.Kind.BLOCK, d, 0, 8, 4096, 512);
    }

    @Test
    void claimsLookAtTheLoopDevicesThePlanWasMadeWith() throws Exception {
        // loop900: a name no machine's /dev has, so the claim cannot reach a real node
        Path img = file("w.img");
        Path loop = node("loop900");
        sysLoop("loop900", img.toString());
        CopyPlanner.Plan plan = new CopyPlanner.Plan(null, List.of(block(loop, "DEST 1")), new LoopBacking(sysBlock));
        try (Claims c = Claims.take(plan, nat)) {
            assertEquals(List.of(loop.toString(), img.toString()), libc.locked,
                    "the loop device and, from the plan's sysfs, its backing file");
            RefusedException e = assertThrows(RefusedException.class, () -> Claims.take(new CopyPlanner.Plan(null,
                    List.of(new Endpoint("DEST 1", img, Endpoint.Kind.IMAGE, null, 0, 8, 4096, 512)), Map.of()), nat));
            assertTrue(e.reason().startsWith(img + " is in use by another program"), e.reason());
        }
    }
}
