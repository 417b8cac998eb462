package org.kclone.device;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as people type them: a number with an optional unit. No unit or {@code s} means 512-byte
 * sectors; {@code B} bytes; {@code K}/{@code KiB}, {@code M}/{@code MiB}, {@code G}/{@code GiB},
 * {@code T}/{@code TiB} are binary multiples of bytes. Spaces between the number and its unit
 * ({@code 10 M}) are allowed.
 */
public final class Sizes {

    public static final int SECTOR = 512;
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([A-Za-z]*)"); // "10 M" as typed in the window too

    private Sizes() {
    }

    /**
     * Parses a size into 512-byte sectors.
     *
     * @throws IllegalArgumentException with the reason (not a number, unknown unit, not whole sectors)
     */
    public static long toSectors(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (a number with an optional unit: s, B, K,"
                    + " M, G, T)");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        String unit = m.group(2);
        long multiplier = switch (unit) {
            case "", "s" -> SECTOR;
            case "B" -> 1;
            case "K", "KiB" -> 1L << 10;
            case "M", "MiB" -> 1L << 20;
            case "G", "GiB" -> 1L << 30;
            case "T", "TiB" -> 1L << 40;
            default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + unit
                    + "' (use s, B, K, M, G or T; all binary)");
        };
        if (n > Long.MAX_VALUE / multiplier) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        long bytes = n * multiplier;
        if (bytes % SECTOR != 0) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of 512-byte sectors");
        }
        return bytes / SECTOR;
    }

    /** Parses a size into bytes (a bare number is bytes here), for rates and chunk sizes. */
    public static long toBytes(String text) {
        String t = text.trim();
        if (t.endsWith("/s")) {
            t = t.substring(0, t.length() - 2);
        }
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (a number with an optional unit: B, K, M,"
                    + " G, T)");
        }
        switch (m.group(2)) {
            case "", "B":
                try {
                    return Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' is too large");
                }
            case "s":
                throw new IllegalArgumentException("'" + text + "' must be in bytes or K, M, G, T, not sectors");
            case "K", "KiB", "M", "MiB", "G", "GiB", "T", "TiB":
                return toSectors(t) * SECTOR;
            default:
                // sectors (s) are no unit for a rate or a chunk: name only the units that apply here
                throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + m.group(2)
                        + "' (use B, K, M, G or T; all binary, bytes not bits)");
        }
    }

    /** A size for people: {@code 14.9 GiB}. */
    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
