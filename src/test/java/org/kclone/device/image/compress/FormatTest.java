package org.kclone.device.image.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Formats are told by their first bytes, never by the name; a new image's format by its suffix. */
class FormatTest {

    @TempDir
    Path dir;

    interface Wrap {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    static byte[] compressed(Wrap w, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = w.wrap(b)) {
            o.write(data);
        }
        return b.toByteArray();
    }

    static byte[] zip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            z.putNextEntry(new ZipEntry("disk.img"));
            z.write(data);
            z.closeEntry();
        }
        return b.toByteArray();
    }

    private Optional<Format> detectAs(String misleadingName, byte[] content) throws IOException {
        return Format.detect(Files.write(dir.resolve(misleadingName), content));
    }

    @Test
    void eachFormatIsRecognisedByItsMagicWhateverTheFileIsCalled() throws IOException {
        byte[] data = "some disk bytes".repeat(100).getBytes();
        assertEquals(Optional.of(Format.GZIP), detectAs("a.img", compressed(GZIPOutputStream::new, data)));
        assertEquals(Optional.of(Format.XZ), detectAs("b.zip",
                compressed(o -> new XZOutputStream(o, new LZMA2Options(1)), data)));
        assertEquals(Optional.of(Format.ZSTD), detectAs("c.gz",
                compressed(o -> new com.github.luben.zstd.ZstdOutputStream(o), data)));
        assertEquals(Optional.of(Format.BZIP2), detectAs("d", compressed(BZip2CompressorOutputStream::new, data)));
        assertEquals(Optional.of(Format.ZIP), detectAs("e.img", zip(data)));
    }

    @Test
    void rawImagesAndShortFilesAreNotCompressed() throws IOException {
        assertEquals(Optional.empty(), detectAs("raw.img.zst", new byte[4096]));
        assertEquals(Optional.empty(), detectAs("empty.gz", new byte[0]));
        assertEquals(Optional.empty(), detectAs("one.gz", new byte[] {0x1f}));
        assertEquals(Optional.empty(), detectAs("bz.img", "BZh0".getBytes())); // block size digit 0 is no bzip2
        assertEquals(Optional.of(Format.GZIP), detectAs("two.bin", new byte[] {0x1f, (byte) 0x8b}));
    }

    @Test
    void aNewImageIsCompressedByItsNameSuffixOnly() {
        assertEquals(Optional.of(Format.ZSTD), Format.forNewFile(Path.of("backup/sdb1.img.zst")));
        assertEquals(Optional.of(Format.XZ), Format.forNewFile(Path.of("sdb1.IMG.XZ")));
        assertEquals(Optional.of(Format.GZIP), Format.forNewFile(Path.of("sdb1.gz")));
        assertEquals(Optional.empty(), Format.forNewFile(Path.of("sdb1.img")));
        assertEquals(Optional.empty(), Format.forNewFile(Path.of("sdb1.bz2"))); // read, not written
        assertEquals(Optional.empty(), Format.forNewFile(Path.of("sdb1.zip")));
        assertEquals(Optional.empty(), Format.forNewFile(Path.of(".zst"))); // a suffix alone is no name
    }
}
