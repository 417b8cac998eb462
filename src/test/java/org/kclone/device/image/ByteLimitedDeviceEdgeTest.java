package org.kclone.device.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kclone.engine.BlockDevice;

/** ByteLimitedDevice against an in-memory inner device that records every call it gets. */
class ByteLimitedDeviceEdgeTest {

    /** 4096 bytes of content i % 251 + 1 (never zero), reporting {@code size} and sector size 4096. */
    static final class Mem implements BlockDevice {
        final byte[] data = new byte[4096];
        final List<String> calls = new ArrayList<>();
        long size = 4096;

        Mem() {
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i % 251 + 1);
            }
        }

        @Override
        public String name() {
            return "mem0";
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public int logicalSectorSize() {
            return 4096;
        }

        @Override
        public void read(ByteBuffer dst, long position) {
            calls.add("read " + position + "+" + dst.remaining());
            int n = dst.remaining();
            dst.put(data, (int) position, n);
        }

        @Override
        public void write(ByteBuffer src, long position) {
            calls.add("write " + position + "+" + src.remaining());
            src.get(data, (int) position, src.remaining());
        }

        @Override
        public void flush() {
            calls.add("flush");
        }

        @Override
        public void close() {
            calls.add("close");
        }

        @Override
        public String toString() {
            return "Mem";
        }
    }

    @Test
    void negativeEndIsRefusedWithItsValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ByteLimitedDevice(new Mem(), -1));
        assertEquals("end must not be negative: -1", e.getMessage());
        assertEquals(0, new ByteLimitedDevice(new Mem(), 0).end(), "zero is allowed");
    }

    @Test
    void delegatesNameSectorSizeFlushCloseAndShowsItself() throws IOException {
        Mem m = new Mem();
        ByteLimitedDevice d = new ByteLimitedDevice(m, 700);
        assertEquals("mem0", d.name());
        assertEquals(4096, d.logicalSectorSize());
        assertEquals(700, d.end());
        assertEquals("ByteLimitedDevice[Mem, end 700]", d.toString());
        d.flush();
        d.close();
        assertEquals(List.of("flush", "close"), m.calls);
    }

    @Test
    void sizeIsTheLargerOfInnerSizeAndEndPaddedToASector() throws IOException {
        Mem m = new Mem();
        m.size = 100;
        assertEquals(1024, new ByteLimitedDevice(m, 1000).size(), "1000 rounds up to 1024");
        assertEquals(1024, new ByteLimitedDevice(m, 1024).size(), "a whole sector stays as is");
        assertEquals(1536, new ByteLimitedDevice(m, 1025).size(), "one byte more is one sector more");
        assertEquals(100, new ByteLimitedDevice(m, 0).size(), "end 0 adds nothing");
        m.size = 4096;
        assertEquals(4096, new ByteLimitedDevice(m, 1000).size(), "a larger inner size wins");
    }

    @Test
    void readStraddlingTheEndReadsTheHeadFromInnerAndZerosTheRest() throws IOException {
        Mem m = new Mem();
        ByteLimitedDevice d = new ByteLimitedDevice(m, 700);
        ByteBuffer b = ByteBuffer.allocate(600);
        b.position(50); // the read fills from the buffer's position on
        Arrays.fill(b.array(), (byte) -1);
        d.read(b, 512);
        assertEquals(600, b.position());
        assertEquals(List.of("read 512+188"), m.calls, "only the bytes before the end come from inner");
        byte[] a = b.array();
        for (int i = 0; i < 50; i++) {
            assertEquals(-1, a[i], "before the buffer's position nothing changes");
        }
        assertArrayEquals(Arrays.copyOfRange(m.data, 512, 700), Arrays.copyOfRange(a, 50, 238));
        assertArrayEquals(new byte[362], Arrays.copyOfRange(a, 238, 600), "past the end: zeros");
    }

    @Test
    void readEndingExactlyAtTheEndGoesWholeToInner() throws IOException {
        Mem m = new Mem();
        ByteLimitedDevice d = new ByteLimitedDevice(m, 700);
        ByteBuffer b = ByteBuffer.allocate(200);
        d.read(b, 500);
        assertEquals(List.of("read 500+200"), m.calls);
        assertArrayEquals(Arrays.copyOfRange(m.data, 500, 700), b.array());
    }

    @Test
    void readWhollyPastTheEndNeverTouchesInner() throws IOException {
        Mem m = new Mem();
        ByteLimitedDevice d = new ByteLimitedDevice(m, 700);
        ByteBuffer b = ByteBuffer.allocate(100);
        Arrays.fill(b.array(), (byte) 9);
        d.read(b, 700);
        assertTrue(m.calls.isEmpty(), m.calls.toString());
        assertArrayEquals(new byte[100], b.array());
        assertEquals(100, b.position());
        ByteBuffer far = ByteBuffer.allocate(10);
        far.put(0, (byte) 9);
        d.read(far, 5000);
        assertTrue(m.calls.isEmpty(), m.calls.toString());
        assertEquals(0, far.get(0));
    }

    @Test
    void writeStraddlingTheEndWritesOnlyTheHeadAndConsumesTheBuffer() throws IOException {
        Mem m = new Mem();
        byte[] before = m.data.clone();
        ByteLimitedDevice d = new ByteLimitedDevice(m, 700);
        byte[] src = new byte[400];
        Arrays.fill(src, (byte) 0x55);
        ByteBuffer b = ByteBuffer.wrap(src);
        b.position(100); // 300 bytes to write from here
        d.write(b, 600);
        assertEquals(400, b.position(), "the whole remainder counts as written");
        assertEquals(List.of("write 600+100"), m.calls);
        assertArrayEquals(Arrays.copyOf(before, 600), Arrays.copyOf(m.data, 600));
        byte[] head = new byte[100];
        Arrays.fill(head, (byte) 0x55);
        assertArrayEquals(head, Arrays.copyOfRange(m.data, 600, 700));
        assertArrayEquals(Arrays.copyOfRange(before, 700, 4096), Arrays.copyOfRange(m.data, 700, 4096),
                "nothing at or past the end changes");
    }

    @Test
    void writeEndingAtTheEndGoesWholeAndWritePastItIsDropped() throws IOException {
        Mem m = new Mem();
        byte[] before = m.data.clone();
        ByteLimitedDevice d = new ByteLimitedDevice(m, 700);
        ByteBuffer whole = ByteBuffer.wrap(new byte[200]);
        d.write(whole, 500);
        assertEquals(200, whole.position());
        ByteBuffer past = ByteBuffer.wrap(new byte[50]);
        d.write(past, 700);
        assertEquals(50, past.position(), "a dropped write still consumes its buffer");
        assertEquals(List.of("write 500+200"), m.calls);
        assertArrayEquals(new byte[200], Arrays.copyOfRange(m.data, 500, 700));
        assertArrayEquals(Arrays.copyOfRange(before, 700, 4096), Arrays.copyOfRange(m.data, 700, 4096));
    }
}
