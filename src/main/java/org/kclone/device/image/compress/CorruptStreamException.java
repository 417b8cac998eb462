package org.kclone.device.image.compress;

import org.kclone.engine.UnskippableReadException;

/** A compressed stream that broke (corrupt or truncated), or a stored image that fails its checksum. */
public final class CorruptStreamException extends UnskippableReadException {
    public CorruptStreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
