package org.kclone.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.LoopDevices;

/** A copy from one real loop device to three, through O_DIRECT, compared with the source. */
class LoopDeviceCopyTest {

    private static final long SIZE = 64L << 20;

    @TempDir
    Path dir;

    @Test
    void copiesOneLoopDeviceToThreeWithDirectIo() throws Exception {
        LoopDevices.assumeAvailable();
        try (LoopDevices loops = new LoopDevices()) {
            Path srcDev = loops.attach(dir.resolve("src.img"), SIZE);
            List<Path> dstDevs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                dstDevs.add(loops.attach(dir.resolve("dst" + i + ".img"), SIZE));
            }
            byte[] content = new byte[(int) SIZE];
            new Random(42).nextBytes(content);
            try (FileBlockDevice src = FileBlockDevice.open(srcDev, true)) {
                src.write(ByteBuffer.wrap(content), 0);
                src.flush();
            }
            KcopydClient client = KcopydClient.create(1024);
            List<FileBlockDevice> opened = new ArrayList<>();
            try (FileBlockDevice src = FileBlockDevice.open(srcDev, false)) {
                assertTrue(src.directIo(), "O_DIRECT on " + srcDev);
                assertEquals(SIZE, src.size());
                for (Path p : dstDevs) {
                    FileBlockDevice d = FileBlockDevice.open(p, true);
                    opened.add(d);
                    assertTrue(d.directIo(), "O_DIRECT on " + p);
                }
                long sectors = SIZE / 512;
                JobResult r = client.copy(new IoRegion(src, 0, sectors),
                        opened.stream().map(d -> new IoRegion(d, 0, sectors)).toList(),
                        EnumSet.noneOf(KcopydFlag.class), (a, b, c) -> { }).await(120, TimeUnit.SECONDS);
                assertTrue(r.succeeded(), r.toString());
                assertEquals(SIZE, r.bytesCopied());
            } finally {
                client.destroy();
                for (FileBlockDevice d : opened) {
                    d.close();
                }
            }
            // Read back through O_DIRECT, so the page cache cannot answer for the device.
            for (Path p : dstDevs) {
                try (FileBlockDevice d = FileBlockDevice.open(p, false)) {
                    ByteBuffer back = ByteBuffer.allocateDirect((int) SIZE + 4096).alignedSlice(4096);
                    back.limit((int) SIZE);
                    d.read(back, 0);
                    byte[] got = new byte[(int) SIZE];
                    back.flip().get(got);
                    assertArrayEquals(content, got, p.toString());
                }
            }
        }
    }
}
