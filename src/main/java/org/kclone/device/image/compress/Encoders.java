package org.kclone.device.image.compress;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** The compressor of each format kclone writes. */
final class Encoders {

    /** zstd's level: 3 (the zstd tool's default). */
    static final int ZSTD_LEVEL = 3;
    /** xz's preset: 3 (6, the tool's default, is several times slower for little gain on disk images). */
    static final int XZ_PRESET = 3;

    private Encoders() {
    }

    /** A compressor taking bytes in order. */
    interface Encoder {
        void write(ByteBuffer src) throws IOException;

        /** Ends the stream (frame, index, trailer); {@code out} is not closed. */
        void finish() throws IOException;

        /** Frees native state without finishing (an incomplete image). */
        default void abandon() {
        }
    }

    /**
     * @param length the uncompressed length (zstd records it in its frame header)
     */
    static Encoder create(Format format, OutputStream out, long length) throws IOException {
        return switch (format) {
            case ZSTD -> new Zstd(out, length);
            case XZ -> streamed(new XZOutputStream(out, new LZMA2Options(XZ_PRESET)));
            case GZIP -> streamed(new GZIPOutputStream(out, 64 << 10));
            default -> throw new IllegalArgumentException("kclone does not write " + format.label());
        };
    }

    private static Encoder streamed(OutputStream compressor) {
        byte[] stage = new byte[1 << 20];
        return new Encoder() {
            @Override
            public void write(ByteBuffer src) throws IOException {
                if (src.hasArray()) {
                    compressor.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
                    src.position(src.limit());
                    return;
                }
                while (src.hasRemaining()) {
                    int n = Math.min(stage.length, src.remaining());
                    src.get(stage, 0, n);
                    compressor.write(stage, 0, n);
                }
            }

            @Override
            public void finish() throws IOException {
                if (compressor instanceof XZOutputStream x) {
                    x.finish();
                } else {
                    ((GZIPOutputStream) compressor).finish();
                }
            }
        };
    }

    /**
     * zstd through the streaming context on direct buffers (the engine's pages are direct: no copy
     * in), with its own worker threads (one per core) so compression keeps up with reading.
     */
    private static final class Zstd implements Encoder {
        private final ZstdCompressCtx ctx = new ZstdCompressCtx();
        private final OutputStream out;
        private final ByteBuffer outBuf = ByteBuffer.allocateDirect(1 << 20);
        private final ByteBuffer inStage = ByteBuffer.allocateDirect(1 << 20);
        private final byte[] copy = new byte[1 << 20];

        Zstd(OutputStream out, long length) {
            this.out = out;
            ctx.setLevel(ZSTD_LEVEL);
            ctx.setChecksum(true);
            ctx.setWorkers(Math.max(1, Runtime.getRuntime().availableProcessors()));
            ctx.setPledgedSrcSize(length);
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            if (src.isDirect()) {
                compress(src);
                return;
            }
            while (src.hasRemaining()) {
                int n = Math.min(inStage.capacity(), src.remaining());
                inStage.clear();
                inStage.put(src.duplicate().limit(src.position() + n)).flip();
                src.position(src.position() + n);
                compress(inStage);
            }
        }

        private void compress(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                ctx.compressDirectByteBufferStream(outBuf, src, EndDirective.CONTINUE);
                drain();
            }
        }

        @Override
        public void finish() throws IOException {
            ByteBuffer empty = inStage.clear().limit(0);
            boolean done;
            do {
                done = ctx.compressDirectByteBufferStream(outBuf, empty, EndDirective.END);
                drain();
            } while (!done);
            ctx.close();
        }

        @Override
        public void abandon() {
            ctx.close();
        }

        private void drain() throws IOException {
            outBuf.flip();
            while (outBuf.hasRemaining()) {
                int n = Math.min(copy.length, outBuf.remaining());
                outBuf.get(copy, 0, n);
                out.write(copy, 0, n);
            }
            outBuf.clear();
        }
    }
}
