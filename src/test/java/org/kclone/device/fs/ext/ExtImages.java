package org.kclone.device.fs.ext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.kclone.device.fs.ByteSource;
import org.kclone.device.fs.Extent;
import org.kclone.device.fs.FsReader;
import org.kclone.device.fs.FsUsage;
import org.kclone.engine.FileBlockDevice;
import org.kclone.testing.Tools;

/** ext images made by the e2fsprogs tools on regular files (no root), and the checks run on them. */
final class ExtImages {

    private ExtImages() {
    }

    /** Runs {@code cmd}, returns its output (stdout and stderr), fails unless it exits 0. */
    static String run(String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of(cmd));
        c.set(0, Tools.find(cmd[0]).orElseThrow().toString());
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", cmd) + " did not end");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    /**
     * A folder of files to populate an image from: sizes from empty to a few MiB (block edges,
     * odd lengths), nested folders; {@code bytes} of data or a little more, from {@code seed}.
     */
    static Path tree(Path dir, long bytes, long seed) throws IOException {
        Path root = Files.createDirectories(dir);
        Random r = new Random(seed);
        int[] sizes = {0, 1, 1023, 1024, 1025, 4095, 4096, 4097, 65536, 100_000};
        long total = 0;
        int i = 0;
        while (total < bytes) {
            int size = i < sizes.length ? sizes[i] : 1 + r.nextInt(i % 7 == 0 ? 3 << 20 : 200_000);
            Path folder = root.resolve("d" + (i % 5)).resolve("e" + (i % 3));
            Files.createDirectories(folder);
            byte[] b = new byte[size];
            r.nextBytes(b);
            Files.write(folder.resolve("f" + i + ".bin"), b);
            total += size;
            i++;
        }
        return root;
    }

    /** A sparse image of {@code size} bytes made by {@code mke2fs -q -F ARGS -d TREE} (give -t). */
    static Path mkfs(Path image, long size, Path tree, String... args) throws IOException, InterruptedException {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(size);
        }
        List<String> cmd = new ArrayList<>(List.of("mke2fs", "-q", "-F"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-d", tree.toString(), image.toString()));
        run(cmd.toArray(new String[0]));
        return image;
    }

    /** What {@code reader} finds in the image file. */
    static FsUsage read(FsReader reader, Path image) throws IOException {
        try (FileBlockDevice d = FileBlockDevice.open(image, false)) {
            ByteSource src = ByteSource.of(d, 0, d.size());
            assertTrue(reader.recognises(src), image + " not recognised");
            return reader.read(src);
        }
    }

    /** Blocks in use by dumpe2fs's superblock counts: (block count - free blocks) x block size. */
    static long usedByDumpe2fs(Path image) throws IOException, InterruptedException {
        String out = run("dumpe2fs", "-h", image.toString());
        return (field(out, "Block count") - field(out, "Free blocks")) * field(out, "Block size");
    }

    private static long field(String dumpe2fs, String name) {
        return dumpe2fs.lines().filter(l -> l.startsWith(name + ":")).findFirst()
                .map(l -> Long.parseLong(l.substring(name.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("dumpe2fs -h printed no " + name + ":\n" + dumpe2fs));
    }

    /**
     * A file as large as {@code image} with only the {@code used} ranges copied from it, and
     * junk (random bytes) everywhere else: a range the reader left out that the file system
     * needs shows as garbage, not as the zeros a fresh disk might happen to hold.
     */
    static Path copyUsedOverJunk(Path image, FsUsage usage, Path clone, long seed) throws IOException {
        byte[] junk = new byte[1 << 20];
        new Random(seed).nextBytes(junk);
        long size = Files.size(image);
        try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(clone, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long at = 0;
            List<Extent> used = new ArrayList<>(usage.used());
            used.add(new Extent(size, 1)); // sentinel: junk up to the image's end
            for (Extent e : used) {
                while (at < e.offset()) {
                    int n = (int) Math.min(junk.length, e.offset() - at);
                    at += writeFully(out, ByteBuffer.wrap(junk, 0, n), at);
                }
                if (e.offset() >= size) {
                    break;
                }
                ByteBuffer b = ByteBuffer.allocate(1 << 20);
                while (at < e.end()) {
                    b.clear().limit((int) Math.min(b.capacity(), e.end() - at));
                    while (b.hasRemaining()) {
                        if (in.read(b, at + b.position()) < 0) {
                            throw new IOException("short read of " + image + " at " + at);
                        }
                    }
                    at += writeFully(out, b.flip(), at);
                }
            }
        }
        return clone;
    }

    private static int writeFully(FileChannel out, ByteBuffer b, long at) throws IOException {
        int n = b.remaining();
        long p = at;
        while (b.hasRemaining()) {
            p += out.write(b, p);
        }
        return n;
    }

    /** Every file of {@code tree} has the same bytes under {@code dumped}. */
    static int assertSameFiles(Path tree, Path dumped) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(tree)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            Path d = dumped.resolve(tree.relativize(f).toString());
            assertTrue(Files.isRegularFile(d), "missing in the clone: " + d);
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(d), "content differs: " + d);
        }
        return files.size();
    }
}
