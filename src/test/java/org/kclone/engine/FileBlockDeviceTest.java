package org.kclone.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FileChannel device on regular files (the loop device test covers block devices). */
class FileBlockDeviceTest {

    @TempDir
    Path dir;

    private Path randomFile(String name, int bytes, long seed) throws Exception {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        Path p = dir.resolve(name);
        Files.write(p, data);
        return p;
    }

    @Test
    void copiesBetweenFilesAlignedAndUnaligned() throws Exception {
        Path src = randomFile("src.img", 8 << 20, 1);
        Path dst = randomFile("dst.img", 8 << 20, 2);
        byte[] dstBefore = Files.readAllBytes(dst);
        KcopydClient client = KcopydClient.create(256);
        try (FileBlockDevice s = FileBlockDevice.open(src, false); FileBlockDevice d = FileBlockDevice.open(dst, true)) {
            // ext4 (where the build runs) takes O_DIRECT; tmpfs would not, and the device falls back.
            assertTrue(d.directIo() || !Files.getFileStore(dir).type().equals("ext4"), "O_DIRECT on ext4");
            // An aligned region (O_DIRECT path) and an odd one (buffered path), to the same file.
            JobResult a = client.copy(new IoRegion(s, 0, 4096), List.of(new IoRegion(d, 0, 4096)),
                    EnumSet.noneOf(KcopydFlag.class), (x, y, z) -> { }).await(60, TimeUnit.SECONDS);
            JobResult b = client.copy(new IoRegion(s, 5001, 3001), List.of(new IoRegion(d, 9003, 3001)),
                    EnumSet.noneOf(KcopydFlag.class), (x, y, z) -> { }).await(60, TimeUnit.SECONDS);
            assertTrue(a.succeeded() && b.succeeded());
        } finally {
            client.destroy();
        }
        byte[] s = Files.readAllBytes(src);
        byte[] want = dstBefore.clone();
        System.arraycopy(s, 0, want, 0, 4096 * 512);
        System.arraycopy(s, 5001 * 512, want, 9003 * 512, 3001 * 512);
        assertArrayEquals(want, Files.readAllBytes(dst));
    }

    @Test
    void readingPastTheEndFailsClearly() throws Exception {
        Path src = randomFile("small.img", 8192, 3);
        try (FileBlockDevice s = FileBlockDevice.open(src, false)) {
            assertEquals(8192, s.size());
            EOFException e = assertThrows(EOFException.class, () -> s.read(ByteBuffer.allocate(4096), 6144));
            assertTrue(e.getMessage().contains("end of device"), e.getMessage());
        }
    }

    @Test
    void aRegionBeyondTheEndIsRefusedBeforeAnyIo() throws Exception {
        Path src = randomFile("src.img", 1 << 20, 4);
        Path dst = randomFile("dst.img", 1 << 19, 5);
        byte[] before = Files.readAllBytes(dst);
        KcopydClient client = KcopydClient.create(256);
        try (FileBlockDevice s = FileBlockDevice.open(src, false); FileBlockDevice d = FileBlockDevice.open(dst, true)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> client.copy(new IoRegion(s, 0, 2048), List.of(new IoRegion(d, 0, 2048)),
                            EnumSet.noneOf(KcopydFlag.class), (x, y, z) -> { }));
            assertTrue(e.getMessage().contains("beyond the end"), e.getMessage());
        } finally {
            client.destroy();
        }
        assertArrayEquals(before, Files.readAllBytes(dst));
    }

    @Test
    void alignmentRuleForDirectTransfers() {
        ByteBuffer aligned = ByteBuffer.allocateDirect(16384).alignedSlice(4096);
        assertTrue(FileBlockDevice.isDirectAligned(aligned.duplicate().limit(8192), 4096));
        assertTrue(!FileBlockDevice.isDirectAligned(aligned.duplicate().limit(8192), 512), "unaligned position");
        assertTrue(!FileBlockDevice.isDirectAligned(aligned.duplicate().limit(1024), 0), "unaligned length");
        assertTrue(!FileBlockDevice.isDirectAligned(aligned.duplicate().position(512).limit(4608), 0),
                "unaligned address");
        assertTrue(!FileBlockDevice.isDirectAligned(ByteBuffer.allocate(4096), 0), "heap buffer");
    }
}
