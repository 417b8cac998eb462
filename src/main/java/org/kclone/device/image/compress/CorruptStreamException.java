package org.kclone.device.image.compress;

import org.kclone.engine.UnskippableReadException;

/**
 * A compressed stream that broke (corrupt or truncated), or a stored image that fails its checksum.
 * A broken stream also tells where, in fields ({@link #where}), for messages worded for the reader
 * ({@code kclone verify}); the message itself stays the copy's.
 */
public final class CorruptStreamException extends UnskippableReadException {

    /**
     * Where a stream broke: the compressed file, its format's label, the compressed bytes read when
     * it broke (-1: unknown) of the file's {@code storedSize}, the uncompressed offset it reached,
     * and the decoder's reason in plain words.
     */
    public record Where(String file, String format, long storedAt, long storedSize, long uncompressedAt,
            String reason) {
    }

    private final transient Where where;

    public CorruptStreamException(String message, Throwable cause) {
        this(message, cause, null);
    }

    public CorruptStreamException(String message, Throwable cause, Where where) {
        super(message, cause);
        this.where = where;
    }

    /** Where the stream broke, or null (a checksum mismatch, or a wrapped copy of such). */
    public Where where() {
        return where;
    }
}
