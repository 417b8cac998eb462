package org.kclone.device.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Which mount points are mounted read-only, from the kernel's mount table
 * ({@code /proc/self/mountinfo}): lsblk names where a device is mounted, not how. Read once, when
 * first asked.
 */
public final class MountTable {

    private final Supplier<List<String>> lines;
    private Map<String, Boolean> readOnly;

    /** @param lines the lines of a mountinfo file */
    public MountTable(Supplier<List<String>> lines) {
        this.lines = lines;
    }

    /** This machine's table, as this process sees it. */
    public static MountTable system() {
        return of(Path.of("/proc/self/mountinfo"));
    }

    /** The table in a mountinfo file (tests give their own). */
    public static MountTable of(Path mountinfo) {
        return new MountTable(() -> {
            try {
                return Files.readAllLines(mountinfo, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return List.of(); // unknown: every mount point counts as read-write
            }
        });
    }

    /**
     * Whether {@code mountpoint} is mounted read-only (its mount or its file system); false when
     * the table does not list it, so an unknown mount counts as writable.
     */
    public synchronized boolean readOnly(String mountpoint) {
        if (readOnly == null) {
            readOnly = parse(lines.get());
        }
        return readOnly.getOrDefault(mountpoint, false);
    }

    /**
     * mountinfo: {@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS},
     * the mount point with space, tab, newline and backslash written as octal escapes. A mount point
     * listed twice (stacked mounts) counts as read-only only if every listing is.
     */
    static Map<String, Boolean> parse(List<String> lines) {
        Map<String, Boolean> out = new HashMap<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (f.length < 6 || dash < 6 || dash + 3 >= f.length) {
                continue;
            }
            boolean ro = hasRo(f[5]) || hasRo(f[dash + 3]);
            out.merge(unescape(f[4]), ro, Boolean::logicalAnd);
        }
        return out;
    }

    private static boolean hasRo(String options) {
        return List.of(options.split(",")).contains("ro");
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
