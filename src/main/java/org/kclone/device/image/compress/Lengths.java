package org.kclone.device.image.compress;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.function.LongConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableXZInputStream;

/**
 * The uncompressed length of a compressed image: from the format where it records it (zstd frame
 * content sizes, the xz index, the zip entry), else -1 ({@link #recorded}); or by one decompression
 * pass ({@link #measure}).
 */
public final class Lengths {

    private Lengths() {
    }

    /**
     * The length the file records, or -1 when it records none (gzip and bzip2 never do; a zstd frame
     * written by a stream without a pledged size does not).
     *
     * @throws IOException when the file is unusable whatever its length: a zip that does not hold
     *     exactly one file, an xz whose index cannot be read (truncated or corrupt)
     */
    public static long recorded(Path file, Format format) throws IOException {
        return switch (format) {
            case ZSTD -> zstdContentSize(file);
            case XZ -> xzIndexLength(file);
            case ZIP -> zipEntrySize(file);
            case GZIP, BZIP2 -> -1;
        };
    }

    /**
     * Decompresses the whole file once and counts its bytes.
     *
     * @param progress told the uncompressed bytes so far (every 64 MiB or so)
     * @throws CorruptStreamException where the stream breaks
     */
    public static long measure(Path file, Format format, LongConsumer progress) throws IOException {
        try (StoredStream s = StoredStream.open(file, format, false, false)) {
            byte[] buf = new byte[1 << 20];
            long total = 0;
            long told = 0;
            while (true) {
                int n = s.read(buf, 0, buf.length, total);
                if (n < 0) {
                    progress.accept(total);
                    return total;
                }
                total += n;
                if (total - told >= (64 << 20)) {
                    told = total;
                    progress.accept(total);
                }
            }
        }
    }

    static long xzIndexLength(Path file) throws IOException {
        try (SeekableFileInputStream in = new SeekableFileInputStream(file.toFile());
                SeekableXZInputStream xz = new SeekableXZInputStream(in)) {
            return xz.length();
        } catch (IOException e) {
            throw new IOException("its xz index (at the end of the file) cannot be read, so the file is truncated"
                    + " or corrupt: " + message(e), e);
        }
    }

    static long zipEntrySize(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry only = null;
            int files = 0;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                if (!e.isDirectory()) {
                    files++;
                    only = e;
                }
            }
            if (files != 1) {
                throw new IOException("a zip archive is read as an image only when it holds exactly one file; this"
                        + " one holds " + files);
            }
            return only.getSize();
        } catch (java.util.zip.ZipException e) {
            throw new IOException("not a readable zip archive: " + message(e), e);
        }
    }

    /**
     * Walks the zstd frames by their headers and block headers (no decompression): the sum of their
     * content sizes, or -1 when a frame does not record one or the walk does not end at the file's end.
     */
    static long zstdContentSize(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long at = 0;
            long total = 0;
            ByteBuffer b = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
            while (at < size) {
                int magic = readAt(ch, b, at, 4).getInt(0);
                if ((magic & 0xFFFFFFF0) == 0x184D2A50) { // a skippable frame
                    long len = Integer.toUnsignedLong(readAt(ch, b, at + 4, 4).getInt(0));
                    at += 8 + len;
                    continue;
                }
                if (magic != 0xFD2FB528) {
                    return -1;
                }
                int fhd = readAt(ch, b, at + 4, 1).get(0) & 0xff;
                int fcsFlag = fhd >>> 6;
                boolean single = (fhd & 0x20) != 0;
                boolean checksum = (fhd & 0x04) != 0;
                int dictBytes = new int[] {0, 1, 2, 4}[fhd & 3];
                int fcsBytes = fcsFlag == 0 ? (single ? 1 : 0) : 1 << fcsFlag;
                if (fcsBytes == 0) {
                    return -1;
                }
                long fcsAt = at + 5 + (single ? 0 : 1) + dictBytes;
                ByteBuffer f = readAt(ch, b, fcsAt, fcsBytes);
                long fcs = switch (fcsBytes) {
                    case 1 -> f.get(0) & 0xff;
                    case 2 -> (f.getShort(0) & 0xffff) + 256;
                    case 4 -> Integer.toUnsignedLong(f.getInt(0));
                    default -> f.getLong(0);
                };
                if (fcs < 0) {
                    return -1;
                }
                total = Math.addExact(total, fcs);
                at = fcsAt + fcsBytes;
                boolean last = false;
                while (!last) {
                    ByteBuffer h = readAt(ch, b, at, 3);
                    int header = (h.get(0) & 0xff) | (h.get(1) & 0xff) << 8 | (h.get(2) & 0xff) << 16;
                    last = (header & 1) != 0;
                    int type = (header >>> 1) & 3;
                    int blockSize = header >>> 3;
                    if (type == 3) {
                        return -1; // reserved: corrupt; the decompression will say where
                    }
                    at += 3 + (type == 1 ? 1 : blockSize);
                }
                at += checksum ? 4 : 0;
            }
            return at == size ? total : -1;
        } catch (EOFException e) {
            return -1; // the walk ran past the end: truncated; the decompression will say where
        }
    }

    private static ByteBuffer readAt(FileChannel ch, ByteBuffer b, long at, int n) throws IOException {
        b.clear().limit(n);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new EOFException();
            }
        }
        return b.flip();
    }

    static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
