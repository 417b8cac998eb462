package org.kclone.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kclone.testing.FaultyDevice;
import org.kclone.testing.MemoryDevice;

/** The copy job's {@link ChunkObserver}: sees every chunk read, and holds its pages until it gives it back. */
class ChunkObserverTest {

    private static final int CHUNK = 64 * 1024;
    private static final int SECTORS = 2048; // 1 MiB: 16 chunks
    private static final Set<KcopydFlag> NO_FLAGS = EnumSet.noneOf(KcopydFlag.class);

    private final KcopydClient client = KcopydClient.create(64, new KcopydConfig(CHUNK, 4));

    @AfterEach
    void destroy() {
        client.destroy();
    }

    private static JobResult await(KcopydJob job) throws Exception {
        return job.await(60, TimeUnit.SECONDS); // a hang guard, not a timing assertion
    }

    @Test
    void everyChunkIsSeenOnceReadOnlyWithTheBytesReadAndTheJobEndsAfterEachIsGivenBack() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 2 << 20, 1);
        MemoryDevice dst = new MemoryDevice("dst", 1 << 20);
        ConcurrentHashMap<Long, byte[]> seen = new ConcurrentHashMap<>();
        List<Runnable> held = new CopyOnWriteArrayList<>();
        KcopydJob job = client.copy(new IoRegion(src, 100, SECTORS), List.of(new IoRegion(dst, 0, SECTORS)), NO_FLAGS,
                (a, b, c) -> { }, ProgressListener.NONE, (offset, data, done) -> {
                    assertTrue(data.isReadOnly());
                    byte[] b = new byte[data.remaining()];
                    data.duplicate().get(b);
                    seen.put(offset, b);
                    held.add(done);
                });
        while (held.size() < 4) {
            Thread.onSpinWait(); // the 4 chunks in flight are read, then held: nothing more can start
        }
        assertFalse(job.isDone());
        assertEquals(4, held.size(), "a held chunk keeps its in-flight slot");
        for (int given = 0; given < SECTORS * 512 / CHUNK; given++) {
            while (held.size() <= given) {
                Thread.onSpinWait();
            }
            held.get(given).run();
            held.get(given).run(); // a second call changes nothing
        }
        JobResult r = await(job);
        assertTrue(r.succeeded());
        assertEquals(SECTORS * 512 / CHUNK, seen.size());
        for (long off = 0; off < SECTORS * 512; off += CHUNK) {
            assertArrayEquals(src.bytes(100 * 512 + off, 100 * 512 + off + CHUNK), seen.get(off));
        }
        assertArrayEquals(src.bytes(100 * 512, 100 * 512 + SECTORS * 512), dst.bytes());
    }

    @Test
    void anObserverThatThrowsDoesNotStopTheCopy() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 1 << 20, 2);
        MemoryDevice dst = new MemoryDevice("dst", 1 << 20);
        JobResult r = await(client.copy(new IoRegion(src, 0, SECTORS), List.of(new IoRegion(dst, 0, SECTORS)),
                NO_FLAGS, (a, b, c) -> { }, ProgressListener.NONE, (offset, data, done) -> {
                    throw new IllegalStateException("observer bug");
                }));
        assertTrue(r.succeeded());
        assertArrayEquals(src.bytes(), dst.bytes());
    }

    @Test
    void aChunkThatFailsToReadIsStillToldWithZerosInPlaceOfItsBadSectors() throws Exception {
        FaultyDevice src = new FaultyDevice(MemoryDevice.random("src", 1 << 20, 3)).badReadSectors(130, 2);
        MemoryDevice dst = new MemoryDevice("dst", 1 << 20);
        List<Long> told = new CopyOnWriteArrayList<>();
        List<ByteBuffer> second = new ArrayList<>();
        JobResult r = await(client.copy(new IoRegion(src, 0, SECTORS), List.of(new IoRegion(dst, 0, SECTORS)),
                NO_FLAGS, (a, b, c) -> { }, ProgressListener.NONE, (offset, data, done) -> {
                    told.add(offset);
                    if (offset == CHUNK) {
                        byte[] b = new byte[data.remaining()];
                        data.duplicate().get(b);
                        synchronized (second) {
                            second.add(ByteBuffer.wrap(b));
                        }
                    }
                    done.run();
                }));
        assertTrue(r.readError());
        assertTrue(told.contains((long) CHUNK), "the failed chunk was told too: " + told);
        byte[] b = second.get(0).array();
        for (int i = (130 - 128) * 512; i < (132 - 128) * 512; i++) {
            assertEquals(0, b[i], "byte " + i);
        }
    }
}
