package org.kclone.device.fs.ext;

import java.nio.ByteBuffer;
import java.util.BitSet;

/** Runs of set bits in an on-disk allocation bitmap (bit n is bit n % 8 of byte n / 8, as ext stores them). */
final class BitmapRuns {

    /** Receives one run of set bits {@code [from, to)}. */
    @FunctionalInterface
    interface RunConsumer {
        void run(long from, long to);
    }

    private BitmapRuns() {
    }

    /**
     * Calls {@code out} for each run of set bits among the first {@code bits} bits of
     * {@code bitmap} (its remaining bytes), ascending; bits past {@code bits} are ignored.
     */
    static void forEach(ByteBuffer bitmap, int bits, RunConsumer out) {
        if (bits < 0 || bits > 8L * bitmap.remaining()) {
            throw new IllegalArgumentException(bits + " bits in a bitmap of " + bitmap.remaining() + " bytes");
        }
        BitSet set = BitSet.valueOf(bitmap.duplicate().limit(bitmap.position() + (bits + 7) / 8));
        int from = set.nextSetBit(0);
        while (from >= 0 && from < bits) {
            int to = Math.min(set.nextClearBit(from), bits);
            out.run(from, to);
            from = to >= bits ? -1 : set.nextSetBit(to);
        }
    }
}
