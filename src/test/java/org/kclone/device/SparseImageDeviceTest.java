package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.kclone.testing.FaultyDevice;
import org.kclone.testing.MemoryDevice;

/** A new image file keeps its holes: all-zero writes are skipped, everything else goes through. */
class SparseImageDeviceTest {

    @Test
    void zeroBuffersOfAnySizeAreRecognised() {
        assertTrue(SparseImageDevice.allZero(ByteBuffer.allocate(0)));
        assertTrue(SparseImageDevice.allZero(ByteBuffer.allocate(3 << 20)), "longer than the zero pattern");
        ByteBuffer late = ByteBuffer.allocate(3 << 20);
        late.put((3 << 20) - 1, (byte) 1);
        assertFalse(SparseImageDevice.allZero(late), "a byte in the last piece");
        ByteBuffer early = ByteBuffer.allocate(4096);
        early.put(0, (byte) 9);
        assertFalse(SparseImageDevice.allZero(early));
        assertTrue(SparseImageDevice.allZero(early.position(1)), "only position..limit counts");
        ByteBuffer tail = ByteBuffer.allocate(4096);
        tail.put(4095, (byte) 9);
        assertTrue(SparseImageDevice.allZero(tail.limit(4095)));
    }

    @Test
    void zeroWritesAreSkippedAndDataWritesGoThrough() throws Exception {
        MemoryDevice mem = MemoryDevice.random("img", 1 << 16, 5);
        FaultyDevice inner = new FaultyDevice(mem);
        SparseImageDevice d = new SparseImageDevice(inner);
        byte[] before = mem.bytes();
        ByteBuffer zeros = ByteBuffer.allocate(8192);
        d.write(zeros, 4096);
        assertEquals(8192, zeros.position(), "the skipped write still consumes its buffer");
        assertEquals(0, inner.writes().size());
        assertArrayEquals(before, mem.bytes(), "a hole stays a hole");
        byte[] data = new byte[512];
        data[100] = 42;
        ByteBuffer some = ByteBuffer.wrap(data);
        d.write(some, 1024);
        assertEquals(1, inner.writes().size());
        assertEquals(42, mem.bytes(1124, 1125)[0]);
        assertFalse(some.hasRemaining());
    }

    @Test
    void everythingElseIsTheInnerDevices() throws Exception {
        MemoryDevice mem = MemoryDevice.random("img", 8192, 6);
        FaultyDevice inner = new FaultyDevice(mem);
        SparseImageDevice d = new SparseImageDevice(inner);
        assertEquals("faulty:img", d.name());
        assertEquals(8192, d.size());
        assertEquals(512, d.logicalSectorSize());
        ByteBuffer got = ByteBuffer.allocate(512);
        d.read(got, 512);
        assertArrayEquals(mem.bytes(512, 1024), got.array());
        d.flush();
        assertEquals(1, inner.flushes());
        d.close();
    }
}
