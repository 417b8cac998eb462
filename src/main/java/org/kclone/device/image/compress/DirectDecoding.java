package org.kclone.device.image.compress;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A decoder that writes its bytes straight into a direct buffer (native memory), so that the
 * decoded bytes are not copied through a Java array on their way to the engine's pages.
 */
interface DirectDecoding {

    /**
     * Decodes into {@code dst} (a direct buffer), advancing its position.
     *
     * @return bytes decoded (at least one while {@code dst} has room), or -1 at the end of the data
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * A direct buffer of {@code bytes} to decode into. The decoder's own native memory (outside
     * the JVM's direct-memory limit, which the engine's pages are sized against), freed when the
     * decoder is closed: not to be used after {@code close}.
     */
    ByteBuffer allocate(int bytes);
}
