package org.kclone.device.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.engine.FileBlockDevice;

class ByteLimitedDeviceTest {

    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void readsPastTheEndAsZerosAndReportsWholeSectors() throws Exception {
        byte[] data = random(1000, 1);
        Path f = Files.write(dir.resolve("odd.img"), data);
        try (ByteLimitedDevice d = new ByteLimitedDevice(FileBlockDevice.open(f, false), 1000)) {
            assertEquals(1024, d.size(), "the partial last sector counts as a whole one");
            ByteBuffer b = ByteBuffer.allocate(1024);
            d.read(b, 0);
            assertEquals(1024, b.position());
            byte[] expected = Arrays.copyOf(data, 1024);
            assertArrayEquals(expected, b.array());
            ByteBuffer tail = ByteBuffer.allocate(512);
            Arrays.fill(tail.array(), (byte) 7);
            d.read(tail, 512);
            assertArrayEquals(Arrays.copyOfRange(expected, 512, 1024), tail.array());
            ByteBuffer past = ByteBuffer.allocate(512);
            Arrays.fill(past.array(), (byte) 7);
            d.read(past, 1024);
            assertArrayEquals(new byte[512], past.array(), "wholly past the end: zeros");
        }
    }

    @Test
    void writesAreClippedAtTheEndAndTheFileNeverGrows() throws Exception {
        byte[] before = random(2000, 2);
        Path f = Files.write(dir.resolve("dest.img"), before);
        byte[] chunk = random(1024, 3);
        try (ByteLimitedDevice d = new ByteLimitedDevice(FileBlockDevice.open(f, true), 1000)) {
            ByteBuffer b = ByteBuffer.wrap(chunk);
            d.write(b, 0);
            assertEquals(1024, b.position(), "the whole buffer counts as written");
            d.write(ByteBuffer.wrap(new byte[512]), 1024);
            d.flush();
        }
        byte[] after = Files.readAllBytes(f);
        assertEquals(2000, after.length);
        assertArrayEquals(Arrays.copyOf(chunk, 1000), Arrays.copyOf(after, 1000));
        assertArrayEquals(Arrays.copyOfRange(before, 1000, 2000), Arrays.copyOfRange(after, 1000, 2000),
                "nothing at or past the end was touched");

        Path exact = Files.write(dir.resolve("exact.img"), new byte[300]);
        try (ByteLimitedDevice d = new ByteLimitedDevice(FileBlockDevice.open(exact, true), 300)) {
            assertEquals(512, d.size());
            d.write(ByteBuffer.wrap(chunk, 0, 512), 0);
            d.flush();
        }
        assertArrayEquals(Arrays.copyOf(chunk, 300), Files.readAllBytes(exact), "300 bytes, not 512");
    }
}
