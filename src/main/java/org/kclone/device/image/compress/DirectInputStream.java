package org.kclone.device.image.compress;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file read from its start past the page cache (O_DIRECT, 1 MiB aligned reads), for reading back
 * a compressed image that was just written: the cache must not answer for the disk. Where the file
 * system refuses O_DIRECT (tmpfs) it reads buffered.
 */
final class DirectInputStream extends InputStream {
    private static final int ALIGN = 4096;
    private static final int BLOCK = 1 << 20;

    private final FileChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK + ALIGN).alignedSlice(ALIGN);
    private long position;
    private boolean eof;

    private DirectInputStream(FileChannel channel) {
        this.channel = channel;
        buf.limit(0);
    }

    static InputStream open(Path file) throws IOException {
        try {
            return new DirectInputStream(FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT));
        } catch (IOException | UnsupportedOperationException e) {
            return Files.newInputStream(file);
        }
    }

    private boolean fill() throws IOException {
        if (buf.hasRemaining()) {
            return true;
        }
        if (eof) {
            return false;
        }
        buf.clear().limit(BLOCK);
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + buf.position());
            if (n <= 0) {
                eof = true;
                break;
            }
            if (buf.position() % ALIGN != 0) { // a short read ends at the file's end
                eof = true;
                break;
            }
        }
        position += buf.position();
        buf.flip();
        return buf.hasRemaining();
    }

    @Override
    public int read() throws IOException {
        return fill() ? buf.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, buf.remaining());
        buf.get(b, off, n);
        return n;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
