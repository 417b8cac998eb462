package org.kclone.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an interrupted or resumed job did, as seen from outside kclone: the durable prefix its map
 * file shows, and the bytes the kernel wrote to a block device ({@code /sys/block/<dev>/stat}).
 */
public final class MapProgress {

    private static final Pattern DONE = Pattern.compile("(?m)^(\\d+)\\s+0x0+\\s+0x([0-9A-F]+)\\s+\\+$");

    private MapProgress() {
    }

    /** The lowest durable prefix over the destinations the map lists; 0 while it does not exist or shows none. */
    public static long resumePoint(Path map) {
        try {
            String text = Files.readString(map);
            long dests = text.lines().filter(l -> l.startsWith("dest ")).count();
            Matcher m = DONE.matcher(text);
            long min = Long.MAX_VALUE;
            int found = 0;
            while (m.find()) {
                min = Math.min(min, Long.parseLong(m.group(2), 16));
                found++;
            }
            return found == dests && found > 0 ? min : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Bytes the kernel has written to the block device so far (its stat's sectors written, in 512 bytes). */
    public static long sectorsWritten(Path dev) throws IOException {
        String name = dev.toRealPath().getFileName().toString();
        String[] f = Files.readString(Path.of("/sys/block", name, "stat")).trim().split("\\s+");
        return Long.parseLong(f[6]) * 512;
    }

    /** Bytes the kernel has read from the block device so far (its stat's sectors read, in 512 bytes). */
    public static long sectorsRead(Path dev) throws IOException {
        String name = dev.toRealPath().getFileName().toString();
        String[] f = Files.readString(Path.of("/sys/block", name, "stat")).trim().split("\\s+");
        return Long.parseLong(f[2]) * 512;
    }

    /** The first {@code size} bytes of {@code dev}. */
    public static byte[] read(Path dev, int size) throws IOException {
        byte[] b = new byte[size];
        try (RandomAccessFile f = new RandomAccessFile(dev.toFile(), "r")) {
            f.readFully(b);
        }
        return b;
    }
}
