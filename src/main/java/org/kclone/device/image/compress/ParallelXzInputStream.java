package org.kclone.device.image.compress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableXZInputStream;

/**
 * The uncompressed bytes of an xz file of several blocks (as {@code xz -T} writes), its blocks
 * decoded on several threads and handed out in order: xz for Java decodes on one thread, about
 * half the speed of the native tool, which decodes such files in parallel. Each worker decodes
 * every n-th block through its own seekable stream (the check of each block verified) and keeps
 * at most one decoded block waiting, so memory is bounded by two blocks a worker plus each
 * decoder's dictionary. A file of one block, or of blocks too large to hold, is not for this
 * class ({@link #open} returns null) and is decoded as one stream.
 */
final class ParallelXzInputStream extends InputStream {

    /** Blocks larger than this are not held in memory: such a file is decoded as one stream. */
    static final long MAX_BLOCK = 64L << 20;

    private static final byte[] END = new byte[0];

    private final int blocks;
    private final long[] compressedStart;
    private final List<BlockingQueue<Object>> handed = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;
    private int block;
    private byte[] current = new byte[0];
    private int at;

    private ParallelXzInputStream(Path file, SeekableXZInputStream index, int threads) throws IOException {
        blocks = index.getBlockCount();
        compressedStart = new long[blocks];
        for (int i = 0; i < blocks; i++) {
            compressedStart[i] = index.getBlockCompPos(i);
        }
        for (int w = 0; w < threads; w++) {
            BlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
            handed.add(q);
            int first = w;
            Thread t = new Thread(() -> work(file, first, threads, q), "kclone-xz-" + w);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
    }

    /**
     * Opens {@code file} for decoding on {@code threads} threads, or returns null where that gains
     * nothing (one block, one thread) or would hold too much (a block over {@link #MAX_BLOCK}).
     */
    static ParallelXzInputStream open(Path file, int threads) throws IOException {
        if (threads < 2) {
            return null;
        }
        try (SeekableXZInputStream index = new SeekableXZInputStream(new SeekableFileInputStream(file.toFile()))) {
            if (index.getBlockCount() < 2) {
                return null;
            }
            for (int i = 0; i < index.getBlockCount(); i++) {
                if (index.getBlockSize(i) > MAX_BLOCK) {
                    return null;
                }
            }
            return new ParallelXzInputStream(file, index, Math.min(threads, index.getBlockCount()));
        }
    }

    /** Decodes blocks first, first + step, ... into {@code q}, then END; an error instead of a block ends it. */
    private void work(Path file, int first, int step, BlockingQueue<Object> q) {
        try (SeekableXZInputStream in = new SeekableXZInputStream(new SeekableFileInputStream(file.toFile()))) {
            for (int i = first; i < blocks && !closed; i += step) {
                in.seekToBlock(i);
                long size = in.getBlockSize(i);
                byte[] b = new byte[(int) size];
                int n = 0;
                while (n < b.length) {
                    int r = in.read(b, n, b.length - n);
                    if (r < 0) {
                        throw new IOException("block " + i + " ends before its " + size + " bytes");
                    }
                    n += r;
                }
                // one read more: the block's check is verified at its end (the next block's first byte is dropped)
                in.read();
                q.put(b);
            }
            q.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            try {
                q.put(e);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Where the block being read starts in the file (for the message when it breaks). */
    long compressedPosition() {
        return compressedStart[Math.min(Math.max(block - 1, 0), blocks - 1)];
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
        while (at == current.length) {
            if (block >= blocks) {
                return -1;
            }
            Object next;
            try {
                next = handed.get(block % handed.size()).take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while decoding");
            }
            block++;
            if (next instanceof IOException e) {
                throw e;
            }
            if (next instanceof RuntimeException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (next == END) {
                throw new IOException("block " + (block - 1) + " missing");
            }
            current = (byte[]) next;
            at = 0;
        }
        int n = Math.min(len, current.length - at);
        System.arraycopy(current, at, b, off, n);
        at += n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            t.interrupt();
        }
        for (BlockingQueue<Object> q : handed) {
            q.clear(); // a worker waiting to hand over a block sees the interrupt
        }
    }
}
