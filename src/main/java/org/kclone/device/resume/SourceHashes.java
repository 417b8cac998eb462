package org.kclone.device.resume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.kclone.engine.BlockDevice;

/**
 * The source's bytes around a resume point, hashed: the region's first MiB (where partition tables
 * and boot areas live), the 4 MiB right before the point (the chunks copied last), and 1 MiB
 * samples on a fixed grid of 32 over the region below that (so a whole disk whose files changed
 * between the runs is noticed where they lie on a sample, not only in its partition table). Another
 * run reads them again before it resumes: a source that changed there is refused. The samples lie
 * on a grid fixed by the region's size, so a {@link Cache} hashes each one once per run.
 */
final class SourceHashes {

    static final long SPAN = 1 << 20;
    /** The bytes right before the point that are hashed: the last chunks copied. */
    static final long TAIL = 4 * SPAN;
    /** Samples over the region (one per 1/32 of it). */
    static final int SAMPLES = 32;

    private SourceHashes() {
    }

    /** Hashes of grid samples already read this run (the source does not change under a copy). */
    static final class Cache {
        private final java.util.Map<Long, String> samples = new java.util.HashMap<>();
    }

    /** The hashes for a resume point {@code at} (bytes from the region's start); none at 0. */
    static List<MapFile.Hash> around(BlockDevice source, long regionStart, long regionBytes, long at, Cache cache)
            throws IOException {
        List<MapFile.Hash> out = new ArrayList<>();
        if (at <= 0) {
            return out;
        }
        long head = Math.min(at, SPAN);
        out.add(new MapFile.Hash("head", 0, head, sha256(source, regionStart, 0, head)));
        long tail = Math.max(head, at - TAIL);
        long last = -1;
        for (int k = 1; k < SAMPLES; k++) {
            long pos = (long) ((double) regionBytes * k / SAMPLES) / SPAN * SPAN;
            if (pos < head || pos + SPAN > tail || pos == last) {
                continue;
            }
            last = pos;
            String h = cache != null ? cache.samples.get(pos) : null;
            if (h == null) {
                h = sha256(source, regionStart, pos, SPAN);
                if (cache != null) {
                    cache.samples.put(pos, h);
                }
            }
            out.add(new MapFile.Hash("sample", pos, SPAN, h));
        }
        if (at > tail) {
            out.add(new MapFile.Hash("tail", tail, at - tail, sha256(source, regionStart, tail, at - tail)));
        }
        return out;
    }

    /** The first hash whose bytes the source no longer has, or null when every one matches. */
    static MapFile.Hash firstChanged(BlockDevice source, long regionStart, List<MapFile.Hash> hashes)
            throws IOException {
        for (MapFile.Hash h : hashes) {
            if (!sha256(source, regionStart, h.start(), h.length()).equals(h.sha256())) {
                return h;
            }
        }
        return null;
    }

    static String sha256(BlockDevice source, long regionStart, long start, long length) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
        ByteBuffer b = ByteBuffer.allocateDirect((int) SPAN + 4096).alignedSlice(4096);
        for (long at = 0; at < length; ) {
            int n = (int) Math.min(SPAN, length - at);
            b.clear().limit(n);
            source.read(b, regionStart + start + at);
            b.flip();
            md.update(b);
            at += n;
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
