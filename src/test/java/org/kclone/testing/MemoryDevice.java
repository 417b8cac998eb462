package org.kclone.testing;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.kclone.engine.BlockDevice;

/** A device in memory, for fast tests. Concurrent positional transfers on disjoint ranges are safe. */
public final class MemoryDevice implements BlockDevice {

    private final String name;
    private final byte[] data;
    private final AtomicInteger flushes = new AtomicInteger();

    public MemoryDevice(String name, int size) {
        this.name = name;
        this.data = new byte[size];
    }

    /** A device holding a copy of {@code bytes}. */
    public static MemoryDevice of(String name, byte[] bytes) {
        MemoryDevice d = new MemoryDevice(name, bytes.length);
        System.arraycopy(bytes, 0, d.data, 0, bytes.length);
        return d;
    }

    /** A device filled with bytes from {@code seed}'s pseudo-random sequence. */
    public static MemoryDevice random(String name, int size, long seed) {
        MemoryDevice d = new MemoryDevice(name, size);
        new java.util.Random(seed).nextBytes(d.data);
        return d;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public int logicalSectorSize() {
        return 512;
    }

    @Override
    public void read(ByteBuffer dst, long position) throws IOException {
        int n = dst.remaining();
        if (position + n > data.length) {
            throw new EOFException(name + ": end of device at byte " + data.length);
        }
        dst.put(data, (int) position, n);
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        int n = src.remaining();
        if (position + n > data.length) {
            throw new IOException(name + ": No space left on device");
        }
        src.get(data, (int) position, n);
    }

    @Override
    public void flush() {
        flushes.incrementAndGet();
    }

    @Override
    public void close() {
    }

    public int flushes() {
        return flushes.get();
    }

    /** A copy of bytes {@code [from, to)}. */
    public byte[] bytes(long from, long to) {
        return Arrays.copyOfRange(data, (int) from, (int) to);
    }

    public byte[] bytes() {
        return data.clone();
    }
}
