package org.kclone.device.image.compress;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A compressed file read once from its start: stored bytes, hashed (SHA-256) as they are read,
 * counted, then decompressed. Every error of the decoder is turned into a
 * {@link CorruptStreamException} that names the file, the format and where it broke.
 */
final class StoredStream implements Closeable {

    /** Why no bad-sector option helps: said with every break. */
    static final String UNSKIPPABLE = " (a compressed stream cannot be read past a break: bad-sector skipping and"
            + " --ignore-errors do not apply)";

    /** Pieces of {@link DecodeAheadInputStream#PIECE} decoded ahead of the reader at most. */
    static final int AHEAD = 8;

    private final Path file;
    private final Format format;
    private final InputStream raw;
    private final MessageDigest digest;
    private final Counting counted;
    private InputStream decoded;
    /** The parallel xz decoder, where it is used (it reads the file itself: {@link #counted} stays 0). */
    private ParallelXzInputStream parallel;
    /** The thread decoding ahead of the reader (it reads {@link #counted}: stopped before anyone else does). */
    private DecodeAheadInputStream ahead;

    private StoredStream(Path file, Format format, InputStream raw, MessageDigest digest, Counting counted) {
        this.file = file;
        this.format = format;
        this.raw = raw;
        this.digest = digest;
        this.counted = counted;
    }

    /**
     * @param direct read the file past the page cache (O_DIRECT: reading back what was written)
     * @param hash hash the stored bytes ({@link #finishDigest}): only when a checksum is to be checked
     */
    static StoredStream open(Path file, Format format, boolean direct, boolean hash) throws IOException {
        MessageDigest sha = hash ? ImageChecksum.sha256() : null;
        InputStream raw = direct ? DirectInputStream.open(file) : Files.newInputStream(file);
        Counting counted = new Counting(new BufferedInputStream(hash ? new DigestInputStream(raw, sha) : raw,
                256 << 10));
        StoredStream s = new StoredStream(file, format, raw, sha, counted);
        try {
            // an xz file of several blocks (xz -T) decodes on every core, where the stored bytes need no hash
            // (where liblzma loads, its one thread is as fast as xz for Java on two, and leaves a core to the copy)
            ParallelXzInputStream parallel = format == Format.XZ && !hash && !direct && !LiblzmaInputStream.loaded()
                    ? ParallelXzInputStream.open(file, Runtime.getRuntime().availableProcessors()) : null;
            s.parallel = parallel;
            // decoded on a thread of its own, ahead of the engine's reads, so decoding and writing overlap
            s.ahead = new DecodeAheadInputStream(parallel != null ? parallel
                    : Decoders.open(format, counted, Runtime.getRuntime().availableProcessors()), AHEAD,
                    "kclone-decode-" + format.label());
            s.decoded = s.ahead;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw s.broken(e, 0);
        }
        return s;
    }

    /**
     * Reads decompressed bytes.
     *
     * @param at the uncompressed offset of {@code b[off]} (for the message when it breaks)
     * @return bytes read, or -1 at the end of the data
     */
    int read(byte[] b, int off, int len, long at) throws CorruptStreamException {
        try {
            return decoded.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            throw broken(e, at);
        }
    }

    /**
     * Reads decompressed bytes into {@code dst} (the engine's page: the decoded bytes are copied
     * into it once, from native memory where the decoder is liblzma), advancing its position.
     *
     * @param at the uncompressed offset of the first byte (for the message when it breaks)
     * @return bytes read, or -1 at the end of the data
     */
    int read(java.nio.ByteBuffer dst, long at) throws CorruptStreamException {
        try {
            return ahead.read(dst);
        } catch (IOException | RuntimeException e) {
            throw broken(e, at);
        }
    }

    /** The stored bytes read so far (the decoder reads ahead by up to its input buffer). */
    long storedOffset() {
        return parallel != null ? parallel.compressedPosition() : counted.count();
    }

    /**
     * Reads the rest of the stored file (whatever follows the compressed data the decoder used)
     * and returns the SHA-256 of all of it, as hex.
     */
    String finishDigest() throws IOException {
        if (digest == null) {
            throw new IllegalStateException("opened without hashing");
        }
        if (ahead != null) {
            ahead.stop(); // the stored bytes are this thread's from here
        }
        byte[] buf = new byte[256 << 10];
        while (counted.read(buf, 0, buf.length) >= 0) {
            // hashed on the way through
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    CorruptStreamException broken(Throwable e, long uncompressedAt) {
        long stored = storedOffset();
        long size = size();
        String reason = Lengths.message(e);
        return new CorruptStreamException("the " + format.label() + " stream of " + file + " is corrupt or truncated:"
                + " it broke at compressed byte " + stored + " of " + size + " (uncompressed byte "
                + uncompressedAt + "): " + reason + UNSKIPPABLE, e,
                new CorruptStreamException.Where(file.toString(), format.label(), stored, size, uncompressedAt, reason));
    }

    /** As {@link #broken} for data that ended before the length the plan expects. */
    CorruptStreamException endedEarly(long uncompressedAt, long expected) {
        long stored = storedOffset();
        long size = size();
        return new CorruptStreamException("the " + format.label() + " stream of " + file + " is truncated: its"
                + " data ends at uncompressed byte " + uncompressedAt + " (compressed byte " + stored + " of "
                + size + "), before the " + expected + " bytes expected" + UNSKIPPABLE, null,
                new CorruptStreamException.Where(file.toString(), format.label(), stored, size, uncompressedAt,
                        "its data ends there, before the " + expected + " bytes expected"));
    }

    private long size() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (decoded != null) {
                decoded.close();
            }
        } finally {
            raw.close();
        }
    }
}
