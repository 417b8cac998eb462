package org.kclone.device.probe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.kclone.device.Sizes;
import org.kclone.engine.BlockDevice;

/**
 * Finds fake-capacity drives (sticks that report 64 GB but keep 8 GB, their addresses wrapping or
 * their writes lost) in seconds: distinct marker blocks are written at spread positions of the
 * destination region (evenly spaced, plus every power of two, where fakes wrap), flushed, and read
 * back past the page cache (4096-aligned direct transfers). A marker that comes back elsewhere, or
 * not at all, shows the drive keeps less than it says. Drives that wrap at a power of two (they
 * ignore high address bits) or lose writes past their real size are caught; one that wraps at
 * another size is caught only where two markers land on one block, and {@code --verify} catches
 * what the probe misses. Only the region is written: it is about to
 * be overwritten anyway, so the probe runs after the confirmation.
 */
public final class CapacityProbe {

    /** Bytes per marker: one 4096-byte block, aligned, so the transfers go around the page cache. */
    static final int BLOCK = 4096;
    private static final int SPREAD = 32; // with the powers of two ~60 markers on a 64 GB stick: seconds even at 20 random writes per second
    private static final byte[] MAGIC = "KCLONE-PROBE-v1:".getBytes(StandardCharsets.US_ASCII);

    /** What the probe found: {@link #fake()} with the capacity the drive really keeps, at most. */
    public record Result(boolean fake, long keepsAtMost, String detail, int markers) {
        static Result genuine(int markers) {
            return new Result(false, -1, null, markers);
        }
    }

    private CapacityProbe() {
    }

    /**
     * Probes {@code device} inside the region {@code [startByte, startByte + length)}.
     *
     * @param nonce tells this probe's markers from any a previous run left
     * @throws IOException when the device fails a write, flush or read outright
     */
    public static Result probe(BlockDevice device, long startByte, long length, long nonce) throws IOException {
        List<Long> at = positions(startByte, length);
        if (at.size() < 2) {
            return Result.genuine(0);
        }
        // exactly one block: an aligned slice may be longer, and clear() would then write and read more
        ByteBuffer buf = ByteBuffer.allocateDirect(2 * BLOCK).alignedSlice(BLOCK).limit(BLOCK).slice();
        for (int i = 0; i < at.size(); i++) {
            fill(buf.clear(), nonce, i, at.get(i));
            device.write(buf.flip(), at.get(i));
        }
        device.flush();
        // Two positions whose markers meet on one block share it: the drive keeps at most their
        // distance (a wrap at R puts them a multiple of R apart, so at most the gcd of all such
        // distances). A position whose marker is lost lies beyond what the drive keeps.
        long gcd = 0;
        long lost = Long.MAX_VALUE;
        String collision = null;
        String lostDetail = null;
        byte[] want = new byte[BLOCK];
        byte[] got = new byte[BLOCK];
        for (int i = 0; i < at.size(); i++) {
            long p = at.get(i);
            buf.clear();
            device.read(buf, p);
            buf.flip().get(got);
            fill(ByteBuffer.wrap(want), nonce, i, p);
            if (java.util.Arrays.equals(want, got)) {
                continue;
            }
            int other = markerIndex(got, nonce);
            if (other >= 0 && other < at.size() && other != i) {
                long q = at.get(other);
                gcd = gcd(gcd, Math.abs(q - p));
                if (collision == null) {
                    collision = "the block written at " + Sizes.human(q) + " came back at " + Sizes.human(p);
                }
            } else if (p < lost) { // positions ascend: the first lost one is the lowest
                lost = p;
                lostDetail = "the block written at " + Sizes.human(p) + " was not kept";
            }
        }
        if (gcd == 0 && lost == Long.MAX_VALUE) {
            return Result.genuine(at.size());
        }
        long keeps = Math.min(gcd == 0 ? Long.MAX_VALUE : gcd, lost);
        return new Result(true, keeps, collision != null ? collision : lostDetail, at.size());
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** Block-aligned positions inside the region: its ends, evenly spread ones, and powers of two. */
    static List<Long> positions(long startByte, long length) {
        long first = (startByte + BLOCK - 1) / BLOCK * BLOCK;
        long last = (startByte + length) / BLOCK * BLOCK - BLOCK;
        TreeSet<Long> out = new TreeSet<>();
        if (last < first) {
            return List.of();
        }
        for (int i = 0; i < SPREAD; i++) {
            long p = first + (last - first) / (SPREAD - 1) * i;
            out.add(p / BLOCK * BLOCK);
        }
        out.add(last);
        for (long k = 1L << 20; k > 0 && k <= last; k <<= 1) {
            if (k >= first) {
                out.add(k); // fakes ignore high address bits: 2^k lands on 0 ...
            }
            if (first + k <= last) {
                out.add(first + k); // ... and first + 2^k on first, so their markers collide
            }
        }
        return new ArrayList<>(out);
    }

    /** Marker {@code i}: the magic, nonce, index and position, then bytes no other marker has. */
    static void fill(ByteBuffer b, long nonce, int i, long position) {
        b.put(MAGIC).putLong(nonce).putInt(i).putLong(position);
        Random r = new Random(nonce * 31 + i);
        while (b.remaining() >= 8) {
            b.putLong(r.nextLong());
        }
        while (b.hasRemaining()) {
            b.put((byte) r.nextInt()); // every byte of the block is the marker's, none left from before
        }
    }

    /** The index of this probe's marker in {@code block}, or -1 when it is none of them. */
    static int markerIndex(byte[] block, long nonce) {
        if (!java.util.Arrays.equals(block, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(block, MAGIC.length, 12);
        return b.getLong() == nonce ? b.getInt() : -1;
    }
}
