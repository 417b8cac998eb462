package org.kclone.device.image.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Decompresses ahead of its reader, on a thread of its own, into a bounded queue: the decoding of
 * the next mebibytes goes on while the engine writes the last ones (the engine's reads of a stream
 * source are one after another, and without this the decoder would stand still between them).
 * Memory: at most {@code depth} pieces of {@link #PIECE} bytes waiting, one being filled and one
 * being read, recycled (never more than {@code depth + 2} allocated). A decoder that can write into
 * native memory ({@link DirectDecoding}, liblzma) fills direct pieces, which {@link #read(ByteBuffer)}
 * copies straight into the engine's pages: the decoded bytes are copied once on their way, not
 * three times through Java arrays.
 *
 * <p>The bytes come out in order, then the end or the decoder's error: the error is thrown to the
 * reader, as the decoder threw it, only after every byte decoded before it (so the reader knows the
 * uncompressed offset where the stream broke), and the thread stops reading the stored file there
 * (so the stored bytes counted say where it broke). {@link #stop} ends the thread without
 * interrupting it (an interrupt would close the stored file's channel): the stored file is then
 * the caller's again.
 */
final class DecodeAheadInputStream extends InputStream {

    /** Bytes a piece holds. */
    static final int PIECE = 1 << 20;

    private final InputStream decoder;
    /** The decoder, where it writes into native memory (the pieces are then direct), else null. */
    private final DirectDecoding direct;
    private final int depth;
    private final Thread thread;

    // Guarded by this.
    /** Decoded pieces, flipped (their limit is their length). */
    private final ArrayDeque<ByteBuffer> ready = new ArrayDeque<>();
    /** Pieces read to their end, to be filled again. */
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private boolean ended;
    private Throwable failure;
    private boolean stopping;
    private boolean finished;
    /** Set by {@link #close} when the thread was still reading: it closes the decoder as it ends. */
    private boolean closeByThread;

    // The reader's.
    private ByteBuffer current;
    private boolean closed;

    /** Starts decoding {@code decoder} ahead, up to {@code depth} pieces. */
    DecodeAheadInputStream(InputStream decoder, int depth, String name) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth " + depth);
        }
        this.decoder = decoder;
        this.direct = decoder instanceof DirectDecoding d ? d : null;
        this.depth = depth;
        this.thread = new Thread(this::decode, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** On the thread: fills pieces until the end, an error, or {@link #stop}. */
    private void decode() {
        try {
            while (true) {
                ByteBuffer piece;
                synchronized (this) {
                    while (ready.size() >= depth && !stopping) {
                        wait();
                    }
                    if (stopping) {
                        return;
                    }
                    piece = free.poll();
                }
                if (piece == null) {
                    piece = direct != null ? direct.allocate(PIECE) : ByteBuffer.allocate(PIECE);
                }
                piece.clear();
                Throwable broke = null;
                boolean end = false;
                try {
                    while (piece.hasRemaining()) {
                        int r = direct != null ? direct.read(piece)
                                : decoder.read(piece.array(), piece.position(), piece.remaining());
                        if (r < 0) {
                            end = true;
                            break;
                        }
                        if (direct == null) {
                            piece.position(piece.position() + r);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    broke = e; // the bytes before it go out first
                }
                piece.flip();
                synchronized (this) {
                    if (piece.hasRemaining()) {
                        ready.add(piece);
                    }
                    ended = end;
                    failure = broke;
                    notifyAll();
                    if (end || broke != null) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            synchronized (this) {
                failure = e;
                notifyAll();
            }
        } finally {
            boolean closeNow;
            synchronized (this) {
                finished = true;
                closeNow = closeByThread;
                notifyAll();
            }
            if (closeNow) { // close() gave up waiting: the decoder is closed here, never under a read
                try {
                    decoder.close();
                } catch (IOException e) {
                    // closing after the reader has gone: nobody to tell
                }
            }
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        if (len == 0) {
            return 0;
        }
        if (current == null || !current.hasRemaining()) {
            if (!next()) {
                return -1;
            }
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    /**
     * Copies the next decoded bytes into {@code dst} (up to its remaining bytes and the rest of
     * the piece being read), advancing its position.
     *
     * @return bytes copied, or -1 at the end of the data
     */
    public int read(ByteBuffer dst) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (current == null || !current.hasRemaining()) {
            if (!next()) {
                return -1;
            }
        }
        int n = Math.min(dst.remaining(), current.remaining());
        dst.put(current.slice(current.position(), n));
        current.position(current.position() + n);
        return n;
    }

    /** Takes the next piece (the one read goes back to be filled again); false at the end. */
    private synchronized boolean next() throws IOException {
        if (current != null) {
            free.add(current);
            current = null;
        }
        try {
            while (ready.isEmpty() && !ended && failure == null && !finished) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the decoder");
        }
        if (!ready.isEmpty()) {
            current = ready.poll();
            notifyAll();
            return true;
        }
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (ended) {
            return false;
        }
        throw new IOException("the decoder stopped");
    }

    /**
     * Stops decoding ahead and waits for the thread to end (after the piece it is decoding): from
     * then on nobody but the caller reads the decoder or the stored file beneath it.
     */
    void stop() throws InterruptedIOException {
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping the decoder");
        }
    }

    /**
     * Stops the thread and closes the decoder. A read of the stored file that does not come back
     * (a source gone silent) must not hold up closing the job: after {@link #CLOSE_WAIT_MS} the
     * decoder is left for the thread to close once its read returns (never closed under a read: a
     * native decoder would be freed while in use).
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean closeHere;
        synchronized (this) {
            closeHere = finished;
            closeByThread = !finished;
        }
        if (closeHere) {
            decoder.close();
        }
    }

    /** How long {@link #close} waits for the thread before leaving the decoder to it. */
    static final long CLOSE_WAIT_MS = 2000;
}
