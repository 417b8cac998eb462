package org.kclone.engine;

import java.io.IOException;

/**
 * A source read error that is not about sectors: a compressed stream that broke, a stored image that
 * does not match its checksum. The engine does not narrow it to sectors (a stream cannot be re-read
 * there) and IGNORE_ERROR does not skip it: the chunk is not written and the job stops.
 */
public class UnskippableReadException extends IOException {
    public UnskippableReadException(String message) {
        super(message);
    }

    public UnskippableReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
