package org.kclone.device.image.compress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read through it: where in the stored file the decoder has got to. */
final class Counting extends FilterInputStream {
    private volatile long count; // read by the reader while a decode-ahead thread reads through it

    Counting(InputStream in) {
        super(in);
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        count += Math.max(0, s);
        return s;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
