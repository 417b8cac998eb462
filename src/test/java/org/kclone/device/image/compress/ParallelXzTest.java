package org.kclone.device.image.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableXZInputStream;
import org.tukaani.xz.XZOutputStream;

/** xz files of several blocks decoded on several threads: the same bytes, in order; a broken block named. */
class ParallelXzTest {

    @TempDir
    Path dir;

    /** 11 blocks of 256 KiB (random, zeros, text, in turn) and a short last one, as {@code xz -T} cuts a file. */
    private static byte[] data() {
        byte[] d = new byte[11 * (256 << 10) + 1234];
        Random r = new Random(5);
        for (int i = 0; i < d.length; i++) {
            int kind = (i / (256 << 10)) % 3;
            d[i] = kind == 0 ? (byte) r.nextInt() : kind == 1 ? 0 : (byte) ('a' + i % 26);
        }
        return d;
    }

    private Path xz(String name, byte[] d, int blockSize) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream f = Files.newOutputStream(p); XZOutputStream out = new XZOutputStream(f, new LZMA2Options(1))) {
            for (int off = 0; off < d.length; off += blockSize) {
                out.write(d, off, Math.min(blockSize, d.length - off));
                out.endBlock();
            }
        }
        return p;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[100_000]; // not a block's multiple: reads cross blocks
        int n;
        while ((n = in.read(buf)) >= 0) {
            b.write(buf, 0, n);
        }
        return b.toByteArray();
    }

    @Test
    void blocksDecodedOnSeveralThreadsComeOutInOrder() throws Exception {
        byte[] d = data();
        Path p = xz("multi.xz", d, 256 << 10);
        for (int threads : new int[] {2, 3, 16}) {
            try (ParallelXzInputStream in = ParallelXzInputStream.open(p, threads)) {
                assertNotNull(in, "several blocks: parallel");
                assertArrayEquals(d, readAll(in), threads + " threads");
            }
        }
        try (StoredStream s = StoredStream.open(p, Format.XZ, false, false)) {
            byte[] b = new byte[d.length + 10];
            int n = 0;
            int r;
            while ((r = s.read(b, n, b.length - n, n)) > 0) {
                n += r;
            }
            assertArrayEquals(d, java.util.Arrays.copyOf(b, n), "through the stored stream");
        }
    }

    @Test
    void oneBlockOrOneThreadIsDecodedAsOneStream() throws Exception {
        Path single = xz("single.xz", data(), Integer.MAX_VALUE);
        assertNull(ParallelXzInputStream.open(single, 4));
        assertNull(ParallelXzInputStream.open(xz("multi.xz", data(), 256 << 10), 1));
    }

    @Test
    void aBrokenBlockFailsTheReadAtThatBlockAndTellsWhereItStarts() throws Exception {
        byte[] d = data();
        Path p = xz("multi.xz", d, 256 << 10);
        long block4;
        try (SeekableXZInputStream index = new SeekableXZInputStream(new SeekableFileInputStream(p.toFile()))) {
            block4 = index.getBlockCompPos(4);
        }
        byte[] stored = Files.readAllBytes(p);
        stored[(int) block4 + 40] ^= 0x55; // inside block 4's compressed data
        Files.write(p, stored);
        try (ParallelXzInputStream in = ParallelXzInputStream.open(p, 3)) {
            byte[] b = new byte[d.length];
            int[] n = {0};
            assertThrows(IOException.class, () -> {
                int r;
                while ((r = in.read(b, n[0], b.length - n[0])) > 0) {
                    n[0] += r;
                }
            });
            assertEquals(block4, in.compressedPosition(), "the broken block's start, for the message");
            assertEquals(4 * (256 << 10), n[0], "every block before the broken one, and nothing of it");
            assertArrayEquals(java.util.Arrays.copyOf(d, n[0]), java.util.Arrays.copyOf(b, n[0]));
        }
    }
}
