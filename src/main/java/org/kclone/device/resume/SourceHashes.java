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
 * and boot areas live) and the MiB right before the point (what was copied last). Another run
 * reads them again before it resumes: a source that changed there is refused.
 */
final class SourceHashes {

    static final long SPAN = 1 << 20;

    private SourceHashes() {
    }

    /** The hashes for a resume point {@code at} (bytes from the region's start); none at 0. */
    static List<MapFile.Hash> around(BlockDevice source, long regionStart, long at) throws IOException {
        List<MapFile.Hash> out = new ArrayList<>();
        if (at <= 0) {
            return out;
        }
        long head = Math.min(at, SPAN);
        out.add(new MapFile.Hash("head", 0, head, sha256(source, regionStart, 0, head)));
        long tail = Math.max(0, at - SPAN);
        out.add(new MapFile.Hash("tail", tail, at - tail, sha256(source, regionStart, tail, at - tail)));
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
