package org.kclone.device.image.compress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The compressed image formats kclone reads (recognised by their magic bytes, never by the name)
 * and the three it writes (chosen by a new file's name suffix).
 */
public enum Format {
    GZIP("gzip", ".gz"),
    XZ("xz", ".xz"),
    ZSTD("zstd", ".zst"),
    BZIP2("bzip2", null),
    ZIP("zip", null);

    private final String label;
    private final String suffix;

    Format(String label, String suffix) {
        this.label = label;
        this.suffix = suffix;
    }

    /** The name people know it by: {@code zstd}, {@code xz}... */
    public String label() {
        return label;
    }

    /** The file name suffix that makes a new image this format, or null when kclone does not write it. */
    public String suffix() {
        return suffix;
    }

    /** Bytes of a file's head {@link #detect(byte[], int)} looks at. */
    public static final int MAGIC_BYTES = 6;

    /** The format whose magic bytes start {@code head} (its first {@code n} bytes), if any. */
    public static Optional<Format> detect(byte[] head, int n) {
        if (n >= 2 && u(head[0]) == 0x1f && u(head[1]) == 0x8b) {
            return Optional.of(GZIP);
        }
        if (n >= 6 && u(head[0]) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X' && head[4] == 'Z'
                && head[5] == 0) {
            return Optional.of(XZ);
        }
        if (n >= 4 && u(head[0]) == 0x28 && u(head[1]) == 0xb5 && u(head[2]) == 0x2f && u(head[3]) == 0xfd) {
            return Optional.of(ZSTD);
        }
        if (n >= 4 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && head[3] >= '1' && head[3] <= '9') {
            return Optional.of(BZIP2);
        }
        // a local file header, or the end record of an empty archive
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5
                && head[3] == 6))) {
            return Optional.of(ZIP);
        }
        return Optional.empty();
    }

    /** The format of a regular file by its first bytes; empty for anything else (a raw image, a device). */
    public static Optional<Format> detect(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        byte[] head = new byte[MAGIC_BYTES];
        int n = 0;
        try (InputStream in = Files.newInputStream(file)) {
            while (n < head.length) {
                int r = in.read(head, n, head.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        }
        return detect(head, n);
    }

    /** The format a new image file of this name is written in: {@code .zst}, {@code .xz}, {@code .gz}. */
    public static Optional<Format> forNewFile(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (Format f : values()) {
            if (f.suffix != null && name.endsWith(f.suffix) && name.length() > f.suffix.length()) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private static int u(byte b) {
        return b & 0xff;
    }
}
