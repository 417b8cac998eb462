package org.kclone.device.verify;

import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * A fast 64-bit digest of every MiB ("unit") of a region, kept while it is copied so that
 * verification can read the destinations alone: 8 bytes per MiB of region.
 *
 * <p>A unit's digest is XXH64 of each 4 KiB page of it, folded in order (a page is the smallest
 * piece the engine's chunks are made of, so the copy can digest chunk by chunk whatever the chunk
 * size, and a reader can digest a unit in one go, and both agree). It finds accidental damage (a
 * bad write, a flipped bit, a stale sector); it is not a cryptographic hash: the report's SHA-256 is.
 */
public final class ChunkDigests {

    /** Bytes per digest: 1 MiB (the last unit may be shorter). */
    public static final int UNIT = 1 << 20;
    private static final int PAGE = 4096;
    /** Pure Java, no Unsafe: hashes direct buffers in place (about 7 GB/s measured here). */
    private static final XXHash64 XXH64 = XXHashFactory.safeInstance().hash64();
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;

    private final long bytes;
    private final long[] digests;

    private ChunkDigests(long bytes) {
        this.bytes = bytes;
        long units = (bytes + UNIT - 1) / UNIT;
        if (units > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("region of " + bytes + " bytes is too large to digest");
        }
        this.digests = new long[(int) units];
    }

    /** Bytes of the region digested. */
    public long bytes() {
        return bytes;
    }

    /** Units of the region. */
    public int units() {
        return digests.length;
    }

    /** The digest of unit {@code u}. */
    public long digest(int u) {
        return digests[u];
    }

    /** The bytes of unit {@code u}: {@link #UNIT}, or fewer for the last one. */
    public int unitLength(int u) {
        return (int) Math.min(UNIT, bytes - (long) u * UNIT);
    }

    /** Digest of unit {@code u} whose bytes are {@code data}'s remaining bytes (all of the unit). */
    public static long of(ByteBuffer data, int u) {
        long acc = seed(u);
        for (int at = data.position(); at < data.limit(); at += PAGE) {
            acc = fold(acc, XXH64.hash(data, at, Math.min(PAGE, data.limit() - at), 0));
        }
        return acc;
    }

    private static long seed(long u) {
        return u * P2 + P1;
    }

    private static long fold(long acc, long page) {
        return Long.rotateLeft(acc + page * P2, 31) * P1;
    }

    @Override
    public String toString() {
        return "ChunkDigests[" + bytes + " bytes, " + digests.length + " units]";
    }

    /** Digests a region fed in order, in pieces of whole 4 KiB pages (the last piece may end short). */
    static final class Builder {
        private final ChunkDigests out;
        private long fed;
        private long acc;

        Builder(long bytes) {
            out = new ChunkDigests(bytes);
        }

        /** The next {@code data.remaining()} bytes of the region. */
        void add(ByteBuffer data) {
            int len = Math.min(data.remaining(), (int) Math.min(Integer.MAX_VALUE, out.bytes - fed));
            int base = data.position();
            for (int off = 0; off < len; ) {
                if (fed % UNIT == 0) {
                    acc = seed(fed / UNIT);
                }
                int n = Math.min(PAGE, len - off);
                acc = fold(acc, XXH64.hash(data, base + off, n, 0));
                off += n;
                fed += n;
                if (fed % UNIT == 0 || fed == out.bytes) {
                    out.digests[(int) ((fed - 1) / UNIT)] = acc;
                }
            }
        }

        /** The digests once every byte was fed, else null. */
        ChunkDigests done() {
            return fed == out.bytes ? out : null;
        }

        @Override
        public String toString() {
            return "ChunkDigests.Builder[" + fed + " of " + out.bytes + "]";
        }
    }

    /** For tests: a copy of the digests. */
    long[] toArray() {
        return Arrays.copyOf(digests, digests.length);
    }
}
