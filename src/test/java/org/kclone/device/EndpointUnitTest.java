package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Endpoint's bounds, byte arithmetic and the one-line description, without any device. */
class EndpointUnitTest {

    private static final Path IMG = Path.of("/tmp/x.img");

    private static Endpoint image(long start, long count, long size, long byteLength) {
        return new Endpoint("source", IMG, Endpoint.Kind.IMAGE, null, start, count, size, 512, byteLength);
    }

    @Test
    void byteLengthMustFitTheSectorsAndFillTheLastOne() {
        assertEquals(1024, image(0, 2, 1024, 1024).byteLength());
        assertEquals(513, image(0, 2, 513, 513).byteLength(), "one byte into the last sector is allowed");
        IllegalArgumentException over = assertThrows(IllegalArgumentException.class, () -> image(0, 2, 0, 1025));
        assertEquals("a region of 2 sectors cannot hold 1025 bytes", over.getMessage());
        IllegalArgumentException under = assertThrows(IllegalArgumentException.class, () -> image(0, 2, 0, 512));
        assertEquals("a region of 2 sectors cannot hold 512 bytes", under.getMessage());
        assertThrows(IllegalArgumentException.class, () -> image(0, 0, 0, -1));
        assertEquals(0, image(0, 0, 0, 0).byteLength(), "an empty region holds 0 bytes");
        assertThrows(ArithmeticException.class, () -> image(0, Long.MAX_VALUE / 100, 0, 0));
    }

    @Test
    void wholeSectorConstructorAndByteArithmetic() {
        Endpoint e = new Endpoint("destination", IMG, Endpoint.Kind.NEW_IMAGE, null, 3, 4, 0, 512);
        assertEquals(2048, e.byteLength());
        assertEquals(1536, e.startByte());
        assertEquals(3584, e.endByte());
        assertFalse(e.partialTail());
        assertTrue(e.isFile());

        Endpoint odd = image(2, 3, 2000, 1100);
        assertEquals(1024, odd.startByte());
        assertEquals(2124, odd.endByte());
        assertTrue(odd.partialTail());
        assertTrue(odd.isFile());
    }

    @Test
    void describesImagesWithSizeAndRegion() {
        assertEquals("/tmp/x.img  image file  1.0 MiB  (sectors 0+2048, 1.0 MiB)",
                image(0, 2048, 1 << 20, 1 << 20).describe());
        assertEquals("/tmp/x.img  image file  1.5 KiB (1537 bytes)  (sectors 1+3, 1025 bytes: the last sector"
                + " is partial, 1 of 512 bytes)", image(1, 3, 1537, 1025).describe());
        assertEquals("/tmp/x.img  image file  1000 B  (sectors 0+2, 1000 bytes: the last sector is partial,"
                + " 488 of 512 bytes)", image(0, 2, 1000, 1000).describe(), "under 1 KiB the size is already exact");
        assertEquals("/tmp/x.img  image file  2.0 KiB  (sectors 0+4, 2.0 KiB)", image(0, 4, 2048, 2048).describe());
        assertEquals("/tmp/x.img  image file  1.0 KiB  (sectors 0+1, 512 B)", image(0, 1, 1024, 512).describe(),
                "exactly 1024 bytes, a whole number of sectors: no byte count");
        assertEquals("/tmp/x.img  new image file  (sectors 0+8, 4.0 KiB)",
                new Endpoint("destination", IMG, Endpoint.Kind.NEW_IMAGE, null, 0, 8, 0, 512).describe());
    }

    @Test
    void describesBlockDevicesThroughLsblkData() {
        DeviceInfo disk = new DeviceInfo("sdz", "/dev/sdz", null, 8L << 20, "disk", "Model", "SER1", "usb", true,
                false, 512, 512, 0, null, List.of(), null, null, List.of(), false, List.of());
        Endpoint e = new Endpoint("destination", Path.of("/dev/sdz"), Endpoint.Kind.BLOCK, disk, 2048, 2048,
                8L << 20, 512);
        assertFalse(e.isFile());
        assertEquals("/dev/sdz  Model  serial SER1  8.0 MiB  usb  removable  (sectors 2048+2048, 1.0 MiB)",
                e.describe());
    }
}
