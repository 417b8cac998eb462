package org.kclone.device.image.compress;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

/** The decompressing stream of each format, over the stored (compressed) bytes. */
final class Decoders {

    private Decoders() {
    }

    /**
     * The uncompressed bytes of {@code stored}. Concatenated members (gzip, xz streams, zstd frames,
     * pbzip2/lbzip2 bzip2 streams) are read as one; a zip gives its single file entry.
     */
    static InputStream open(Format format, InputStream stored) throws IOException {
        return open(format, stored, 1);
    }

    /** As {@link #open(Format, InputStream)}, xz decoded on up to {@code threads} threads where liblzma can. */
    static InputStream open(Format format, InputStream stored, int threads) throws IOException {
        return switch (format) {
            case GZIP -> new GZIPInputStream(stored, 64 << 10);
            case XZ -> xz(stored, threads);
            case ZSTD -> new ZstdInputStream(stored);
            case BZIP2 -> new BZip2CompressorInputStream(stored, true);
            case ZIP -> firstFile(new ZipInputStream(stored));
        };
    }

    /** liblzma where it loads (about twice as fast), else xz for Java. */
    private static InputStream xz(InputStream stored, int threads) throws IOException {
        InputStream fast = LiblzmaInputStream.open(stored, threads);
        return fast != null ? fast : new XZInputStream(stored);
    }

    private static InputStream firstFile(ZipInputStream zip) throws IOException {
        ZipEntry e;
        while ((e = zip.getNextEntry()) != null) {
            if (!e.isDirectory()) {
                return zip;
            }
        }
        throw new IOException("the zip archive holds no file");
    }
}
