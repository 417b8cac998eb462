package org.kclone.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The used-blocks-only rows (issue 12): a 1 GiB disk image with a GPT and two ext4 file systems
 * about 20 % full, on a loop device, cloned to three loop devices by kclone with and without
 * {@code --used-only}, against {@code partclone.ext4} writing the same two partitions to each
 * destination one after another (the partition table copied first, not timed). Prints markdown
 * rows; target: kclone --used-only at most 0.5 x partclone's total. Root only; not a test.
 *
 * <pre>java -cp "target/classes:target/test-classes:$(cat cp.txt)" org.kclone.bench.UsedOnlyBenchmark DIR</pre>
 */
public final class UsedOnlyBenchmark {

    private static final long MiB = 1 << 20;
    private final Path dir;
    private final List<String> attached = new ArrayList<>();

    private UsedOnlyBenchmark(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: UsedOnlyBenchmark DIR");
            System.exit(2);
        }
        UsedOnlyBenchmark b = new UsedOnlyBenchmark(Path.of(args[0]));
        try {
            b.run();
        } finally {
            b.detachAll();
        }
    }

    private void run() throws Exception {
        Files.createDirectories(dir);
        String blank = attach(dir.resolve("used-src.img"), 1024 * MiB);
        sh("sgdisk", "-n", "1:0:+500M", "-n", "2:0:0", blank);
        sh("losetup", "-d", blank);
        attached.remove(blank);
        String src = attachP(dir.resolve("used-src.img"));
        Random random = new Random(1);
        long filled = 0;
        for (int p = 1; p <= 2; p++) {
            String part = src + "p" + p;
            sh("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", part);
            Path mnt = Files.createDirectories(dir.resolve("used-mnt"));
            sh("mount", part, mnt.toString());
            try {
                long size = Long.parseLong(sh("blockdev", "--getsize64", part).strip());
                byte[] b = new byte[(int) (4 * MiB)];
                for (long n = 0; n < size / 5; n += b.length) { // 20 % full, in files of 4 MiB
                    random.nextBytes(b);
                    Files.write(mnt.resolve("f" + n), b);
                    filled += b.length;
                }
            } finally {
                sh("umount", mnt.toString());
            }
        }
        List<String> dests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            dests.add(attach(dir.resolve("used-dst" + i + ".img"), 1024 * MiB));
        }
        System.out.printf(Locale.ROOT, "1 GiB GPT disk, two ext4 (%d MiB of files), to 3 loop devices%n", filled >> 20);
        double whole = best(() -> kclone(src, dests, false));
        double used = best(() -> kclone(src, dests, true));
        // partclone: the GPT first (not timed), then each partition to each destination in turn
        for (String d : dests) {
            sh("dd", "if=" + src, "of=" + d, "bs=1M", "count=1", "conv=fsync", "status=none");
            sh("sgdisk", "-e", d);
            sh("partx", "-a", d);
        }
        double partclone = best(() -> {
            for (String d : dests) {
                for (int p = 1; p <= 2; p++) {
                    sh("partclone.ext4", "-b", "-q", "-s", src + "p" + p, "-o", d + "p" + p);
                }
            }
            sh("sync");
        });
        System.out.println("| job | seconds | vs partclone |");
        System.out.println("|---|---|---|");
        System.out.printf(Locale.ROOT, "| kclone copy, every sector, 1 → 3 | %.1f | %.2f× |%n", whole, whole / partclone);
        System.out.printf(Locale.ROOT, "| kclone copy --used-only, 1 → 3 | %.1f | %.2f× (target ≤ 0.5×: %s) |%n", used,
                used / partclone, used <= 0.5 * partclone ? "PASS" : "MISS");
        System.out.printf(Locale.ROOT, "| partclone.ext4 -b, 2 partitions × 3 destinations in turn | %.1f | 1× |%n",
                partclone);
    }

    private interface Timed {
        void run() throws Exception;
    }

    /** The best of three runs (the page cache dropped before each). */
    private static double best(Timed t) throws Exception {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            sh("sync");
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
            long t0 = System.nanoTime();
            t.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    private static void kclone(String src, List<String> dests, boolean usedOnly) throws Exception {
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add("org.kclone.Main");
        c.add("copy");
        c.add(src);
        c.addAll(dests);
        c.add("--yes");
        c.add("--no-probe");
        if (usedOnly) {
            c.add("--used-only");
        }
        sh(c.toArray(new String[0]));
    }

    private String attach(Path file, long bytes) throws Exception {
        try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(0);
            f.setLength(bytes);
        }
        String dev = sh("losetup", "--find", "--show", "--direct-io=on", file.toString()).strip();
        attached.add(dev);
        return dev;
    }

    private String attachP(Path file) throws Exception {
        String dev = sh("losetup", "--find", "--show", "--direct-io=on", "-P", file.toString()).strip();
        attached.add(dev);
        try {
            sh("partx", "-a", dev);
        } catch (IllegalStateException already) {
            // the scan at attach time found them
        }
        return dev;
    }

    private void detachAll() throws Exception {
        for (String d : attached) {
            try {
                sh("losetup", "-d", d);
            } catch (IllegalStateException e) {
                System.err.println(e.getMessage());
            }
        }
    }

    private static String sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }
}
