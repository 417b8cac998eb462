package org.kclone.device.image.compress;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * xz decoded by the system's liblzma (the library of the {@code xz} tool, on every Debian and
 * Fedora system), through JNA: about twice as fast as xz for Java, which is used where liblzma
 * cannot be loaded. One decoder (concatenated streams, every check verified), fed from the stored
 * bytes through native buffers. With more than one thread it is liblzma's threaded decoder
 * ({@code lzma_stream_decoder_mt}, liblzma 5.4 and later): the blocks of a file that {@code xz -T}
 * wrote are decoded on several cores, its native memory capped by {@link #MT_MEMORY} (past it,
 * liblzma decodes on fewer threads or on one); where the library has no threaded decoder, or
 * the file has one block, it decodes on one thread as before. Not thread-safe: one reader.
 */
final class LiblzmaInputStream extends InputStream implements DirectDecoding {

    /** The calls used, from lzma/base.h and lzma/container.h. */
    interface Lzma extends Library {
        int lzma_stream_decoder(Pointer strm, long memlimit, int flags);

        /** liblzma 5.4+: {@code options} points to an {@code lzma_mt}. */
        int lzma_stream_decoder_mt(Pointer strm, Pointer options);

        int lzma_code(Pointer strm, int action);

        void lzma_end(Pointer strm);
    }

    static final int LZMA_OK = 0;
    static final int LZMA_STREAM_END = 1;
    static final int LZMA_RUN = 0;
    static final int LZMA_FINISH = 3;
    static final int LZMA_CONCATENATED = 0x08;
    /** {@code lzma_stream} is 136 bytes on 64-bit Linux; zeroed is {@code LZMA_STREAM_INIT}. */
    static final int STREAM_SIZE = 256;
    /** {@code lzma_mt} is 128 bytes on 64-bit Linux; zeroed, its reserved fields are as they must be. */
    static final int MT_SIZE = 256;
    // offsets of lzma_mt's fields (LP64)
    static final int MT_FLAGS = 0;
    static final int MT_THREADS = 4;
    static final int MT_TIMEOUT = 16;
    static final int MT_MEMLIMIT_THREADING = 64;
    static final int MT_MEMLIMIT_STOP = 72;
    /** The native memory the threaded decoder may use for its threads (each holds a whole block). */
    static final long MT_MEMORY = 256L << 20;
    // offsets of lzma_stream's fields (LP64)
    static final int NEXT_IN = 0;
    static final int AVAIL_IN = 8;
    static final int NEXT_OUT = 24;
    static final int AVAIL_OUT = 32;

    private static final Lzma LIB = load();

    private final InputStream stored;
    private final Memory strm = new Memory(STREAM_SIZE);
    private final Memory in = new Memory(256 << 10);
    /** The buffers given out by {@link #allocate} (freed by {@link #close}). */
    private final java.util.List<Memory> given = new java.util.ArrayList<>();
    /** Where reads into arrays are decoded (made at the first one: reads into direct buffers need none). */
    private Memory out;
    private final byte[] inBytes = new byte[256 << 10];
    private long outStart;
    private long outEnd;
    private boolean inputEnded;
    private boolean ended;
    private boolean closed;
    /** The decoder's error, thrown once the bytes that came with it are read. */
    private IOException pending;

    /** Whether this is liblzma's threaded decoder (it answers a cut stream itself, see {@link #decode}). */
    private final boolean threaded;

    private LiblzmaInputStream(InputStream stored, int threads) throws IOException {
        this.stored = stored;
        strm.clear();
        boolean mt = false;
        int r;
        if (threads > 1 && mtAvailable) {
            Memory mtOptions = new Memory(MT_SIZE);
            mtOptions.clear();
            mtOptions.setInt(MT_FLAGS, LZMA_CONCATENATED);
            mtOptions.setInt(MT_THREADS, threads);
            mtOptions.setInt(MT_TIMEOUT, 0); // lzma_code waits for the threads: no spinning
            mtOptions.setLong(MT_MEMLIMIT_THREADING, MT_MEMORY);
            mtOptions.setLong(MT_MEMLIMIT_STOP, -1L); // UINT64_MAX: never refuse a file for its memory
            try {
                r = LIB.lzma_stream_decoder_mt(strm, mtOptions);
                mt = r == LZMA_OK;
            } catch (UnsatisfiedLinkError e) { // a liblzma older than 5.4
                mtAvailable = false;
            }
        }
        if (!mt) {
            strm.clear();
            r = LIB.lzma_stream_decoder(strm, -1L, LZMA_CONCATENATED); // UINT64_MAX: no memory limit
            if (r != LZMA_OK) {
                throw new IOException("liblzma cannot start a decoder (error " + r + ")");
            }
        }
        this.threaded = mt;
        strm.setPointer(NEXT_IN, in);
        strm.setLong(AVAIL_IN, 0);
    }

    private static volatile boolean mtAvailable = true;

    private static Lzma load() {
        for (String name : new String[] {"lzma", "liblzma.so.5"}) {
            try {
                return Native.load(name, Lzma.class);
            } catch (LinkageError e) {
                // next name; none: xz for Java
            }
        }
        return null;
    }

    /** Whether liblzma could be loaded here. */
    static boolean loaded() {
        return LIB != null;
    }

    /** A decoder of {@code stored} on one thread, or null where liblzma cannot be loaded. */
    static LiblzmaInputStream open(InputStream stored) throws IOException {
        return open(stored, 1);
    }

    /**
     * A decoder of {@code stored} on up to {@code threads} threads (liblzma's threaded decoder
     * where there is one), or null where liblzma cannot be loaded.
     */
    static LiblzmaInputStream open(InputStream stored, int threads) throws IOException {
        return LIB == null ? null : new LiblzmaInputStream(stored, threads);
    }

    /** Whether this decoder runs liblzma's threaded decoder. */
    boolean threaded() {
        return threaded;
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
        if (out == null) {
            out = new Memory(1 << 20);
        }
        while (outStart == outEnd) {
            if (ended) {
                return -1;
            }
            outStart = 0;
            outEnd = decode(out, out.size());
        }
        int n = (int) Math.min(len, outEnd - outStart);
        out.read(outStart, b, off, n);
        outStart += n;
        return n;
    }

    /**
     * Decodes straight into {@code dst}, a direct buffer (liblzma writes its bytes there: no copy
     * through a Java array), advancing its position.
     *
     * @return bytes decoded (at least one), or -1 at the end of the data
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        if (!dst.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (outStart < outEnd) { // left in the out buffer by a read into an array
            int n = (int) Math.min(dst.remaining(), outEnd - outStart);
            dst.put(out.getByteBuffer(outStart, n));
            outStart += n;
            return n;
        }
        int n = 0;
        while (n == 0) {
            if (ended) {
                return -1;
            }
            n = (int) decode(Native.getDirectBufferPointer(dst).share(dst.position()), dst.remaining());
        }
        dst.position(dst.position() + n);
        return n;
    }

    /**
     * Native memory of liblzma's reader (malloc, through JNA), not counted against
     * {@code -XX:MaxDirectMemorySize}: the engine's page budget leaves only a small reserve of it.
     */
    @Override
    public synchronized ByteBuffer allocate(int bytes) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        Memory m = new Memory(bytes);
        given.add(m);
        return m.getByteBuffer(0, bytes);
    }

    /**
     * Runs the decoder once: input refilled when it is used up, output into the {@code size} bytes
     * at {@code target}.
     *
     * @return the bytes decoded into {@code target}
     */
    private long decode(Pointer target, long size) throws IOException {
        if (pending != null) {
            throw pending;
        }
        if (strm.getLong(AVAIL_IN) == 0 && !inputEnded) {
            int n = stored.read(inBytes);
            if (n < 0) {
                inputEnded = true;
            } else {
                in.write(0, inBytes, 0, n);
                strm.setPointer(NEXT_IN, in);
                strm.setLong(AVAIL_IN, n);
            }
        }
        strm.setPointer(NEXT_OUT, target);
        strm.setLong(AVAIL_OUT, size);
        int r = LIB.lzma_code(strm, inputEnded ? LZMA_FINISH : LZMA_RUN);
        long decoded = size - strm.getLong(AVAIL_OUT);
        strm.setPointer(NEXT_OUT, null); // target is the caller's: liblzma holds no pointer into it
        strm.setLong(AVAIL_OUT, 0);
        if (r == LZMA_STREAM_END) {
            ended = true;
        } else if (r != LZMA_OK) {
            pending = new IOException(message(r));
            if (decoded == 0) {
                throw pending;
            } // else the bytes decoded before the error go out first (the threaded decoder gives them with it)
        } else if (!threaded && inputEnded && decoded == 0 && strm.getLong(AVAIL_IN) == 0) {
            // (the threaded decoder may give nothing while its threads finish: a cut stream is its
            // LZMA_BUF_ERROR, returned when a second call in a row makes no progress)
            throw new IOException("the xz data ends before its stream does (truncated)");
        }
        return decoded;
    }

    static String message(int code) {
        return switch (code) {
            case 5 -> "liblzma: out of memory";
            case 6 -> "liblzma: memory limit reached";
            case 7 -> "not in the xz format";
            case 8 -> "unsupported xz options";
            case 9 -> "compressed data is corrupt";
            case 10 -> "the xz data ends before its stream does (truncated)";
            default -> "liblzma error " + code;
        };
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            LIB.lzma_end(strm);
            synchronized (this) {
                given.forEach(Memory::close); // the readers of these buffers have gone (see allocate)
                given.clear();
            }
            stored.close();
        }
    }
}
