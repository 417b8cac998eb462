package org.kclone.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {

    private static BoundedLineReader reader(byte[] bytes, int max) {
        return new BoundedLineReader(new ByteArrayInputStream(bytes), max);
    }

    @Test
    void linesUpToTheCapAreReadAndLongerOnesSkippedToTheirEnd() throws Exception {
        BoundedLineReader r = reader("abcd\nabcde\nabcdefghij\n\nxy".getBytes(StandardCharsets.UTF_8), 5);
        assertEquals(new BoundedLineReader.Line("abcd"), r.next());
        assertEquals(new BoundedLineReader.Line("abcde"), r.next());
        assertEquals(new BoundedLineReader.TooLong(10), r.next());
        assertEquals(new BoundedLineReader.Line(""), r.next());
        assertEquals(new BoundedLineReader.Truncated(2), r.next());
        assertInstanceOf(BoundedLineReader.End.class, r.next());
    }

    @Test
    void aLineThatIsNotUtf8IsSaidToBeAndTheNextIsRead() throws Exception {
        BoundedLineReader r = reader(new byte[] {(byte) 0xff, 'a', '\n', 'b', '\n'}, 100);
        assertInstanceOf(BoundedLineReader.NotUtf8.class, r.next());
        assertEquals(new BoundedLineReader.Line("b"), r.next());
    }

    @Test
    void aGigabyteLineIsSkippedWithoutBeingKept() throws Exception {
        long size = 1L << 30;
        InputStream endless = new InputStream() { // 1 GiB of 'x', then a newline and "ok\n": never in memory
            long at;

            @Override
            public int read() {
                return at < size ? (at++ >= 0 ? 'x' : 0) : at++ == size ? '\n' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (at >= size) {
                    return super.read(b, off, len);
                }
                int n = (int) Math.min(len, size - at);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                at += n;
                return n;
            }
        };
        BoundedLineReader r = new BoundedLineReader(new java.io.SequenceInputStream(endless,
                new ByteArrayInputStream("ok\n".getBytes(StandardCharsets.UTF_8))), Protocol.MAX_LINE);
        assertEquals(new BoundedLineReader.TooLong(size), r.next());
        assertEquals(new BoundedLineReader.Line("ok"), r.next());
    }
}
