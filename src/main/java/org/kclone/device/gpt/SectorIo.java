package org.kclone.device.gpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.kclone.engine.BlockDevice;

/**
 * Small reads and writes of GPT structures through 4096-aligned windows in aligned buffers, so
 * that {@link org.kclone.engine.FileBlockDevice} takes them through O_DIRECT (the page cache
 * neither answers a read nor delays a write). A window that would run past the device's end (an
 * image file of odd size) is read and written exactly instead.
 */
final class SectorIo {

    private static final int ALIGN = 4096;

    private SectorIo() {
    }

    static byte[] read(BlockDevice d, long offset, int length) throws IOException {
        long from = offset / ALIGN * ALIGN;
        long to = (offset + length + ALIGN - 1) / ALIGN * ALIGN;
        byte[] out = new byte[length];
        if (to <= d.size()) {
            ByteBuffer b = window(to - from);
            d.read(b, from);
            b.position((int) (offset - from)).get(out);
        } else {
            d.read(ByteBuffer.wrap(out), offset);
        }
        return out;
    }

    /** Writes {@code data} at {@code offset}: read, change and write back the aligned window around it. */
    static void write(BlockDevice d, long offset, byte[] data) throws IOException {
        long from = offset / ALIGN * ALIGN;
        long to = (offset + data.length + ALIGN - 1) / ALIGN * ALIGN;
        if (to > d.size()) {
            d.write(ByteBuffer.wrap(data), offset);
            return;
        }
        ByteBuffer b = window(to - from);
        if (from != offset || to != offset + data.length) {
            d.read(b, from);
            b.clear().limit((int) (to - from));
        }
        b.position((int) (offset - from)).put(data).position(0);
        d.write(b, from);
    }

    private static ByteBuffer window(long bytes) {
        return ByteBuffer.allocateDirect((int) bytes + ALIGN).alignedSlice(ALIGN).limit((int) bytes);
    }
}
