package org.kclone.device.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kclone.device.Sha256;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.ChunkObserver;
import org.kclone.engine.ForwardingBlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.JobResult;
import org.kclone.engine.KcopydClient;
import org.kclone.engine.KcopydConfig;
import org.kclone.testing.MemoryDevice;

/** The source is hashed in order whatever order the engine's reads complete in. */
class SourceHasherTest {

    private static final int CHUNK = 64 << 10;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Digests of {@code data}, one MiB at a time, as a reader computes them. */
    private static long[] unitDigests(byte[] data) {
        long[] out = new long[(data.length + ChunkDigests.UNIT - 1) / ChunkDigests.UNIT];
        for (int u = 0; u < out.length; u++) {
            int from = u * ChunkDigests.UNIT;
            ByteBuffer b = ByteBuffer.allocateDirect(Math.min(ChunkDigests.UNIT, data.length - from));
            b.put(data, from, b.capacity()).flip();
            out[u] = ChunkDigests.of(b, u);
        }
        return out;
    }

    @Test
    void chunksToldOutOfOrderAreHashedInOrderAndEachGoesBackOnlyOnceHashed() {
        byte[] data = random(3 * ChunkDigests.UNIT + 5 * 512, 1); // ends in a partial unit and a partial chunk
        List<Integer> order = new ArrayList<>();
        int chunks = (data.length + CHUNK - 1) / CHUNK;
        for (int i = 0; i < chunks; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(2));
        List<Integer> givenBack = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(chunks);
        try (SourceHasher h = new SourceHasher(data.length, data.length - 100, true)) {
            for (int i : order) {
                int from = i * CHUNK;
                ByteBuffer b = ByteBuffer.allocateDirect(Math.min(CHUNK, data.length - from));
                b.put(data, from, b.capacity()).flip();
                h.chunkRead(from, b.asReadOnlyBuffer(), () -> {
                    givenBack.add(from / CHUNK);
                    all.countDown();
                });
            }
            await(all);
            List<Integer> inOrder = new ArrayList<>(order);
            Collections.sort(inOrder);
            assertEquals(inOrder, givenBack, "each chunk went back once hashed, in order");
            assertTrue(h.complete());
            assertEquals(Sha256.hex(java.util.Arrays.copyOf(data, data.length - 100)), h.sha256(),
                    "the content's hash: without the bytes past the content (an odd-size image's last sector)");
            assertArrayEquals(unitDigests(data), h.digests().toArray());
        }
    }

    @Test
    void aCopyThatStoppedEarlyGivesNoHash() {
        try (SourceHasher h = new SourceHasher(4 * CHUNK, 4 * CHUNK, true)) {
            assertNull(h.sha256());
            assertNull(h.digests());
            assertFalse(h.complete());
        }
    }

    /**
     * The first chunk's read waits until the engine has told the second chunk to the observer, so it
     * is told out of order; the hash is that of the bytes in order all the same.
     */
    @Test
    void readsThatCompleteOutOfOrderInTheEngineStillHashInOrder() throws Exception {
        byte[] data = random(2 * ChunkDigests.UNIT, 3);
        MemoryDevice mem = new MemoryDevice("src", data.length);
        mem.write(ByteBuffer.wrap(data), 0);
        CountDownLatch secondRead = new CountDownLatch(1);
        BlockDevice src = new ForwardingBlockDevice(mem) {
            @Override
            public void read(ByteBuffer dst, long position) throws IOException {
                if (position == 0) {
                    await(secondRead);
                }
                super.read(dst, position);
            }
        };
        MemoryDevice dst = new MemoryDevice("dst", data.length);
        List<Long> told = new CopyOnWriteArrayList<>();
        KcopydClient client = KcopydClient.create(64, new KcopydConfig(CHUNK, 4));
        try (SourceHasher h = new SourceHasher(data.length, data.length, true)) {
            ChunkObserver watch = (offset, bytes, done) -> {
                told.add(offset);
                h.chunkRead(offset, bytes, done);
                if (offset == CHUNK) {
                    secondRead.countDown(); // the first chunk's read may end now
                }
            };
            JobResult r = client.copy(new IoRegion(src, 0, data.length / 512), List.of(new IoRegion(dst, 0,
                    data.length / 512)), Set.of(), (a, b, c) -> { }, org.kclone.engine.ProgressListener.NONE, watch)
                    .await();
            assertFalse(r.readError());
            assertNotEquals(0L, told.get(0), "the engine told a later chunk first");
            assertEquals(data.length / CHUNK, told.size());
            assertEquals(Sha256.hex(data), h.sha256());
            assertArrayEquals(unitDigests(data), h.digests().toArray());
        } finally {
            client.destroy();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("waited a minute for " + latch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
