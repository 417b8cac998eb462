package org.kclone.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.kclone.engine.SectorRange;

/** Destination images pre-filled with one byte value, and the check that given sectors still hold it. */
public final class FilledImages {

    private static final int MiB = 1 << 20;

    private FilledImages() {
    }

    /** {@code file}, {@code bytes} long (whole MiB), holding {@code value} everywhere. */
    public static Path filled(Path file, long bytes, byte value) throws IOException {
        byte[] block = new byte[MiB];
        Arrays.fill(block, value);
        try (OutputStream o = Files.newOutputStream(file)) {
            for (long n = 0; n < bytes; n += MiB) {
                o.write(block);
            }
        }
        return file;
    }

    /**
     * Fails naming the first byte in {@code ranges} (512-byte sectors) of {@code file} that is not
     * {@code value}; returns the bytes checked.
     */
    public static long assertHold(Path file, List<SectorRange> ranges, byte value) throws IOException {
        long checked = 0;
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(MiB);
            for (SectorRange r : ranges) {
                for (long at = r.start() * 512; at < r.end() * 512; at += b.capacity()) {
                    b.clear().limit((int) Math.min(b.capacity(), r.end() * 512 - at));
                    c.read(b, at);
                    b.flip();
                    while (b.hasRemaining()) {
                        byte got = b.get();
                        if (got != value) {
                            throw new AssertionError(file + ": skipped byte " + (at + b.position() - 1) + " is "
                                    + got + ", not " + value);
                        }
                    }
                    checked += b.limit();
                }
            }
        }
        return checked;
    }
}
