package org.kclone.device.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kclone.testing.Tools;

/** File system images in regular files for the readers' tests: made by the real mkfs tools, read, and cloned by extents. */
final class FsImages {

    private FsImages() {
    }

    /** A sparse file of {@code bytes}. */
    static Path sparse(Path file, long bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return file;
    }

    /** A file of {@code bytes} random bytes (seeded: the same test writes the same files). */
    static Path randomFile(Path file, int bytes, long seed) throws IOException {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return Files.write(file, b);
    }

    /** The result of a command: exit code and both outputs together. */
    record Result(int exit, String output) {
    }

    /** Runs a command (its output and errors together), failing on a time-out only. */
    static Result exec(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not end");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Runs a command that must succeed; returns its output. */
    static String run(String... command) throws IOException {
        Result r = exec(command);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + r.exit() + ": " + r.output());
        }
        return r.output();
    }

    /** The one number {@code regex}'s first group finds in {@code text}. */
    static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no match for " + regex + " in:\n" + text);
        }
        return Long.parseLong(m.group(1));
    }

    /** A read-only byte source over a whole file. */
    static ByteSource source(Path file) throws IOException {
        long length = Files.size(file);
        return new ByteSource() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public void read(ByteBuffer dst, long offset) throws IOException {
                if (offset < 0 || offset > length - dst.remaining()) {
                    throw new java.io.EOFException("read of " + dst.remaining() + " at " + offset + " past " + length);
                }
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    while (dst.hasRemaining()) {
                        if (ch.read(dst, offset + dst.position()) < 0) {
                            throw new java.io.EOFException("end of " + file);
                        }
                    }
                }
            }
        };
    }

    /**
     * Copies only {@code usage}'s extents of {@code image} into a new zero-filled (sparse) file of
     * the same size, as a used-only clone would write them onto a blank disk.
     */
    static Path cloneUsed(Path image, FsUsage usage, Path clone) throws IOException {
        sparse(clone, Files.size(image));
        try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(clone, StandardOpenOption.WRITE)) {
            for (Extent e : usage.used()) {
                long done = 0;
                while (done < e.length()) {
                    done += in.transferTo(e.offset() + done, e.length() - done, out.position(e.offset() + done));
                }
            }
        }
        return clone;
    }

    /** Whether {@code offset}'s byte is in one of the extents. */
    static boolean covered(FsUsage usage, long offset) {
        for (Extent e : usage.used()) {
            if (offset >= e.offset() && offset < e.end()) {
                return true;
            }
        }
        return false;
    }

    /** Asserts two files have the same bytes. */
    static void assertSameBytes(Path expected, Path actual) throws IOException {
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual), actual + " differs from " + expected);
    }

    /** Skips unless this process is root (mounting, even FUSE on a file, needs it here). */
    static void assumeRoot(String why) {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root " + why + " (running as " + System.getProperty("user.name") + ")");
    }

    /** Byte offsets where the two files differ, at most {@code max} of them (for messages). */
    static List<Long> differences(Path a, Path b, int max) throws IOException {
        List<Long> out = new ArrayList<>();
        byte[] x = Files.readAllBytes(a);
        byte[] y = Files.readAllBytes(b);
        for (int i = 0; i < Math.min(x.length, y.length) && out.size() < max; i++) {
            if (x[i] != y[i]) {
                out.add((long) i);
            }
        }
        return out;
    }

    /** Skips unless the tools are installed (see {@link Tools}). */
    static void tools(String... names) {
        Tools.assumeInstalled(names);
    }
    /** Files written into an image: their paths in it and the local files holding what they should contain. */
    record Filled(List<String> names, List<Path> files) {
    }

    /**
     * Mounts {@code img} through a loop device with {@code mount} (a FUSE helper: "ntfs-3g",
     * "mount.exfat-fuse"), writes files of many sizes in three directories and 300 small ones,
     * deletes two (holes) and writes a large file that fills the holes and runs past them
     * (fragments), then unmounts (on a block device FUSE's unmount waits for the writes) and
     * detaches. The caller has checked root, loop devices and FUSE.
     */
    static Filled fillMounted(Path img, Path dir, String mount) throws IOException {
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (org.kclone.testing.LoopDevices loops = new org.kclone.testing.LoopDevices()) {
            Path dev = loops.attachExisting(img);
            run(mount, dev.toString(), mnt.toString());
            try {
                Files.createDirectories(mnt.resolve("a/b"));
                int[] sizes = {0, 100, 4096, 4097, 300_000, 1_000_000, 77_777, 2_500_000, 12_345};
                for (int k = 0; k < sizes.length; k++) {
                    String name = (k % 3 == 0 ? "" : k % 3 == 1 ? "a/" : "a/b/") + "f" + k;
                    Path f = randomFile(dir.resolve("f" + k), sizes[k], k);
                    Files.copy(f, mnt.resolve(name));
                    names.add(name);
                    files.add(f);
                }
                for (int k = 0; k < 300; k++) { // many directory entries (NTFS: MFT records)
                    Files.write(mnt.resolve("a/many" + k), new byte[k * 7]);
                }
                Files.delete(mnt.resolve(names.get(4)));
                Files.delete(mnt.resolve(names.get(1)));
                names.remove(4);
                files.remove(4);
                names.remove(1);
                files.remove(1);
                Path big = randomFile(dir.resolve("big"), 3_000_000, 99);
                Files.copy(big, mnt.resolve("a/big"));
                names.add("a/big");
                files.add(big);
            } finally {
                run("umount", mnt.toString());
            }
        }
        return new Filled(names, files);
    }

    /**
     * The used extents partclone finds ({@code tool}: partclone.fat, partclone.exfat, partclone.ntfs),
     * from the ddrescue-style domain file it writes with {@code -D}: the lines marked "+".
     */
    static List<Extent> partcloneUsed(String tool, Path img, Path dir) throws IOException {
        Path domain = dir.resolve(tool + ".domain");
        run(tool, "-D", "-s", img.toString(), "-o", domain.toString(), "-L", dir.resolve(tool + ".log").toString());
        List<Extent> out = new ArrayList<>();
        for (String line : Files.readAllLines(domain)) {
            String[] f = line.trim().split("\\s+");
            if (!line.startsWith("#") && f.length == 3 && f[2].equals("+")) {
                out.add(new Extent(Long.decode(f[0]), Long.decode(f[1])));
            }
        }
        return out;
    }
}
