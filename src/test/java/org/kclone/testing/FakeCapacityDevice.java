package org.kclone.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.ForwardingBlockDevice;

/**
 * A fake-capacity stick: reports {@code claimed} bytes but keeps only the inner device's size.
 * Transfers past that either wrap (the firmware ignores high address bits: byte {@code p} lands on
 * {@code p mod real}) or are lost (writes vanish, reads give zeros). Transfers must not straddle the
 * real size (the engine's and the probe's are block-aligned).
 */
public final class FakeCapacityDevice extends ForwardingBlockDevice {

    public enum Kind { WRAPS, LOSES }

    private final long claimed;
    private final long real;
    private final Kind kind;

    public FakeCapacityDevice(BlockDevice inner, long claimed, Kind kind) throws IOException {
        super(inner);
        this.claimed = claimed;
        this.real = inner.size();
        this.kind = kind;
    }

    @Override
    public long size() {
        return claimed;
    }

    @Override
    public void read(ByteBuffer dst, long position) throws IOException {
        if (position >= real && kind == Kind.LOSES) {
            while (dst.hasRemaining()) {
                dst.put((byte) 0);
            }
            return;
        }
        inner.read(dst, position % real);
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        if (position >= real && kind == Kind.LOSES) {
            src.position(src.limit());
            return;
        }
        inner.write(src, position % real);
    }
}
