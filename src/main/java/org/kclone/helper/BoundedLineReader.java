package org.kclone.helper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads lines of at most {@code max} bytes. A longer line is skipped up to its end without being
 * kept (memory stays bounded whatever is sent), a line that is not UTF-8 is reported as such, and
 * a last line without its newline is reported as truncated.
 */
final class BoundedLineReader {

    /** What one read gave. */
    sealed interface Result permits Line, TooLong, NotUtf8, Truncated, End {
    }

    record Line(String text) implements Result {
    }

    /** A line of {@code bytes} bytes (counted up to the cap and beyond), skipped. */
    record TooLong(long bytes) implements Result {
    }

    record NotUtf8() implements Result {
    }

    /** Input ended inside a line of {@code bytes} bytes (dropped). */
    record Truncated(long bytes) implements Result {
    }

    record End() implements Result {
    }

    private final InputStream in;
    private final int max;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;

    BoundedLineReader(InputStream in, int max) {
        this.in = in;
        this.max = max;
    }

    Result next() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long length = 0;
        while (true) {
            if (pos == limit) {
                limit = in.read(buffer);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return length == 0 ? new End() : new Truncated(length);
                }
            }
            int start = pos;
            while (pos < limit && buffer[pos] != '\n') {
                pos++;
            }
            int n = pos - start;
            if (length + n <= max) {
                line.write(buffer, start, n);
            }
            length += n;
            if (pos < limit) { // at the newline
                pos++;
                if (length > max) {
                    return new TooLong(length);
                }
                try {
                    return new Line(StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(line.toByteArray())).toString());
                } catch (CharacterCodingException e) {
                    return new NotUtf8();
                }
            }
        }
    }
}
