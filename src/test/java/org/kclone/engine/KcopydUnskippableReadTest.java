package org.kclone.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kclone.testing.MemoryDevice;

/**
 * A source error that is not about sectors (a compressed stream that broke): not narrowed to
 * sectors (no re-read), not skipped under IGNORE_ERROR; its chunk is not written and the job stops.
 */
class KcopydUnskippableReadTest {

    private static final int CHUNK = 64 * 1024;
    private static final int SECTORS = 8192; // 4 MiB

    private final KcopydClient client = KcopydClient.create(256, new KcopydConfig(CHUNK, 8));

    @AfterEach
    void destroy() {
        client.destroy();
    }

    /** Breaks at byte {@code at}: every read reaching past it fails; counts the reads of the chunk that broke. */
    private static final class BrokenStream extends ForwardingBlockDevice {
        final long at;
        final AtomicInteger readsOfBrokenChunk = new AtomicInteger();

        BrokenStream(BlockDevice inner, long at) {
            super(inner);
            this.at = at;
        }

        @Override
        public void read(ByteBuffer dst, long position) throws IOException {
            if (position / CHUNK == at / CHUNK) {
                readsOfBrokenChunk.incrementAndGet();
            }
            if (position + dst.remaining() > at) {
                throw new UnskippableReadException("stream broke at byte " + at);
            }
            super.read(dst, position);
        }
    }

    @Test
    void ignoreErrorDoesNotSkipABrokenStream() throws Exception {
        MemoryDevice mem = MemoryDevice.random("src", 4 << 20, 1);
        BrokenStream src = new BrokenStream(mem, 10L * CHUNK + 100);
        MemoryDevice dst = new MemoryDevice("dst", 4 << 20);
        JobResult r = client.copy(new IoRegion(src, 0, SECTORS), List.of(new IoRegion(dst, 0, SECTORS)),
                EnumSet.of(KcopydFlag.IGNORE_ERROR), (a, b, c) -> { }).await(60, TimeUnit.SECONDS); // hang guard
        assertTrue(r.readError());
        assertEquals(List.of(), r.unreadable(), "nothing narrowed to sectors");
        assertEquals(1, src.readsOfBrokenChunk.get(), "the chunk that broke is read once: no narrowing re-reads");
        assertFalse(r.succeeded());
        // the chunk that broke is not written (not zeros in place of data): it stays as it was
        assertArrayEquals(new byte[CHUNK], dst.bytes(10L * CHUNK, 11L * CHUNK));
        assertArrayEquals(Arrays.copyOfRange(mem.bytes(), 0, 10 * CHUNK), dst.bytes(0, 10L * CHUNK));
        assertTrue(r.bytesCopied() < 4 << 20);
    }
}
