package org.kclone.device.image.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.Tools;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableXZInputStream;

/**
 * Files of several blocks as {@code xz -T2} writes them (sizes in the block headers), decoded by
 * liblzma's threaded decoder: the same bytes as the tool, a flipped byte and a cut file refused with
 * today's messages after the good bytes before them, and the stored stream's message naming where.
 */
class ThreadedXzTest {

    @TempDir
    Path dir;

    /** 3 MiB and a bit: per 256 KiB random, zeros or text in turn. */
    private static byte[] data() {
        byte[] d = new byte[(3 << 20) + 4321];
        Random r = new Random(11);
        for (int i = 0; i < d.length; i++) {
            int kind = (i / (256 << 10)) % 3;
            d[i] = kind == 0 ? (byte) r.nextInt() : kind == 1 ? 0 : (byte) ('a' + i % 26);
        }
        return d;
    }

    /** {@code data} compressed by the real xz on two threads in blocks of 256 KiB. */
    private Path xz(byte[] data) throws Exception {
        Tools.assumeInstalled("xz");
        Path raw = dir.resolve("d.img");
        Files.write(raw, data);
        Process p = new ProcessBuilder("xz", "-T2", "--block-size=256KiB", "-1", "-k", "-f", raw.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return dir.resolve("d.img.xz");
    }

    private static void assumeLoaded() {
        assumeTrue(LiblzmaInputStream.loaded(), "liblzma (package liblzma5) cannot be loaded here");
    }

    /** Reads until the end or an error; the bytes read before an error are in {@code got}. */
    private static IOException readAll(InputStream in, ByteArrayOutputStream got) {
        byte[] buf = new byte[100_000];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    @Test
    void blocksComeOutInOrderFromTheThreadedDecoder() throws Exception {
        assumeLoaded();
        byte[] d = data();
        Path p = xz(d);
        try (LiblzmaInputStream in = LiblzmaInputStream.open(Files.newInputStream(p), 2)) {
            assertTrue(in.threaded(), "liblzma 5.4+ has lzma_stream_decoder_mt (Debian 12 has 5.4.1)");
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            assertEquals(null, readAll(in, got));
            assertArrayEquals(d, got.toByteArray());
        }
        try (LiblzmaInputStream one = LiblzmaInputStream.open(Files.newInputStream(p), 1)) {
            assertFalse(one.threaded(), "one thread: the single decoder");
        }
    }

    @Test
    void aFlippedByteAndACutFileAreTheSameErrorsAsOnOneThread() throws Exception {
        assumeLoaded();
        byte[] d = data();
        Path p = xz(d);
        long block6;
        try (SeekableXZInputStream index = new SeekableXZInputStream(new SeekableFileInputStream(p.toFile()))) {
            assertTrue(index.getBlockCount() > 8, "xz cut the file into blocks");
            block6 = index.getBlockCompPos(6);
        }
        byte[] stored = Files.readAllBytes(p);
        byte[] flipped = stored.clone();
        flipped[(int) block6 + 100] ^= 0x55;
        Files.write(dir.resolve("flipped.xz"), flipped);
        for (int threads : new int[] {1, 2}) {
            try (LiblzmaInputStream in = LiblzmaInputStream.open(Files.newInputStream(dir.resolve("flipped.xz")),
                    threads)) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                IOException e = readAll(in, got);
                assertEquals("compressed data is corrupt", e == null ? null : e.getMessage(), threads + " threads");
                // the blocks before the broken one came out whole, and nothing past it
                assertTrue(got.size() >= 5 * (256 << 10) && got.size() <= 7 * (256 << 10), got.size() + " bytes");
                byte[] good = Arrays.copyOf(d, 6 * (256 << 10));
                assertArrayEquals(good, Arrays.copyOf(got.toByteArray(), good.length), threads + " threads, "
                        + got.size() + " bytes");
            }
        }
        Files.write(dir.resolve("cut.xz"), Arrays.copyOf(stored, stored.length - 100));
        for (int threads : new int[] {1, 2}) {
            try (LiblzmaInputStream in = LiblzmaInputStream.open(Files.newInputStream(dir.resolve("cut.xz")), threads)) {
                IOException e = readAll(in, new ByteArrayOutputStream());
                assertEquals("the xz data ends before its stream does (truncated)", e == null ? null : e.getMessage(),
                        threads + " threads");
            }
        }
    }

    @Test
    void theStoredStreamDecodesAheadAndNamesWhereItBroke() throws Exception {
        assumeLoaded();
        byte[] d = data();
        Path p = xz(d);
        byte[] stored = Files.readAllBytes(p);
        try (StoredStream s = StoredStream.open(p, Format.XZ, false, true)) {
            byte[] b = new byte[d.length];
            int n = 0;
            int r;
            while (n < b.length && (r = s.read(b, n, b.length - n, n)) > 0) {
                n += r;
            }
            assertArrayEquals(d, b);
            // the decode-ahead thread is stopped before the rest of the file is hashed here
            assertEquals(ImageChecksum.hashFile(p), s.finishDigest(), "every stored byte hashed once");
        }
        Path cut = dir.resolve("cut.xz");
        Files.write(cut, Arrays.copyOf(stored, stored.length / 2));
        try (StoredStream s = StoredStream.open(cut, Format.XZ, false, false)) {
            byte[] b = new byte[1 << 20];
            long at = 0;
            CorruptStreamException e = null;
            try {
                int r;
                while ((r = s.read(b, 0, b.length, at)) > 0) {
                    at += r;
                }
            } catch (CorruptStreamException x) {
                e = x;
            }
            assertTrue(e != null, "a cut file is an error, not short data");
            assertTrue(e.getMessage().contains("it broke at compressed byte " + (stored.length / 2) + " of "
                    + (stored.length / 2) + " (uncompressed byte " + at + ")"), e.getMessage());
        }
    }
}
