package org.kclone.device.resume;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The map of a copy job as text (README, "Resuming a copy"): in the spirit of GNU ddrescue's
 * mapfile, one line per range of each destination, {@code +} for bytes it has durably received,
 * {@code ?} for bytes not yet; before them the job's devices (to refuse a map of other devices)
 * and hashes of the source's bytes at the region's head and right before the resume point (to
 * refuse a source that changed). Written whole to a temporary file, synced, renamed over the map
 * and the folder synced: a crash leaves the old map or the new one, never a torn one.
 */
public final class MapFile {

    static final String MAGIC = "kclone-map 1";

    /** A region of the job: where it lies, what device or file it is ({@link Identity}), its path. */
    public record Entry(long start, long count, long bytes, String id, String path) {
    }

    /** SHA-256 of the source's bytes {@code [start, start + length)} of the region, as copied. */
    public record Hash(String name, long start, long length, String sha256) {
    }

    /** running (a job writes it), interrupted (it stopped early) or finished (every byte durable everywhere). */
    String status = "running";
    Entry source;
    /** A --used-only job's plan: its extent list, counted and hashed ({@link UsedExtents#line()}); null for a whole copy. */
    String used;
    final List<Entry> dests = new ArrayList<>();
    final List<Hash> hashes = new ArrayList<>();
    /** Per destination, the bytes of its region it has durably received. */
    final List<Ranges> done = new ArrayList<>();

    /** Where every destination has everything below: the lowest durable prefix, rounded down to 4 KiB. */
    long resumePoint() {
        long min = Long.MAX_VALUE;
        for (Ranges r : done) {
            min = Math.min(min, r.prefix());
        }
        if (done.isEmpty() || min >= source.bytes()) {
            return done.isEmpty() ? 0 : source.bytes();
        }
        return min / 4096 * 4096;
    }

    /** Whether every destination has durably received its whole region. */
    boolean complete() {
        return !done.isEmpty() && resumePoint() >= source.bytes();
    }

    String text() {
        StringBuilder b = new StringBuilder();
        b.append("# kclone map: what each destination of a copy has durably received (flushed).\n");
        b.append("# Run the same kclone copy command with --map on this file to continue where it stopped.\n");
        b.append("# Offsets and sizes are bytes from each region's first byte;"
                + " start and count are 512-byte sectors.\n");
        b.append(MAGIC).append('\n');
        b.append("status ").append(status).append('\n');
        b.append("updated ").append(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .append('\n');
        b.append(entry("source", source)).append('\n');
        for (int i = 0; i < dests.size(); i++) {
            b.append(entry("dest " + i, dests.get(i))).append('\n');
        }
        if (used != null) {
            b.append("used ").append(used).append('\n');
        }
        for (Hash h : hashes) {
            b.append("hash ").append(h.name()).append(' ').append(hex(h.start())).append(' ').append(hex(h.length()))
                    .append(' ').append(h.sha256()).append('\n');
        }
        b.append("#  dest  pos                 size                status (+ durably written, ? not yet)\n");
        for (int i = 0; i < done.size(); i++) {
            long at = 0;
            for (Ranges.Range r : done.get(i).list()) {
                if (r.start() > at) {
                    b.append(range(i, at, r.start() - at, '?'));
                }
                b.append(range(i, r.start(), r.length(), '+'));
                at = r.end();
            }
            if (at < source.bytes()) {
                b.append(range(i, at, source.bytes() - at, '?'));
            }
        }
        return b.toString();
    }

    private static String entry(String what, Entry e) {
        return what + " start=" + e.start() + " count=" + e.count() + " bytes=" + e.bytes() + " id=" + e.id()
                + " path=" + e.path();
    }

    private static String range(int dest, long start, long length, char status) {
        return String.format("%d  %s  %s  %c%n", dest, hex(start), hex(length), status);
    }

    private static String hex(long v) {
        return String.format("0x%016X", v);
    }

    /**
     * Writes the map atomically: a temporary file beside it, synced, renamed over it, the folder synced.
     * The temporary file is made new ({@code O_CREAT|O_EXCL}, after removing one left behind): a link
     * or a file someone put there is never written through (the helper writes as root).
     */
    void save(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // a link goes itself, its target untouched
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            c.write(java.nio.ByteBuffer.wrap(text().getBytes(StandardCharsets.UTF_8)));
            c.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // a file system that cannot sync a folder: the rename is as durable as it allows
        }
    }

    /** A map file that cannot be read as one: the line and why. */
    static final class BadMapException extends Exception {
        BadMapException(String message) {
            super(message);
        }
    }

    /**
     * Reads a map written by {@link #save}: the file itself, never through a symbolic link
     * ({@code O_NOFOLLOW}; callers check first that it is a regular file, so no FIFO or device is opened).
     */
    static MapFile read(Path file) throws IOException, BadMapException {
        List<String> lines;
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS),
                StandardCharsets.UTF_8.newDecoder()))) {
            lines = r.lines().toList();
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        MapFile m = new MapFile();
        boolean magic = false;
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                if (!magic) {
                    if (!line.equals(MAGIC)) {
                        throw new BadMapException("it does not start with '" + MAGIC + "' (not a kclone map?)");
                    }
                    magic = true;
                } else if (line.startsWith("status ")) {
                    m.status = line.substring(7).strip();
                } else if (line.startsWith("updated ")) {
                    // informative only
                } else if (line.startsWith("source ")) {
                    m.source = parseEntry(line.substring(7));
                } else if (line.startsWith("dest ")) {
                    String rest = line.substring(5);
                    int sp = rest.indexOf(' ');
                    int index = Integer.parseInt(rest.substring(0, sp));
                    if (index != m.dests.size()) {
                        throw new BadMapException("destination " + index + " out of order");
                    }
                    m.dests.add(parseEntry(rest.substring(sp + 1)));
                    m.done.add(new Ranges());
                } else if (line.startsWith("used ")) {
                    m.used = line.substring(5).strip();
                } else if (line.startsWith("hash ")) {
                    String[] w = line.split("\\s+");
                    if (w.length != 5 || !w[4].matches("[0-9a-f]{64}")) {
                        throw new BadMapException("a hash line is 'hash NAME POS SIZE SHA256'");
                    }
                    long pos = parseHex(w[2]);
                    long size = parseHex(w[3]);
                    if (pos < 0 || size <= 0 || pos > Long.MAX_VALUE - size) {
                        throw new BadMapException("hash of " + w[2] + "+" + w[3] + ": not a range of bytes");
                    }
                    m.hashes.add(new Hash(w[1], pos, size, w[4]));
                } else {
                    String[] w = line.split("\\s+");
                    if (w.length != 4) {
                        throw new BadMapException("expected 'DEST POS SIZE STATUS', found '" + line + "'");
                    }
                    int d = Integer.parseInt(w[0]);
                    if (d < 0 || d >= m.done.size()) {
                        throw new BadMapException("range of destination " + d + ", which the map does not list");
                    }
                    long pos = parseHex(w[1]);
                    long size = parseHex(w[2]);
                    if (pos < 0 || size < 0 || m.source == null || pos > m.source.bytes() - size) {
                        throw new BadMapException("range " + w[1] + "+" + w[2] + " lies outside the region");
                    }
                    switch (w[3]) {
                        case "+" -> m.done.get(d).add(pos, size);
                        case "?" -> { }
                        default -> throw new BadMapException("status '" + w[3] + "' (a range is + or ?)");
                    }
                }
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new BadMapException("line " + n + ": cannot read '" + line + "'");
            } catch (BadMapException e) {
                throw new BadMapException("line " + n + ": " + e.getMessage());
            }
        }
        if (!magic) {
            throw new BadMapException("it is empty (not a kclone map?)");
        }
        if (m.source == null || m.dests.isEmpty()) {
            throw new BadMapException("it lists no source or no destination");
        }
        return m;
    }

    private static Entry parseEntry(String s) throws BadMapException {
        int p = s.indexOf(" path=");
        if (p < 0) {
            throw new BadMapException("no path=");
        }
        String path = s.substring(p + 6);
        long start = -1;
        long count = -1;
        long bytes = -1;
        String id = null;
        for (String w : s.substring(0, p).split("\\s+")) {
            int eq = w.indexOf('=');
            if (eq < 0) {
                throw new BadMapException("'" + w + "' is not KEY=VALUE");
            }
            String v = w.substring(eq + 1);
            switch (w.substring(0, eq)) {
                case "start" -> start = Long.parseLong(v);
                case "count" -> count = Long.parseLong(v);
                case "bytes" -> bytes = Long.parseLong(v);
                case "id" -> id = v;
                default -> throw new BadMapException("unknown key '" + w.substring(0, eq) + "'");
            }
        }
        if (start < 0 || count < 0 || bytes < 0 || id == null) {
            throw new BadMapException("a region needs start, count, bytes, id and path");
        }
        return new Entry(start, count, bytes, id, path);
    }

    private static long parseHex(String s) {
        return s.startsWith("0x") || s.startsWith("0X") ? Long.parseUnsignedLong(s.substring(2), 16)
                : Long.parseLong(s);
    }
}
