package org.kclone.device.image.compress;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.TreeMap;
import org.kclone.engine.BlockDevice;

/**
 * A new compressed image file as a destination of {@code length} uncompressed bytes. The
 * compressor takes bytes in order, but the engine writes chunks from several threads: a write that
 * arrives ahead of its turn is copied aside (at most the engine's chunks in flight) and compressed
 * when its turn comes. The stored bytes are hashed as they go to the file (the sidecar's SHA-256).
 * {@link #flush()} ends the stream and syncs the file; after that the image reads back (for
 * {@code --verify}) by decompressing it from the disk, past the page cache.
 */
public final class CompressedImageDevice implements BlockDevice {

    private final Path file;
    /** Where the file is opened: itself, or the helper's pinned descriptor ({@code /proc/self/fd/N}). */
    private Path openAt;
    private final Format format;
    private final long length;
    private final FileChannel channel;
    private final MessageDigest sha = ImageChecksum.sha256();
    private final OutputStream sink;
    private final Encoders.Encoder encoder;
    private final TreeMap<Long, ByteBuffer> early = new TreeMap<>();
    private long next;
    private IOException failed;
    private String storedSha256;
    private StreamSourceDevice reader;

    private CompressedImageDevice(Path file, Format format, long length, FileChannel channel) throws IOException {
        this.file = file;
        this.format = format;
        this.length = length;
        this.channel = channel;
        OutputStream toFile = new FilterOutputStream(Channels.newOutputStream(channel)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() {
                // the channel is closed with the device
            }
        };
        this.sink = new BufferedOutputStream(new DigestOutputStream(toFile, sha), 1 << 20);
        this.encoder = Encoders.create(format, sink, length);
    }

    /** Opens {@code file} (an empty file just created) for writing a {@code format} image. */
    public static CompressedImageDevice create(Path file, Format format, long length) throws IOException {
        return create(file, file, format, length);
    }

    /** As above, opening (and later reading back) the file at {@code openAt}, named {@code file} in messages. */
    public static CompressedImageDevice create(Path file, Path openAt, Format format, long length) throws IOException {
        FileChannel ch = FileChannel.open(openAt, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            CompressedImageDevice d = new CompressedImageDevice(file, format, length, ch);
            d.openAt = openAt;
            return d;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public Format format() {
        return format;
    }

    /** The SHA-256 of the file as stored, once it is complete and flushed; else null. */
    public synchronized String storedSha256() {
        return storedSha256;
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
    public synchronized void write(ByteBuffer src, long position) throws IOException {
        if (failed != null) {
            throw failed;
        }
        if (storedSha256 != null) {
            throw new IOException(file + ": the compressed image is already complete");
        }
        if (position < next || early.containsKey(position)) {
            throw new IOException(file + ": a write at byte " + position + " goes back over bytes already"
                    + " compressed (up to " + next + "); a compressed image is written once, in order");
        }
        if (position > next) {
            ByteBuffer copy = ByteBuffer.allocateDirect(src.remaining());
            copy.put(src).flip();
            early.put(position, copy);
            return;
        }
        try {
            next += compress(src);
            while (!early.isEmpty() && early.firstKey() == next) {
                next += compress(early.pollFirstEntry().getValue());
            }
        } catch (IOException | RuntimeException e) {
            failed = e instanceof IOException io ? io : new IOException(e.toString(), e);
            throw failed;
        }
    }

    private int compress(ByteBuffer b) throws IOException {
        int n = b.remaining();
        encoder.write(b);
        return n;
    }

    /** Ends the stream, writes it out and syncs it: the image is complete from here on. */
    @Override
    public synchronized void flush() throws IOException {
        if (storedSha256 != null) {
            return;
        }
        if (failed != null) {
            throw failed;
        }
        if (next < length) {
            early.clear();
            throw new IOException("incomplete compressed image: " + next + " of " + length
                    + " bytes arrived in order, so the stream was not ended; " + file + " is not a usable image");
        }
        encoder.finish();
        sink.flush();
        channel.force(true);
        storedSha256 = HexFormat.of().formatHex(sha.digest());
    }

    @Override
    public void read(ByteBuffer dst, long position) throws IOException {
        StreamSourceDevice r;
        synchronized (this) {
            if (storedSha256 == null) {
                throw new IOException(file + ": a compressed image reads back only once it is complete and flushed");
            }
            if (reader == null) {
                reader = new StreamSourceDevice(file, openAt != null ? openAt : file, format, length, position, true, null);
            }
            r = reader;
        }
        r.read(dst, position);
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            if (storedSha256 == null) {
                encoder.abandon();
            }
            if (reader != null) {
                reader.close();
            }
        } finally {
            channel.close();
        }
    }
}
