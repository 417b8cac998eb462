package org.kclone.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.kclone.testing.MemoryDevice;

/** Every call of a decorator that changes nothing reaches the wrapped device, with its arguments. */
class ForwardingBlockDeviceTest {

    /** A memory device with its own name and sector size that counts flushes and closes. */
    private static final class Counting implements BlockDevice {
        final MemoryDevice data = new MemoryDevice("mem", 8192);
        int closes;

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public long size() {
            return data.size();
        }

        @Override
        public int logicalSectorSize() {
            return 4096;
        }

        @Override
        public void read(ByteBuffer dst, long position) throws IOException {
            data.read(dst, position);
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            data.write(src, position);
        }

        @Override
        public void flush() {
            data.flush();
        }

        @Override
        public void close() {
            closes++;
        }
    }

    private static final class Plain extends ForwardingBlockDevice {
        Plain(BlockDevice inner) {
            super(inner);
        }
    }

    @Test
    void passesEveryCallThrough() throws IOException {
        Counting inner = new Counting();
        ForwardingBlockDevice d = new Plain(inner);
        assertEquals("counting", d.name());
        assertEquals(8192, d.size());
        assertEquals(4096, d.logicalSectorSize());

        d.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 4096);
        byte[] back = new byte[4];
        inner.data.read(ByteBuffer.wrap(back), 4096);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, back, "the write reached the wrapped device at its position");

        ByteBuffer read = ByteBuffer.allocate(4);
        d.read(read, 4096);
        assertEquals(4, read.position(), "the read filled the buffer");
        assertArrayEquals(new byte[] {1, 2, 3, 4}, read.array());

        d.flush();
        d.close();
        assertEquals(1, inner.data.flushes());
        assertEquals(1, inner.closes);
    }

    @Test
    void refusesNoDevice() {
        assertTrue(assertThrows(NullPointerException.class, () -> new Plain(null)).getMessage().contains("inner"));
    }
}
