package org.kclone.bench;

import static org.kclone.bench.PipelineBenchmark.exec;

import org.kclone.bench.PipelineBenchmark.Result;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Used-blocks rows (README "Performance", issue 12): a 1 GiB GPT disk image with two ext4 file
 * systems about 20 % full of incompressible files, copied to three loop devices by {@code kclone
 * copy} (whole) and {@code kclone copy --used-only}, against {@code partclone.ext4 -b} writing the
 * same partitions device to device, one partition and one destination after another, after the
 * partition table was copied with {@code sgdisk -R} (and {@code partx} made the partition nodes).
 * Target: the used-only copy at most 0.5 × partclone's total. Not a test: nothing is asserted.
 * Root only; needs sgdisk, partx, mkfs.ext4, e2fsck, partclone.ext4:
 *
 * <pre>java -cp "target/classes:target/test-classes:target/lib/*" org.kclone.bench.UsedBlocksBenchmark DIR [--runs 3]</pre>
 *
 * The disk image and the files it holds stay in DIR between invocations; the three destination
 * files are made anew (allocated, reading zeros). Every run of every contender starts after
 * {@code sync} and {@code echo 3 > /proc/sys/vm/drop_caches}; the contenders take turns within a
 * round (used-only, partclone, whole), so a load from elsewhere falls on all of them. The times are
 * whole commands (kclone's JVM start included) and the rows give the median and the spread. The
 * first round checks every destination: {@code e2fsck -fn} clean and the mounted file systems
 * (read-only) hold the same files as the directories they were made from.
 */
public final class UsedBlocksBenchmark {

    private static final long DISK = 1L << 30;
    /** Partition 1: sectors 2048.. (511 MiB); partition 2: the rest up to the backup GPT. */
    private static final long P1_START = 2048;
    private static final long P1_SECTORS = 511L << 11;
    private static final long P2_START = P1_START + P1_SECTORS;
    private static final long P2_SECTORS = (DISK >> 9) - 34 - P2_START;
    private static final double FULL = 0.20;

    private final Path dir;
    private final int runs;
    private final List<String> dests = new ArrayList<>();
    private String source;
    private final List<String> rows = new ArrayList<>();

    private UsedBlocksBenchmark(Path dir, int runs) {
        this.dir = dir;
        this.runs = runs;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: UsedBlocksBenchmark DIR [--runs N]");
            System.exit(2);
        }
        int runs = 3;
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].equals("--runs")) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            runs = Integer.parseInt(args[i + 1]);
        }
        rows(Path.of(args[0]), runs).forEach(System.out::println);
    }

    /** Measures and returns the rows in markdown (PipelineBenchmark prints them after its own). */
    public static List<String> rows(Path dir, int runs) throws Exception {
        UsedBlocksBenchmark b = new UsedBlocksBenchmark(Files.createDirectories(dir), Math.max(1, runs));
        try {
            b.run();
        } finally {
            b.detach();
        }
        return b.rows;
    }

    private void run() throws Exception {
        for (String tool : List.of("sgdisk", "partx", "mkfs.ext4", "dumpe2fs", "e2fsck", "partclone.ext4")) {
            if (exec(List.of("sh", "-c", "command -v " + tool)).code() != 0) {
                rows.add("| used blocks | skipped | | | " + tool + " is not installed |");
                return;
            }
        }
        Path disk = disk();
        source = attach(disk, true);
        nodes(source);
        for (String name : List.of("used-dest-a.img", "used-dest-b.img", "used-dest-c.img")) {
            Path f = dir.resolve(name);
            Files.deleteIfExists(f);
            sh("fallocate", "-l", Long.toString(DISK), f.toString());
            dests.add(attach(f, false));
        }
        System.out.printf(Locale.ROOT, "1 GiB disk %s (%s) to %s; %s; %d round(s), caches dropped before each run%n",
                source, used(disk), dests, Runtime.version(), runs);
        List<Double> usedOnly = new ArrayList<>();
        List<Double> whole = new ArrayList<>();
        List<Double> partclone = new ArrayList<>();
        List<Double> tables = new ArrayList<>();
        List<Double> usedOwn = new ArrayList<>();
        List<Double> wholeOwn = new ArrayList<>();
        String copying = "";
        for (int round = 1; round <= runs; round++) {
            boolean check = round == 1;
            dropCaches();
            long t0 = System.nanoTime();
            Result r = kclone("copy", "--yes", "--used-only");
            usedOnly.add(since(t0));
            usedOwn.add(own(r));
            Matcher m = Pattern.compile("copying ([^()]*) \\(").matcher(r.err());
            copying = m.find() ? m.group(1).trim() : copying;
            if (check) {
                check("kclone --used-only");
            }

            dropCaches();
            t0 = System.nanoTime();
            for (String d : dests) {
                sh("sgdisk", "-R=" + d, source);
                nodes(d);
            }
            double table = since(t0);
            for (String d : dests) {
                for (int p = 1; p <= 2; p++) {
                    sh("partclone.ext4", "-b", "-q", "-L", dir.resolve("partclone.log").toString(),
                            "-s", source + "p" + p, "-o", d + "p" + p);
                }
            }
            partclone.add(since(t0));
            tables.add(table);
            if (check) {
                check("partclone.ext4");
            }

            dropCaches();
            t0 = System.nanoTime();
            r = kclone("copy", "--yes");
            whole.add(since(t0));
            wholeOwn.add(own(r));
            if (check) {
                check("kclone (whole)");
            }
            System.out.printf(Locale.ROOT, "round %d: used-only %.2f s (kclone's own %.1f s), partclone %.2f s (table"
                    + " %.2f s), whole %.2f s (own %.1f s)%n", round, usedOnly.get(round - 1), usedOwn.get(round - 1),
                    partclone.get(round - 1), table, whole.get(round - 1), wholeOwn.get(round - 1));
        }
        rows.add("");
        rows.add("| 1 GiB GPT disk, 2 × ext4 " + Math.round(FULL * 100) + " % full → 3 | kclone | against | ratio"
                + " | target |");
        rows.add("| --- | --- | --- | --- | --- |");
        rows.add("| `copy` (whole) → 3 | " + spread(whole) + ", its own " + spread(wholeOwn) + " | | | |");
        rows.add("| `copy --used-only` → 3 (" + copying + ") | " + spread(usedOnly) + ", its own " + spread(usedOwn)
                + " | `partclone.ext4 -b` 2 "
                + "partitions × 3, one after another, + `sgdisk -R` and `partx` (" + spread(tables) + "): "
                + spread(partclone) + " | " + ratio(usedOnly, partclone) + " | ≤ 0.50"
                + (median(ratios(usedOnly, partclone)) <= 0.5 ? " PASS" : " MISS") + " |");
        rows.add("| `copy --used-only` against `copy` | | | " + ratio(usedOnly, whole) + " | |");
        rows.add("");
        rows.add("(median of " + runs + " round(s) [min-max]; \"its own\": the seconds kclone prints, from the"
                + " start of its copy; ratio: the median of the rounds' ratios [min-max]; machine shared, load average "
                + Files.readString(Path.of("/proc/loadavg")).split(" ")[0] + " at the end)");
    }

    /** The seconds kclone prints for its copy ("copy: 1.0 GiB in 5.2 s"), NaN where it printed none. */
    private static double own(Result r) {
        Matcher m = Pattern.compile("(?m)^copy: .* in ([0-9.]+) s").matcher(r.out());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** kclone from the source disk to the three destinations; fails loudly on any exit but 0. */
    private Result kclone(String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.kclone.Main"));
        c.addAll(List.of(args));
        c.add(source);
        c.addAll(dests);
        Result r = exec(c);
        if (r.code() != 0) {
            throw new IllegalStateException(c.subList(4, c.size()) + " exited " + r.code() + ": " + r.err());
        }
        return r;
    }

    /**
     * Every destination holds both file systems: e2fsck -fn clean, and each mounted read-only holds
     * the same files as the directory it was made from. The first contender finds destinations that
     * read zeros, so a block it did not copy shows.
     */
    private void check(String who) throws Exception {
        dropCaches();
        Path mnt = Files.createDirectories(dir.resolve("used-mnt"));
        for (String d : dests) {
            nodes(d);
            for (int p = 1; p <= 2; p++) {
                String part = d + "p" + p;
                Result fsck = exec(List.of("e2fsck", "-fn", part));
                if (fsck.code() != 0) {
                    throw new IllegalStateException(who + ": e2fsck -fn " + part + " exited " + fsck.code() + ":\n"
                            + fsck.out() + fsck.err());
                }
                sh("mount", "-o", "ro,noload", part, mnt.toString());
                try {
                    Result diff = exec(List.of("diff", "-r", "-x", "lost+found", dir.resolve("used-files" + p)
                            .toString(), mnt.toString()));
                    if (diff.code() != 0) {
                        throw new IllegalStateException(who + ": " + part + " differs from its files: " + diff.out()
                                + diff.err());
                    }
                } finally {
                    sh("umount", mnt.toString());
                }
            }
        }
        System.out.println(who + ": 3 destinations checked (e2fsck -fn clean, same files)");
    }

    /** The disk image (kept in DIR with the files it holds; built once). */
    private Path disk() throws Exception {
        Path disk = dir.resolve("used-disk-1024M.img");
        if (Files.exists(disk) && Files.size(disk) == DISK && Files.exists(dir.resolve("used-files2"))) {
            return disk;
        }
        System.out.println("building " + disk + " (once; kept in " + dir + ")...");
        Files.deleteIfExists(disk);
        sh("truncate", "-s", Long.toString(DISK), disk.toString());
        sh("sgdisk", "-n", "1:" + P1_START + ":" + (P1_START + P1_SECTORS - 1),
                "-n", "2:" + P2_START + ":" + (P2_START + P2_SECTORS - 1), disk.toString());
        long[][] parts = {{P1_START, P1_SECTORS}, {P2_START, P2_SECTORS}};
        for (int p = 1; p <= 2; p++) {
            long bytes = parts[p - 1][1] * 512;
            Path img = dir.resolve("used-part" + p + ".img");
            Path files = dir.resolve("used-files" + p);
            sh("rm", "-rf", files.toString());
            Files.createDirectories(files);
            mkfs(img, bytes, files); // empty: what the file system's own structures take
            long meta = usedBytes(img);
            fill(files, (long) (FULL * bytes) - meta, new Random(1000 + p));
            mkfs(img, bytes, files);
            sh("dd", "if=" + img, "of=" + disk, "bs=1M", "oflag=seek_bytes", "seek=" + parts[p - 1][0] * 512,
                    "conv=notrunc,sparse", "status=none");
            Files.delete(img);
        }
        return disk;
    }

    private static void mkfs(Path img, long bytes, Path files) throws Exception {
        Files.deleteIfExists(img);
        sh("truncate", "-s", Long.toString(bytes), img.toString());
        sh("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", "-d", files.toString(),
                img.toString());
    }

    /** Used bytes of an ext4 image or partition by dumpe2fs: (block count - free blocks) × block size. */
    private static long usedBytes(Path fs) throws Exception {
        String h = sh("dumpe2fs", "-h", fs.toString());
        return (field(h, "Block count") - field(h, "Free blocks")) * field(h, "Block size");
    }

    private static long field(String header, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\d+)").matcher(header);
        if (!m.find()) {
            throw new IllegalStateException("dumpe2fs gave no " + name);
        }
        return Long.parseLong(m.group(1));
    }

    /** How full the two file systems are, as dumpe2fs counts. */
    private String used(Path disk) throws Exception {
        StringBuilder s = new StringBuilder();
        for (int p = 1; p <= 2; p++) {
            Path part = Path.of(source + "p" + p);
            long size = Long.parseLong(sh("blockdev", "--getsize64", part.toString()).trim());
            long used = usedBytes(part);
            s.append(p == 1 ? "" : ", ").append(String.format(Locale.ROOT, "p%d %d of %d MiB used (%.1f %%)", p,
                    used >> 20, size >> 20, 100.0 * used / size));
        }
        return s.toString();
    }

    /**
     * Files of random (incompressible) bytes, sizes spread from 4 KiB to 8 MiB evenly on a log
     * scale, in a few directories, until {@code bytes} are written (rounded to 4 KiB blocks).
     */
    private static void fill(Path files, long bytes, Random rnd) throws IOException {
        long left = bytes;
        for (int n = 0; left > 4096; n++) {
            int size = (int) Math.min(left, Math.round(4096 * Math.pow(2048, rnd.nextDouble())));
            size = Math.max(4096, size & ~4095);
            Path d = Files.createDirectories(files.resolve("d" + (n % 7)));
            byte[] data = new byte[size];
            rnd.nextBytes(data);
            try (OutputStream out = Files.newOutputStream(d.resolve("f" + n))) {
                out.write(data);
            }
            left -= size;
        }
    }

    /**
     * A loop device with O_DIRECT on the file, numbered from 40 up rather than the first free one:
     * on a shared machine a low number can be held by path by a program left running (a window
     * that had /dev/loop3 chosen opened the new /dev/loop3 within a second, and kclone refused it).
     */
    private static String attach(Path file, boolean readOnly) throws Exception {
        for (int n = 40; n < 256; n++) {
            String dev = "/dev/loop" + n;
            if (Files.exists(Path.of("/sys/block/loop" + n + "/loop"))) {
                continue; // bound
            }
            List<String> c = new ArrayList<>(List.of("losetup", "--show", "--direct-io=on"));
            if (readOnly) {
                c.add("-r");
            }
            c.addAll(List.of(dev, file.toString()));
            Result r = exec(c);
            if (r.code() == 0) {
                return r.out().trim();
            }
        }
        throw new IllegalStateException("no free loop device from /dev/loop40 up for " + file);
    }

    /** The kernel's partition nodes of a disk as its table says now (partx -a, or -u where they exist). */
    private static void nodes(String disk) throws Exception {
        if (exec(List.of("partx", "-a", disk)).code() != 0) {
            sh("partx", "-u", disk);
        }
        if (!Files.exists(Path.of(disk + "p2"))) {
            throw new IllegalStateException("partx gave " + disk + " no partition nodes");
        }
    }

    private static void dropCaches() throws Exception {
        sh("sync");
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
    }

    private static double since(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static String spread(List<Double> xs) {
        double max = xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%.2f s [%.2f-%.2f]", median(xs), min(xs), max);
    }

    /** The ratio of each round (the contenders of a round share its load): median [min-max]. */
    private static String ratio(List<Double> a, List<Double> b) {
        return spread(ratios(a, b)).replace(" s", "");
    }

    private static List<Double> ratios(List<Double> a, List<Double> b) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            r.add(a.get(i) / b.get(i));
        }
        return r;
    }

    private static String sh(String... command) throws Exception {
        Result r = exec(Arrays.asList(command));
        if (r.code() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + r.code() + ": " + r.err());
        }
        return r.out();
    }

    private void detach() throws Exception {
        for (String d : dests) {
            exec(List.of("partx", "-d", d));
            sh("losetup", "-d", d);
        }
        if (source != null) {
            exec(List.of("partx", "-d", source));
            sh("losetup", "-d", source);
        }
    }
}
