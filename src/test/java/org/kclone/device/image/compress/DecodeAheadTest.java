package org.kclone.device.image.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decoding ahead on a thread: the same bytes in order, an error after the bytes before it, a clean stop. */
class DecodeAheadTest {

    private static byte[] data(int n) {
        byte[] d = new byte[n];
        new Random(3).nextBytes(d);
        return d;
    }

    /** Gives {@code good} bytes in odd-sized reads, then throws {@code error} (or ends, when null). */
    private static final class Source extends InputStream {
        private final byte[] data;
        private final IOException error;
        private int at;
        volatile int reads;
        volatile boolean closed;

        Source(byte[] data, IOException error) {
            this.data = data;
            this.error = error;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            reads++;
            if (at == data.length) {
                if (error != null) {
                    throw error;
                }
                return -1;
            }
            int n = Math.min(Math.min(len, 300_001), data.length - at);
            System.arraycopy(data, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static byte[] readAll(InputStream in, ByteArrayOutputStream got) throws IOException {
        byte[] buf = new byte[77_777];
        int n;
        while ((n = in.read(buf)) >= 0) {
            got.write(buf, 0, n);
        }
        return got.toByteArray();
    }

    @Test
    void bytesComeOutInOrderThenTheEnd() throws Exception {
        byte[] d = data(5 * DecodeAheadInputStream.PIECE + 12345);
        Source s = new Source(d, null);
        try (DecodeAheadInputStream in = new DecodeAheadInputStream(s, 2, "test")) {
            assertArrayEquals(d, readAll(in, new ByteArrayOutputStream()));
            assertEquals(-1, in.read(new byte[10]), "and the end again");
        }
        assertEquals(true, s.closed, "closing closes the decoder");
    }

    @Test
    void theErrorComesAfterEveryByteBeforeIt() throws Exception {
        byte[] d = data(3 * DecodeAheadInputStream.PIECE + 999);
        IOException broke = new IOException("compressed data is corrupt");
        try (DecodeAheadInputStream in = new DecodeAheadInputStream(new Source(d, broke), 4, "test")) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            IOException e = assertThrows(IOException.class, () -> readAll(in, got));
            assertSame(broke, e, "the decoder's own error, its message as it was");
            assertArrayEquals(d, got.toByteArray(), "every byte decoded before it");
        }
    }

    @Test
    void closingDuringAReadThatDoesNotComeBackLeavesTheDecoderToTheThread() throws Exception {
        java.util.concurrent.CountDownLatch inRead = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean closedUnderRead = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        InputStream silent = new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                reading.set(true);
                inRead.countDown();
                try {
                    release.await(); // a source gone silent, until the test lets it go
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                reading.set(false);
                return -1;
            }

            @Override
            public void close() {
                closedUnderRead.set(reading.get());
                closed.countDown();
            }
        };
        DecodeAheadInputStream in = new DecodeAheadInputStream(silent, 2, "test");
        inRead.await();
        in.close(); // comes back though the read does not
        assertEquals(1, closed.getCount(), "not closed while the thread is inside a read");
        release.countDown();
        closed.await(); // the thread closes it once its read returned
        assertEquals(false, closedUnderRead.get());
    }

    @Test
    void stopEndsTheThreadAndLeavesTheDecoderToTheCaller() throws Exception {
        byte[] d = data(20 * DecodeAheadInputStream.PIECE);
        Source s = new Source(d, null);
        DecodeAheadInputStream in = new DecodeAheadInputStream(s, 2, "test");
        byte[] first = new byte[1000];
        assertEquals(1000, in.read(first, 0, 1000));
        in.stop();
        int reads = s.reads;
        // after stop() the thread reads no more: the caller reads on from where it stopped
        byte[] rest = new ByteArrayInputStream(new byte[0]).readAllBytes();
        assertEquals(reads, s.reads, "no read after stop");
        assertArrayEquals(Arrays.copyOf(d, 1000), first);
        // at most depth + 2 pieces were decoded (waiting, being read, being filled): memory is bounded
        assertEquals(true, s.at <= 4 * DecodeAheadInputStream.PIECE, s.at + " bytes decoded ahead");
        assertEquals(0, rest.length);
        in.close();
    }

    /** Writes into direct buffers only ({@link DirectDecoding}, as liblzma does), in odd sizes, then ends or throws. */
    private static final class DirectSource extends InputStream implements DirectDecoding {
        private final byte[] data;
        private final IOException error;
        private int at;
        volatile int directReads;
        volatile int allocatedPieces;
        private final java.util.Set<ByteBuffer> pieces = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        DirectSource(byte[] data, IOException error) {
            this.data = data;
            this.error = error;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            throw new AssertionError("a direct decoder is read into direct pieces, never through an array");
        }

        volatile int allocations;

        @Override
        public ByteBuffer allocate(int bytes) {
            allocations++;
            return ByteBuffer.allocateDirect(bytes);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!dst.isDirect()) {
                throw new AssertionError("a heap piece given to a direct decoder");
            }
            directReads++;
            // a piece is known by its address (the same native memory, filled again)
            synchronized (pieces) {
                if (dst.position() == 0 && pieces.stream().noneMatch(p -> p == dst)) {
                    pieces.add(dst);
                    allocatedPieces = pieces.size();
                }
            }
            if (at == data.length) {
                if (error != null) {
                    throw error;
                }
                return -1;
            }
            int n = Math.min(Math.min(dst.remaining(), 200_003), data.length - at);
            dst.put(data, at, n);
            at += n;
            return n;
        }
    }

    @Test
    void aDirectDecoderFillsRecycledDirectPiecesReadIntoBuffersOfAnyKind() throws Exception {
        byte[] d = data(9 * DecodeAheadInputStream.PIECE + 4321);
        IOException broke = new IOException("compressed data is corrupt");
        DirectSource s = new DirectSource(d, broke);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (DecodeAheadInputStream in = new DecodeAheadInputStream(s, 2, "test")) {
            IOException e = assertThrows(IOException.class, () -> {
                for (int i = 0; ; i++) { // direct and heap buffers and arrays, odd sizes
                    ByteBuffer b = i % 3 == 0 ? ByteBuffer.allocateDirect(300_007) : ByteBuffer.allocate(123_457);
                    int n = i % 3 == 2 ? in.read(b.array(), 0, b.capacity()) : in.read(b);
                    if (n < 0) {
                        return;
                    }
                    if (i % 3 != 2) {
                        assertEquals(n, b.position(), "read(ByteBuffer) advances the buffer by what it gave");
                    }
                    byte[] a = new byte[n];
                    b.get(0, a, 0, n);
                    got.write(a);
                }
            });
            assertSame(broke, e, "the decoder's error, after every byte");
        }
        assertArrayEquals(d, got.toByteArray());
        assertEquals(true, s.directReads > 0);
        assertEquals(s.allocatedPieces, s.allocations, "every piece is the decoder's own memory");
        assertEquals(true, s.allocatedPieces <= 4, s.allocatedPieces + " pieces allocated for depth 2: recycled");
    }
}
