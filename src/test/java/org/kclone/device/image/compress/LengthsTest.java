package org.kclone.device.image.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** The uncompressed length: recorded by zstd, xz and zip; measured by one pass for gzip and bzip2. */
class LengthsTest {

    @TempDir
    Path dir;

    private static byte[] data(int bytes, long seed) {
        byte[] b = new byte[bytes]; // a third random, the rest zeros
        byte[] r = new byte[bytes / 3];
        new Random(seed).nextBytes(r);
        System.arraycopy(r, 0, b, 0, r.length);
        return b;
    }

    private Path write(String name, byte[] b) throws IOException {
        return Files.write(dir.resolve(name), b);
    }

    @Test
    void zstdFramesThatRecordTheirSizeAreSummedWithoutDecompressing() throws IOException {
        byte[] a = data(3 << 20, 1);
        byte[] b = data(1 << 20, 2);
        byte[] one = Zstd.compress(a, 3); // a one-shot frame records its content size
        byte[] two = Zstd.compress(b, 1);
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(one);
        // a skippable frame between them (pzstd writes those) counts for nothing
        both.write(ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0x184D2A53).putInt(4)
                .putInt(7).array());
        both.write(two);
        assertEquals(a.length, Lengths.recorded(write("a.zst", one), Format.ZSTD));
        assertEquals(a.length + b.length, Lengths.recorded(write("ab.zst", both.toByteArray()), Format.ZSTD));
    }

    @Test
    void aZstdStreamWithoutContentSizeIsMeasured() throws IOException {
        byte[] a = data(2 << 20, 3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(out)) {
            z.write(a, 0, 1000);
            z.flush();
            z.write(a, 1000, a.length - 1000);
        }
        Path f = write("s.zst", out.toByteArray());
        assertEquals(-1, Lengths.recorded(f, Format.ZSTD));
        List<Long> told = new ArrayList<>();
        assertEquals(a.length, Lengths.measure(f, Format.ZSTD, told::add));
        assertEquals(a.length, told.get(told.size() - 1), "the last progress is the length");
    }

    @Test
    void zstdWrittenByKcloneRecordsItsSize(@TempDir Path d) throws IOException {
        byte[] a = data(3 << 20, 4);
        Path f = d.resolve("k.img.zst");
        Files.createFile(f);
        try (CompressedImageDevice dev = CompressedImageDevice.create(f, Format.ZSTD, a.length)) {
            dev.write(ByteBuffer.wrap(a), 0);
            dev.flush();
        }
        assertEquals(a.length, Lengths.recorded(f, Format.ZSTD));
    }

    @Test
    void theXzIndexGivesTheLengthAndATruncatedXzSaysSo() throws IOException {
        byte[] a = data(3 << 20, 5);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XZOutputStream x = new XZOutputStream(out, new LZMA2Options(1))) {
            x.write(a);
        }
        byte[] xz = out.toByteArray();
        assertEquals(a.length, Lengths.recorded(write("a.xz", xz), Format.XZ));
        Path cut = write("cut.xz", Arrays.copyOf(xz, xz.length - 100));
        IOException e = assertThrows(IOException.class, () -> Lengths.recorded(cut, Format.XZ));
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
    }

    @Test
    void aZipGivesItsOnlyEntrysSizeAndRefusesTwo() throws IOException {
        byte[] a = data(1 << 20, 6);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("dir/"));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("dir/disk.img"));
            z.write(a);
            z.closeEntry();
        }
        assertEquals(a.length, Lengths.recorded(write("one.zip", out.toByteArray()), Format.ZIP));
        out.reset();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (String n : List.of("a.img", "b.img")) {
                z.putNextEntry(new ZipEntry(n));
                z.write(a, 0, 10);
                z.closeEntry();
            }
        }
        Path two = write("two.zip", out.toByteArray());
        IOException e = assertThrows(IOException.class, () -> Lengths.recorded(two, Format.ZIP));
        assertTrue(e.getMessage().contains("exactly one file; this one holds 2"), e.getMessage());
    }

    @Test
    void gzipAndBzip2RecordNothingAndAreMeasuredAcrossConcatenatedMembers() throws IOException {
        byte[] a = data(2 << 20, 7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int half = 0; half < 2; half++) { // two members, as pigz or cat a.gz b.gz make
            try (GZIPOutputStream g = new GZIPOutputStream(new NonClosing(out))) {
                g.write(a, half * a.length / 2, a.length / 2);
            }
        }
        Path gz = write("a.gz", out.toByteArray());
        assertEquals(-1, Lengths.recorded(gz, Format.GZIP));
        assertEquals(a.length, Lengths.measure(gz, Format.GZIP, n -> { }));
        out.reset();
        try (BZip2CompressorOutputStream b = new BZip2CompressorOutputStream(out)) {
            b.write(a);
        }
        Path bz = write("a.bz2", out.toByteArray());
        assertEquals(-1, Lengths.recorded(bz, Format.BZIP2));
        assertEquals(a.length, Lengths.measure(bz, Format.BZIP2, n -> { }));
    }

    @Test
    void measuringACorruptStreamNamesWhereItBroke() throws IOException {
        byte[] a = data(2 << 20, 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(a);
        }
        byte[] gz = out.toByteArray();
        Path cut = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        CorruptStreamException e = assertThrows(CorruptStreamException.class,
                () -> Lengths.measure(cut, Format.GZIP, n -> { }));
        assertTrue(e.getMessage().contains("the gzip stream of " + cut + " is corrupt or truncated: it broke at"
                + " compressed byte " + gz.length / 2 + " of " + gz.length / 2), e.getMessage());
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
