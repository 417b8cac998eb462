package org.kclone.device.image.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where an image's expected SHA-256 is found, and the sidecar kclone writes. */
class ImageChecksumTest {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    @TempDir
    Path dir;

    @Test
    void theSidecarBesideTheImageWinsOverSha256sums() throws IOException {
        Path img = Files.write(dir.resolve("x.img.zst"), new byte[] {1, 2, 3});
        assertNull(ImageChecksum.find(img));
        Files.writeString(dir.resolve("SHA256SUMS"), B + "  other.img\n" + A + " *x.img.zst\n");
        ImageChecksum.Expected e = ImageChecksum.find(img);
        assertEquals(A, e.hex());
        assertEquals(dir.resolve("SHA256SUMS"), e.where());
        Files.writeString(dir.resolve("x.img.zst.sha256"), B + "  ./x.img.zst\n");
        assertEquals(B, ImageChecksum.find(img).hex());
    }

    @Test
    void writtenSidecarsAreInSha256sumFormatAndMatchTheFile() throws IOException {
        Path img = Files.write(dir.resolve("sdb1.img"), "disk".getBytes());
        ImageChecksum.write(img, ImageChecksum.hashFile(img));
        String side = Files.readString(dir.resolve("sdb1.img.sha256"));
        assertTrue(side.matches("[0-9a-f]{64}  sdb1\\.img\n"), side);
        ImageChecksum.find(img).check(ImageChecksum.hashFile(img)); // does not throw
        Files.write(img, "disc".getBytes());
        CorruptStreamException e = assertThrows(CorruptStreamException.class,
                () -> ImageChecksum.find(img).check(ImageChecksum.hashFile(img)));
        assertTrue(e.getMessage().contains("does not match its checksum"), e.getMessage());
        ImageChecksum.remove(img);
        assertNull(ImageChecksum.find(img));
    }

    @Test
    void aSidecarWithoutAHashIsAnError() throws IOException {
        Path img = Files.write(dir.resolve("y.img"), new byte[1]);
        Files.writeString(dir.resolve("y.img.sha256"), "not a checksum\n");
        IOException e = assertThrows(IOException.class, () -> ImageChecksum.find(img));
        assertTrue(e.getMessage().contains("holds no SHA-256 line"), e.getMessage());
    }

    @Test
    void aLinkPlantedAtTheTemporaryNameIsNotFollowedAndTheSidecarIsTheImageOwners() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.txt"), "keep me\n");
        Path img = Files.write(dir.resolve("z.img"), "disk".getBytes());
        Files.createSymbolicLink(dir.resolve("z.img.sha256.tmp"), victim);
        ImageChecksum.write(img, ImageChecksum.hashFile(img));
        assertEquals("keep me\n", Files.readString(victim), "the link's target was not written");
        assertTrue(Files.readString(dir.resolve("z.img.sha256")).endsWith("  z.img\n"));
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "handing a file to another user needs root");
        Files.setAttribute(img, "unix:uid", 65534);
        Files.setAttribute(img, "unix:gid", 65534);
        ImageChecksum.write(img, ImageChecksum.hashFile(img));
        assertEquals(65534, Files.getAttribute(dir.resolve("z.img.sha256"), "unix:uid"), "the image's owner's");
        assertEquals(65534, Files.getAttribute(dir.resolve("z.img.sha256"), "unix:gid"));
    }
}
