package org.kclone.device.image.compress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.ForwardingBlockDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A raw image source with a SHA-256 sidecar: the file's bytes are hashed in order as the engine
 * reads them (its reads, issued in ascending order on several threads, are served one at a time in
 * that order; the bytes before and after the region are read once more for the hash). The read that
 * reaches the region's end fails when the hash does not match: the job stops before its final
 * flush. Once the check is done (or cannot be done: a read error, which the engine then narrows
 * to sectors as usual) every read passes straight through.
 */
public final class HashingSourceDevice extends ForwardingBlockDevice {

    private static final Logger LOG = LoggerFactory.getLogger(HashingSourceDevice.class);

    private final long regionStart;
    private final long regionEnd;
    private final ImageChecksum.Expected expected;
    private final MessageDigest sha = ImageChecksum.sha256();
    private long cursor = -1;
    private boolean hashing = true;
    private CorruptStreamException failure;

    /** @param inner the whole image file (positions are file offsets) */
    public HashingSourceDevice(BlockDevice inner, long regionStart, long regionEnd, ImageChecksum.Expected expected) {
        super(inner);
        this.regionStart = regionStart;
        this.regionEnd = regionEnd;
        this.expected = expected;
    }

    /** The checksum mismatch, or null. */
    public synchronized CorruptStreamException failure() {
        return failure;
    }

    @Override
    public void read(ByteBuffer dst, long position) throws IOException {
        synchronized (this) {
            if (hashing) {
                readHashed(dst, position);
                return;
            }
        }
        inner.read(dst, position);
    }

    private void readHashed(ByteBuffer dst, long position) throws IOException {
        try {
            if (cursor < 0) {
                hashRange(0, regionStart);
                cursor = regionStart;
            }
            while (hashing && position > cursor) {
                wait();
            }
            if (!hashing || position < cursor) {
                inner.read(dst, position);
                return;
            }
            ByteBuffer seen = dst.duplicate();
            inner.read(dst, position);
            seen.limit(dst.position());
            cursor = position + seen.remaining();
            sha.update(seen);
            if (cursor >= regionEnd) {
                hashRange(cursor, inner.size());
                hashing = false;
                try {
                    expected.check(HexFormat.of().formatHex(sha.digest()));
                } catch (CorruptStreamException e) {
                    failure = e;
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for the checksum to reach byte " + position);
        } catch (CorruptStreamException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (hashing) {
                hashing = false;
                LOG.warn("{}: its checksum ({}) is not checked: a read failed: {}", inner.name(), expected.where(),
                        e.toString());
            }
            throw e;
        } finally {
            notifyAll();
        }
    }

    private void hashRange(long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        for (long at = from; at < to; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), to - at));
            inner.read(buf, at);
            buf.flip();
            at += buf.remaining();
            sha.update(buf);
        }
    }
}
