package org.kclone.device.image.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** xz through the system's liblzma: the same bytes as xz for Java; corrupt and truncated data refused. */
class LiblzmaTest {

    private static byte[] data() {
        byte[] d = new byte[3 << 20];
        Random r = new Random(9);
        for (int i = 0; i < d.length; i++) {
            d[i] = i % (1 << 20) < (1 << 19) ? (byte) r.nextInt() : (byte) (i % 7);
        }
        return d;
    }

    private static byte[] xz(byte[] d, int streams) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int part = d.length / streams;
        for (int s = 0; s < streams; s++) { // concatenated streams, as `cat a.xz b.xz` makes
            try (XZOutputStream out = new XZOutputStream(b, new LZMA2Options(2))) {
                out.write(d, s * part, s == streams - 1 ? d.length - s * part : part);
                out.endBlock();
            }
        }
        return b.toByteArray();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[77_777];
        int n;
        while ((n = in.read(buf)) >= 0) {
            b.write(buf, 0, n);
        }
        return b.toByteArray();
    }

    private static void assumeLoaded() {
        assumeTrue(LiblzmaInputStream.loaded(), "liblzma (package liblzma5) cannot be loaded here");
    }

    @Test
    void decodesConcatenatedStreamsToTheSameBytes() throws Exception {
        assumeLoaded();
        byte[] d = data();
        try (InputStream in = LiblzmaInputStream.open(new ByteArrayInputStream(xz(d, 3)))) {
            assertArrayEquals(d, readAll(in));
        }
    }

    @Test
    void corruptAndTruncatedDataAreErrorsNotShortData() throws Exception {
        assumeLoaded();
        byte[] stored = xz(data(), 1);
        byte[] flipped = stored.clone();
        flipped[stored.length / 2] ^= 0x10;
        IOException corrupt = assertThrows(IOException.class,
                () -> readAll(LiblzmaInputStream.open(new ByteArrayInputStream(flipped))));
        assertEquals("compressed data is corrupt", corrupt.getMessage());
        byte[] cut = Arrays.copyOf(stored, stored.length - 100);
        IOException truncated = assertThrows(IOException.class,
                () -> readAll(LiblzmaInputStream.open(new ByteArrayInputStream(cut))));
        assertEquals("the xz data ends before its stream does (truncated)", truncated.getMessage());
        IOException notXz = assertThrows(IOException.class,
                () -> readAll(LiblzmaInputStream.open(new ByteArrayInputStream(new byte[4096]))));
        assertEquals("not in the xz format", notXz.getMessage());
    }

    @Test
    void directReadsGiveTheSameBytesAsArrayReadsMixedWithThem() throws Exception {
        assumeLoaded();
        byte[] d = data();
        for (int threads : new int[] {1, 2}) {
            try (LiblzmaInputStream in = LiblzmaInputStream.open(new ByteArrayInputStream(xz(d, 3)), threads)) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(333_331);
                byte[] array = new byte[77_777];
                for (int i = 0; ; i++) { // in.read(ByteBuffer) after an array read takes what the array read left first
                    int n;
                    if (i % 2 == 0) {
                        direct.clear().position(i % 5); // anywhere in the buffer, not only at its start
                        int from = direct.position();
                        n = in.read(direct);
                        if (n > 0) {
                            assertEquals(from + n, direct.position());
                            byte[] a = new byte[n];
                            direct.get(from, a, 0, n);
                            got.write(a);
                        }
                    } else {
                        n = in.read(array, 0, array.length);
                        if (n > 0) {
                            got.write(array, 0, n);
                        }
                    }
                    if (n < 0) {
                        break;
                    }
                    assertEquals(true, n > 0, "a read gives at least one byte");
                }
                assertArrayEquals(d, got.toByteArray(), threads + " thread(s)");
                assertEquals(-1, in.read(direct.clear()));
            }
        }
        byte[] flipped = xz(d, 1);
        flipped[flipped.length / 2] ^= 0x10;
        try (LiblzmaInputStream in = LiblzmaInputStream.open(new ByteArrayInputStream(flipped))) {
            java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(1 << 20);
            IOException corrupt = assertThrows(IOException.class, () -> {
                while (in.read(direct.clear()) >= 0) {
                    // until it breaks
                }
            });
            assertEquals("compressed data is corrupt", corrupt.getMessage());
        }
    }

    @Test
    void piecesAreLiblzmasOwnMemoryOutsideTheDirectLimitAndGoWithIt() throws Exception {
        assumeLoaded();
        byte[] d = data();
        java.lang.management.BufferPoolMXBean directPool = java.lang.management.ManagementFactory
                .getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        LiblzmaInputStream in = LiblzmaInputStream.open(new ByteArrayInputStream(xz(d, 1)), 2);
        long before = directPool.getMemoryUsed();
        java.nio.ByteBuffer piece = in.allocate(d.length);
        // the engine's pages are sized against -XX:MaxDirectMemorySize: decoding must not take from it
        assertEquals(before, directPool.getMemoryUsed(), "no direct memory taken");
        while (piece.hasRemaining() && in.read(piece) >= 0) {
            // fill it
        }
        assertArrayEquals(d, Arrays.copyOf(copyOf(piece.flip()), d.length));
        in.close();
        assertThrows(IllegalStateException.class, () -> in.allocate(1), "none after close (what it gave is freed)");
    }

    private static byte[] copyOf(java.nio.ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }
}
