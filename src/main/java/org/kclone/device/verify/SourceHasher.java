package org.kclone.device.verify;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.kclone.engine.ChunkObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hashes the source while the engine copies it, without a second read: SHA-256 of the region's
 * content (for the report) and, when asked, the per-MiB {@link ChunkDigests} verification compares
 * the destinations with.
 *
 * <p>The engine reads chunks with several in flight and they complete in any order; hashing needs
 * them in order. Chunks that arrive early wait in a small reorder window keyed by offset (their
 * pages stay held meanwhile, so the window is bounded by the chunks in flight), and one hashing
 * thread of its own takes them in order, so the engine's I/O threads do not wait for the hash: the
 * writes of a chunk go on while it is hashed. A chunk goes back to the engine once hashed.
 */
public final class SourceHasher implements ChunkObserver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SourceHasher.class);

    private final long regionBytes;
    private final long contentBytes;
    private final MessageDigest sha256;
    private final ChunkDigests.Builder digests;
    private final ExecutorService thread;

    // Guarded by this.
    private final TreeMap<Long, Piece> waiting = new TreeMap<>();
    private long next;
    private boolean draining;
    /** Set when hashing failed (nothing it made is given out) or a chunk came out of place. */
    private volatile boolean broken;
    /** Bytes hashed in order (written by the hashing thread). */
    private volatile long hashed;

    private record Piece(ByteBuffer data, Runnable done) {
    }

    /**
     * @param regionBytes bytes the engine copies (whole sectors)
     * @param contentBytes bytes of the region's content that the SHA-256 covers (fewer when its
     *     last sector is partial: an image file of odd size)
     * @param withDigests whether to keep the per-MiB digests (for verification)
     */
    public SourceHasher(long regionBytes, long contentBytes, boolean withDigests) {
        if (contentBytes > regionBytes) {
            throw new IllegalArgumentException(contentBytes + " content bytes in a region of " + regionBytes);
        }
        this.regionBytes = regionBytes;
        this.contentBytes = contentBytes;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
        this.digests = withDigests ? new ChunkDigests.Builder(regionBytes) : null;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kclone-hash");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void chunkRead(long offset, ByteBuffer data, Runnable done) {
        boolean start = false;
        boolean twice = false;
        synchronized (this) {
            if (offset < next || waiting.containsKey(offset)) {
                twice = true;
            } else {
                waiting.put(offset, new Piece(data, done));
                start = !draining && offset == next;
                draining |= start;
            }
        }
        if (twice) {
            broken = true; // never hashed: given back at once
            done.run();
        } else if (start) {
            thread.execute(this::drain);
        }
    }

    /** On the hashing thread: hashes the waiting chunks that come next, in order, and gives them back. */
    private void drain() {
        while (true) {
            Piece p;
            synchronized (this) {
                p = waiting.remove(next);
                if (p == null) {
                    draining = false;
                    return;
                }
                next += p.data.remaining();
            }
            try {
                if (!broken) {
                    hash(p.data);
                }
            } catch (RuntimeException | Error e) {
                LOG.error("hashing the source failed; the report gives no SHA-256 and verification reads the source", e);
                broken = true;
            } finally {
                p.done.run();
            }
        }
    }

    private void hash(ByteBuffer data) {
        long at = hashed;
        int content = (int) Math.max(0, Math.min(data.remaining(), contentBytes - at));
        sha256.update(data.duplicate().limit(data.position() + content));
        if (digests != null) {
            digests.add(data.duplicate());
        }
        hashed = at + data.remaining();
    }

    /** Whether every byte of the region was hashed in order (the copy read all of it). */
    public boolean complete() {
        return !broken && hashed == regionBytes;
    }

    /**
     * The SHA-256 (lowercase hex) of the region's content, once every byte was hashed (after the
     * job has ended: a chunk goes back only after it was hashed); null when the copy stopped early.
     */
    public synchronized String sha256() {
        if (!complete()) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(((MessageDigest) sha256.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 cannot be cloned", e);
        }
    }

    /** The per-MiB digests once every byte was hashed, else null (also when not asked for). */
    public ChunkDigests digests() {
        return complete() && digests != null ? digests.done() : null;
    }

    /** Stops the hashing thread (after the job: nothing is left to hash). */
    @Override
    public void close() {
        thread.shutdownNow();
    }

    @Override
    public String toString() {
        return "SourceHasher[" + hashed + " of " + regionBytes + " bytes hashed" + (broken ? ", broken" : "") + "]";
    }
}
