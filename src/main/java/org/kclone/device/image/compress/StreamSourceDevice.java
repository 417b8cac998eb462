package org.kclone.device.image.compress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.kclone.engine.BlockDevice;

/**
 * A compressed image seen as a read-only block device of its uncompressed length. The file is
 * decompressed as one stream, in order, exactly once per pass: a read waits until the stream has
 * reached its offset (the engine has several chunk reads in flight on several threads, issued in
 * ascending order; the earliest of them always holds its pages and its thread, so the wait always
 * ends). The decoded bytes go straight into the engine's buffer. Memory: one 1 MiB staging buffer
 * (skipping to the first read) and a 64 KiB tail (reads that overlap the previous one
 * a little: the verifier widens its reads to 4 KiB), plus the decoder's own state.
 *
 * <p>A corrupt or truncated stream fails every read from then on with a
 * {@link CorruptStreamException} naming where it broke. With an expected SHA-256 (a sidecar), the
 * stored bytes are hashed as they are read, and the read that reaches the end of the data fails
 * when they do not match. A read behind the stream (verification reading the source again) starts
 * a new pass from the beginning, once the first pass has ended well.
 */
public final class StreamSourceDevice implements BlockDevice {

    private static final int STAGE = 1 << 20;
    private static final int TAIL = 64 << 10;

    private final Path file;
    /** Where the file is opened: itself, or the helper's pinned descriptor ({@code /proc/self/fd/N}). */
    private final Path openAt;
    private final Format format;
    private final long length;
    private final long firstRead;
    private final boolean direct;
    private final ImageChecksum.Expected expected;

    private final byte[] stage = new byte[STAGE];
    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    private StoredStream stream;
    private long cursor;
    private boolean firstPass = true;
    /** Whether the first pass has looked past the region's end for the stream's last check. */
    private boolean endChecked;
    private CorruptStreamException broken;
    private boolean closed;

    /**
     * @param length the uncompressed length the plan uses (the data must reach it)
     * @param firstRead where the first read will be (the region's start): the stream skips there
     * @param direct read the stored file past the page cache (reading back a written image)
     * @param expected the stored file's SHA-256 to check during the first pass, or null
     */
    public StreamSourceDevice(Path file, Format format, long length, long firstRead, boolean direct,
            ImageChecksum.Expected expected) {
        this(file, file, format, length, firstRead, direct, expected);
    }

    /** As above, opening the file at {@code openAt} (named {@code file} in messages). */
    public StreamSourceDevice(Path file, Path openAt, Format format, long length, long firstRead, boolean direct,
            ImageChecksum.Expected expected) {
        this.file = file;
        this.openAt = openAt;
        this.format = format;
        this.length = length;
        this.firstRead = firstRead;
        this.direct = direct;
        this.expected = expected;
    }

    /** The error that broke the stream (the first pass), or null. */
    public synchronized CorruptStreamException failure() {
        return broken;
    }

    public Format format() {
        return format;
    }

    @Override
    public String name() {
        return file.toString();
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public int logicalSectorSize() {
        return 512;
    }

    @Override
    public synchronized void read(ByteBuffer dst, long position) throws IOException {
        if (closed) {
            throw new IOException(file + " is closed");
        }
        if (stream == null && firstPass) {
            open(Math.min(firstRead, position));
        }
        while (position > cursor && broken == null && !closed) {
            try {
                wait(); // an earlier read is on its way (issued before this one)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted waiting for the stream to reach byte "
                        + position);
            }
        }
        if (broken != null) {
            throw new CorruptStreamException(broken.getMessage(), broken, broken.where());
        }
        if (position < cursor - tailLength) {
            if (firstPass && cursor < length) {
                throw new CorruptStreamException(file + ": read at byte " + position + " behind the stream (at byte "
                        + cursor + "): a compressed source is read once, in order", null);
            }
            open(position); // a new pass: verification reads the source again
        }
        try {
            if (position < cursor) {
                int back = (int) (cursor - position);
                int n = Math.min(back, dst.remaining());
                dst.put(tail, tailLength - back, n);
                position += n;
            }
            while (dst.hasRemaining()) {
                int start = dst.position();
                int n = stream.read(dst, cursor); // straight into the engine's page
                if (n < 0) {
                    throw stream.endedEarly(cursor, length);
                }
                remember(dst, start, n);
                cursor += n;
                if (firstPass && cursor >= length && !endChecked) {
                    endChecked = true;
                    checkEnd();
                    if (expected != null) {
                        expected.check(stream.finishDigest());
                    }
                }
            }
        } catch (CorruptStreamException e) {
            broken = broken != null ? broken : e;
            throw e;
        } finally {
            notifyAll();
        }
    }

    /**
     * At the region's end, the first pass: where the data ends there too, reads on to the stream's
     * end so that its last check (xz's and gzip's CRC, zstd's checksum, the xz index) is made: a
     * stream that fails it fails this read, though every byte of the region came out. Where the data
     * goes on past the region (a region shorter than the data) nothing is checked: one byte is read
     * and dropped (nothing reads past the region on this pass).
     */
    private void checkEnd() throws CorruptStreamException {
        byte[] one = new byte[1];
        stream.read(one, 0, 1, cursor);
    }

    /** Opens a pass and decompresses up to {@code position}. */
    private void open(long position) throws IOException {
        if (stream != null) {
            stream.close();
            firstPass = false;
        }
        stream = StoredStream.open(openAt, format, direct, firstPass && expected != null);
        cursor = 0;
        tailLength = 0;
        try {
            while (cursor < position) {
                int n = stream.read(stage, 0, (int) Math.min(STAGE, position - cursor), cursor);
                if (n < 0) {
                    throw stream.endedEarly(cursor, length);
                }
                remember(n);
                cursor += n;
            }
        } catch (CorruptStreamException e) {
            broken = firstPass && broken == null ? e : broken;
            throw e;
        }
    }

    /** Keeps the last {@link #TAIL} bytes read: {@code n} more are at the start of the stage. */
    private void remember(int n) {
        remember(ByteBuffer.wrap(stage), 0, n);
    }

    /** Keeps the last {@link #TAIL} bytes read: {@code n} more are in {@code read} at {@code start}. */
    private void remember(ByteBuffer read, int start, int n) {
        if (n >= TAIL) {
            read.get(start + n - TAIL, tail, 0, TAIL);
            tailLength = TAIL;
        } else {
            int keep = Math.min(tailLength, TAIL - n);
            System.arraycopy(tail, tailLength - keep, tail, 0, keep);
            read.get(start, tail, keep, n);
            tailLength = keep + n;
        }
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        throw new IOException(file + " is a compressed image opened for reading");
    }

    @Override
    public void flush() {
        // read-only
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        notifyAll();
        if (stream != null) {
            stream.close();
        }
    }
}
