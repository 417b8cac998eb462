package org.kclone.device.image.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream source serves reads in order whatever order they arrive in; the writer likewise. */
class StreamDevicesTest {

    private static final int MiB = 1 << 20;

    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void readsArrivingOutOfOrderOnSeveralThreadsAreServedInStreamOrder() throws Exception {
        byte[] data = random(8 * MiB, 1);
        Path f = Files.write(dir.resolve("a.zst"), Zstd.compress(data, 1));
        try (StreamSourceDevice d = new StreamSourceDevice(f, Format.ZSTD, data.length, 0, false, null)) {
            ByteBuffer[] got = new ByteBuffer[8];
            List<Thread> threads = new ArrayList<>();
            AtomicReference<Throwable> error = new AtomicReference<>();
            for (int i = 7; i >= 0; i--) { // the last chunk asks first
                int chunk = i;
                got[i] = ByteBuffer.allocateDirect(MiB);
                Thread t = new Thread(() -> {
                    try {
                        d.read(got[chunk], (long) chunk * MiB);
                    } catch (Throwable e) {
                        error.set(e);
                    }
                });
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(null, error.get());
            for (int i = 0; i < 8; i++) {
                byte[] b = new byte[MiB];
                got[i].flip().get(b);
                assertArrayEquals(java.util.Arrays.copyOfRange(data, i * MiB, (i + 1) * MiB), b, "chunk " + i);
            }
            // a second pass (verification reading the source again) starts over
            ByteBuffer again = ByteBuffer.allocate(4096);
            d.read(again, 4096);
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 4096, 8192), again.array());
        }
    }

    @Test
    void aFlippedByteBreaksTheStreamForEveryLaterReadNamingTheOffset() throws Exception {
        byte[] data = random(4 * MiB, 2);
        byte[] zst;
        try (com.github.luben.zstd.ZstdCompressCtx c = new com.github.luben.zstd.ZstdCompressCtx()) {
            zst = c.setLevel(1).setChecksum(true).compress(data); // as the zstd tool writes: with a checksum
        }
        zst[zst.length / 2] ^= 0x40;
        Path f = Files.write(dir.resolve("bad.zst"), zst);
        try (StreamSourceDevice d = new StreamSourceDevice(f, Format.ZSTD, data.length, 0, false, null)) {
            CorruptStreamException first = null;
            long at = 0;
            for (; at < data.length && first == null; at += MiB) {
                try {
                    d.read(ByteBuffer.allocate(MiB), at);
                } catch (CorruptStreamException e) {
                    first = e;
                }
            }
            assertTrue(first != null, "the flipped byte must be found");
            assertTrue(first.getMessage().contains("the zstd stream of " + f + " is corrupt or truncated: it broke at"
                    + " compressed byte "), first.getMessage());
            long next = at;
            CorruptStreamException later = assertThrows(CorruptStreamException.class,
                    () -> d.read(ByteBuffer.allocate(MiB), Math.min(next, data.length - MiB)));
            assertTrue(later.getMessage().contains("--ignore-errors do not apply"), later.getMessage());
            assertTrue(first.getMessage().contains("--ignore-errors do not apply"), first.getMessage());
            assertEquals(first, d.failure());
        }
    }

    @Test
    void aSidecarMismatchFailsTheReadThatReachesTheEnd() throws Exception {
        byte[] data = random(2 * MiB, 3);
        Path f = Files.write(dir.resolve("a.zst"), Zstd.compress(data, 1));
        ImageChecksum.Expected wrong = new ImageChecksum.Expected("00".repeat(32), f, dir.resolve("a.zst.sha256"));
        try (StreamSourceDevice d = new StreamSourceDevice(f, Format.ZSTD, data.length, 0, false, wrong)) {
            d.read(ByteBuffer.allocate(MiB), 0);
            CorruptStreamException e = assertThrows(CorruptStreamException.class,
                    () -> d.read(ByteBuffer.allocate(MiB), MiB));
            assertTrue(e.getMessage().contains("does not match its checksum"), e.getMessage());
        }
        ImageChecksum.Expected right = new ImageChecksum.Expected(ImageChecksum.hashFile(f), f, f);
        try (StreamSourceDevice d = new StreamSourceDevice(f, Format.ZSTD, data.length, 0, false, right)) {
            d.read(ByteBuffer.allocate(MiB), 0);
            d.read(ByteBuffer.allocate(MiB), MiB);
        }
    }

    @Test
    void writesArrivingOutOfOrderAreCompressedInOrderAndReadBack() throws Exception {
        byte[] data = new byte[6 * MiB];
        System.arraycopy(random(MiB, 4), 0, data, 2 * MiB, MiB); // mostly zeros, as a partition often is
        for (Format format : List.of(Format.ZSTD, Format.XZ, Format.GZIP)) {
            Path f = Files.createFile(dir.resolve("w" + format.suffix()));
            try (CompressedImageDevice d = CompressedImageDevice.create(f, format, data.length)) {
                for (int i : new int[] {2, 1, 0, 5, 3, 4}) {
                    d.write(ByteBuffer.wrap(data, i * MiB, MiB), (long) i * MiB);
                }
                d.flush();
                assertEquals(ImageChecksum.hashFile(f), d.storedSha256());
                ByteBuffer back = ByteBuffer.allocate(data.length);
                d.read(back, 0);
                assertArrayEquals(data, back.array(), format.label());
            }
            assertEquals(data.length, Lengths.measure(f, format, n -> { }));
        }
    }

    @Test
    void anImageMissingBytesIsNotEnded() throws Exception {
        Path f = Files.createFile(dir.resolve("short.img.zst"));
        try (CompressedImageDevice d = CompressedImageDevice.create(f, Format.ZSTD, 2 * MiB)) {
            d.write(ByteBuffer.allocate(MiB), MiB); // the first MiB never comes (a skipped chunk)
            IOException e = assertThrows(IOException.class, d::flush);
            assertTrue(e.getMessage().contains("incomplete compressed image: 0 of 2097152 bytes"), e.getMessage());
            assertEquals(null, d.storedSha256());
        }
    }
}
