package org.kclone.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real block device with real faults: nbdkit serves a disk (with a filter that injects errors),
 * nbdfuse exposes it as a file, and a loop device on that file is a real {@code /dev/loopN}. The
 * kernel sees true EIO from it, exactly as from a dying USB stick. Needs root and the Debian
 * packages nbdkit, libnbd-bin and fuse3; {@link #assumeAvailable()} skips with the reason.
 */
public final class NbdFaultDevice implements AutoCloseable {

    private final Path dir;
    private final Path mount;
    private final LoopDevices loops = new LoopDevices();
    private Path device;

    private NbdFaultDevice(Path dir) {
        this.dir = dir;
        this.mount = dir.resolve("mnt");
    }

    public static void assumeAvailable() {
        LoopDevices.assumeAvailable();
        Tools.assumeInstalled("nbdkit", "nbdfuse", "setsid");
        Tools.assumeFuse();
    }

    /**
     * Starts {@code nbdkit ARGS} behind nbdfuse and attaches a loop device to it.
     *
     * @param dir a folder of its own for the mount, pid and log
     */
    public static NbdFaultDevice start(Path dir, boolean readOnly, String... nbdkitArgs) throws IOException {
        return start(dir, readOnly ? List.of("-r") : List.of(), nbdkitArgs);
    }

    /**
     * As {@link #start(Path, boolean, String...)} with the loop device attached with {@code
     * losetupOptions} ({@code --direct-io=on}: no page cache between the loop device and nbdkit, so
     * what is read back is what nbdkit holds, as on a real drive).
     */
    public static NbdFaultDevice start(Path dir, List<String> losetupOptions, String... nbdkitArgs) throws IOException {
        NbdFaultDevice d = new NbdFaultDevice(dir);
        Files.createDirectories(d.mount);
        List<String> cmd = new ArrayList<>(List.of("setsid", "nbdfuse", "-P", dir.resolve("pid").toString(),
                d.mount.resolve("disk").toString(), "[", "nbdkit"));
        cmd.addAll(List.of(nbdkitArgs));
        cmd.add("]");
        new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        try {
            for (int i = 0; i < 200; i++) {
                if (Files.exists(dir.resolve("pid")) && Files.size(dir.resolve("pid")) > 0
                        && Files.exists(d.mount.resolve("disk"))) {
                    break;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!Files.exists(d.mount.resolve("disk"))) {
            throw new IOException("nbdfuse did not start: " + Files.readString(dir.resolve("log")));
        }
        d.device = d.loops.attachExisting(d.mount.resolve("disk"), losetupOptions.toArray(String[]::new));
        return d;
    }

    public Path device() {
        return device;
    }

    /**
     * The device goes away as a pulled USB stick does: nbdfuse (and with it nbdkit) is killed, the
     * FUSE connection is aborted, and every later transfer on the loop device fails.
     */
    public void yank() throws IOException {
        String pid = Files.readString(dir.resolve("pid")).strip();
        LoopDevices.run("kill", "-KILL", pid);
        yanked = true;
    }

    private boolean yanked;

    @Override
    public void close() throws IOException {
        try {
            loops.close();
        } finally {
            if (yanked) {
                // the mount is left dangling ("Transport endpoint is not connected"): lazily unmount it
                LoopDevices.run("umount", "-l", mount.toString());
            } else {
                LoopDevices.run("fusermount3", "-u", mount.toString());
            }
        }
    }
}
