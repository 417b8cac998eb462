package org.kclone.device.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.ForwardingBlockDevice;

/**
 * An image file whose content ends at byte {@code end}, which is not a whole number of 512-byte
 * sectors, seen by the engine as whole sectors. Reads at or past {@code end} give zeros (an odd
 * size source reads as if its last sector were padded); writes at or past {@code end} are dropped
 * (a destination never grows past the region's bytes, nor is anything after them touched).
 * {@link #size()} is at least {@code end} rounded up to a whole sector, so the engine accepts a
 * region that covers the partial last sector.
 *
 * <p>A transfer that crosses {@code end} is cut there: its part before {@code end} is not
 * sector-aligned in length, so the inner device takes it buffered, and the engine's flush makes
 * it durable.
 */
public final class ByteLimitedDevice extends ForwardingBlockDevice {

    private static final int SECTOR = 512;

    private final long end;

    /**
     * @param end one past the last byte that belongs to the content
     */
    public ByteLimitedDevice(BlockDevice inner, long end) {
        super(inner);
        if (end < 0) {
            throw new IllegalArgumentException("end must not be negative: " + end);
        }
        this.end = end;
    }

    /** One past the last byte read from or written to the file. */
    public long end() {
        return end;
    }

    @Override
    public long size() throws IOException {
        long padded = (end + SECTOR - 1) / SECTOR * SECTOR;
        return Math.max(inner.size(), padded);
    }

    @Override
    public void read(ByteBuffer dst, long position) throws IOException {
        int n = dst.remaining();
        long inside = Math.max(0, Math.min(n, end - position));
        if (inside == n) {
            inner.read(dst, position);
            return;
        }
        if (inside > 0) {
            ByteBuffer head = dst.duplicate().limit(dst.position() + (int) inside);
            inner.read(head, position);
            dst.position(head.position());
        }
        while (dst.hasRemaining()) {
            dst.put((byte) 0);
        }
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        int n = src.remaining();
        long inside = Math.max(0, Math.min(n, end - position));
        if (inside == n) {
            inner.write(src, position);
            return;
        }
        if (inside > 0) {
            ByteBuffer head = src.duplicate().limit(src.position() + (int) inside);
            inner.write(head, position);
        }
        src.position(src.limit());
    }

    @Override
    public String toString() {
        return "ByteLimitedDevice[" + inner + ", end " + end + "]";
    }
}
