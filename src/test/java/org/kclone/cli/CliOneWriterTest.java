package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;

/**
 * Two kclone processes, one destination: the second is refused (exit 2, the destination named as
 * in use) while the first, slowed with --limit, writes; the destination ends holding only the
 * first one's bytes.
 */
class CliOneWriterTest {

    @TempDir
    Path dir;

    /** JVM options that keep JNA from loading its native library, as on a machine where it cannot. */
    private static final List<String> NO_JNA = List.of("-Djna.nosys=true", "-Djna.nounpack=true",
            "-Djna.boot.library.path=/nonexistent");

    private List<String> jvmOptions = List.of();

    private int started;

    /** kclone in its own JVM (KcloneProcess: the product's class path), each with its own log folder. */
    private KcloneProcess kclone(String... args) throws IOException {
        started++;
        return KcloneProcess.start(dir, dir.resolve("state" + started), jvmOptions, args);
    }

    private Path random(String name, int bytes, long seed) throws IOException {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    /** Waits until the first kclone has written something: {@code watched} no longer all zeros at its start. */
    private static void awaitWriting(KcloneProcess p, Path watched) throws Exception {
        byte[] buf = new byte[1 << 20];
        for (int i = 0; i < 1200; i++) {
            try (RandomAccessFile f = new RandomAccessFile(watched.toFile(), "r")) {
                int n = f.read(buf);
                for (int k = 0; k < n; k++) {
                    if (buf[k] != 0) {
                        return;
                    }
                }
            }
            if (!p.process.isAlive()) {
                fail("the first kclone ended (exit " + p.process.exitValue() + ") before it was seen writing: " + p);
            }
            Thread.sleep(50); // polling for a state another process enters; bounded at 60 s
        }
        fail("the first kclone was never seen writing");
    }

    private record Ended(int exit, String err) {
    }

    private static Ended end(KcloneProcess p) throws Exception {
        int exit = p.waitFor();
        return new Ended(exit, p.err.text());
    }

    /**
     * The first writes {@code first} to {@code dest} slowly; once it is seen writing (in the file
     * {@code watched}, zeros before), the second tries {@code second}.
     */
    private Ended secondWriterIsRefused(String dest, Path watched, Path first, Path second) throws Exception {
        KcloneProcess one = kclone("copy", first.toString(), dest, "--yes", "--limit", "1M");
        try {
            awaitWriting(one, watched);
            Ended two = end(kclone("copy", second.toString(), dest, "--yes"));
            boolean firstStillRunning = one.process.isAlive();
            assertEquals(2, two.exit(), () -> "second kclone (the first " + (firstStillRunning ? "still running"
                    : "had already ended") + "): " + two.err());
            assertTrue(two.err().contains("DEST 1: " + dest + " is in use by another program"), two.err());
            assertTrue(two.err().contains("nothing was written"), two.err());
            Ended done = end(one);
            assertEquals(0, done.exit(), done.err());
            return done;
        } finally {
            one.process.destroyForcibly().waitFor();
        }
    }

    @Test
    void twoProcessesOnOneImageFile() throws Exception {
        Path a = random("a.img", 6 << 20, 1);
        Path b = random("b.img", 6 << 20, 2);
        Path dst = dir.resolve("dst.img");
        try (RandomAccessFile f = new RandomAccessFile(dst.toFile(), "rw")) {
            f.setLength(6 << 20);
        }
        secondWriterIsRefused(dst.toString(), dst, a, b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(dst));
    }

    @Test
    void twoProcessesOnOneLoopDevice() throws Exception {
        LoopDevices.assumeAvailable();
        Path a = random("a.img", 6 << 20, 3);
        Path b = random("b.img", 6 << 20, 4);
        try (LoopDevices loops = new LoopDevices()) {
            Path backing = dir.resolve("dev.img");
            Path dev = loops.attach(backing, 8 << 20);
            secondWriterIsRefused(dev.toString(), backing, a, b);
            byte[] onDevice = Files.readAllBytes(backing);
            assertArrayEquals(Files.readAllBytes(a), Arrays.copyOf(onDevice, 6 << 20), "the first one's bytes");
            assertArrayEquals(new byte[2 << 20], Arrays.copyOfRange(onDevice, 6 << 20, 8 << 20), "and nothing else");
        }
    }

    @Test
    void withoutJnaTwoProcessesOnOneImageFileStillExcludeEachOther() throws Exception {
        jvmOptions = NO_JNA;
        Path a = random("a.img", 6 << 20, 5);
        Path b = random("b.img", 6 << 20, 6);
        Path dst = dir.resolve("dst.img");
        try (RandomAccessFile f = new RandomAccessFile(dst.toFile(), "rw")) {
            f.setLength(6 << 20);
        }
        Ended first = secondWriterIsRefused(dst.toString(), dst, a, b);
        assertTrue(!first.err().contains("warning"), "image files are locked alike without JNA: " + first.err());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(dst));
    }

    @Test
    void withoutJnaALoopDeviceIsLockedAndTheWarningSaysWhatIsMissing() throws Exception {
        LoopDevices.assumeAvailable();
        jvmOptions = NO_JNA;
        Path a = random("a.img", 6 << 20, 7);
        Path b = random("b.img", 6 << 20, 8);
        try (LoopDevices loops = new LoopDevices()) {
            Path backing = dir.resolve("dev.img");
            Path dev = loops.attach(backing, 8 << 20);
            Ended first = secondWriterIsRefused(dev.toString(), backing, a, b);
            assertTrue(first.err().contains("kclone: warning: destinations cannot be opened exclusively here: cannot"
                    + " load JNA's native library"), first.err());
            assertArrayEquals(Files.readAllBytes(a), Arrays.copyOf(Files.readAllBytes(backing), 6 << 20));
        }
    }

    /**
     * A source being written by another kclone is refused (exit 2, SOURCE named as being written), with JNA
     * and without: the copy would be of a moving target. The first one's copy is unharmed.
     */
    @Test
    void aSourceAnotherProcessWritesIsRefusedWithJnaAndWithout() throws Exception {
        for (List<String> jvm : List.of(List.<String>of(), NO_JNA)) {
            jvmOptions = jvm;
            Path a = random("a.img", 6 << 20, 9);
            Path dst = dir.resolve("dst.img");
            Files.deleteIfExists(dst);
            try (RandomAccessFile f = new RandomAccessFile(dst.toFile(), "rw")) {
                f.setLength(6 << 20);
            }
            KcloneProcess one = kclone("copy", a.toString(), dst.toString(), "--yes", "--limit", "1M");
            try {
                awaitWriting(one, dst);
                Ended two = end(kclone("copy", dst.toString(), dir.resolve("copy.img").toString(), "--yes"));
                assertEquals(2, two.exit(), two.err());
                assertTrue(two.err().contains("SOURCE: " + dst + " is being written by another program"), two.err());
                assertTrue(Files.notExists(dir.resolve("copy.img")), "the new image was not left behind");
                Ended done = end(one);
                assertEquals(0, done.exit(), done.err());
                assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(dst));
            } finally {
                one.process.destroyForcibly().waitFor();
            }
        }
    }
}
