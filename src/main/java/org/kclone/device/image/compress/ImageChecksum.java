package org.kclone.device.image.compress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SHA-256 sidecar of an image file: {@code NAME.sha256} beside it, in {@code sha256sum -c}
 * format ({@code <hex>  <name>}), holding the hash of the file as stored (compressed or not). A
 * {@code SHA256SUMS} in the image's folder that lists it counts too when reading.
 */
public final class ImageChecksum {

    private static final Pattern LINE = Pattern.compile("^\\\\?([0-9a-fA-F]{64}) [ *](.+)$");

    private ImageChecksum() {
    }

    /** The hash an image is expected to have, and where that was said. */
    public record Expected(String hex, Path file, Path where) {
        /** @throws CorruptStreamException when {@code actual} differs */
        public void check(String actual) throws CorruptStreamException {
            if (!hex.equalsIgnoreCase(actual)) {
                throw new CorruptStreamException(file + " does not match its checksum: the stored file's SHA-256 is "
                        + actual + ", " + where + " says " + hex.toLowerCase(Locale.ROOT) + "; the image is bad (or"
                        + " the checksum file is stale), so nothing copied from it can be trusted", null);
            }
        }
    }

    /** The sidecar path of {@code image}: its full name plus {@code .sha256}. */
    public static Path sidecarOf(Path image) {
        return image.resolveSibling(image.getFileName() + ".sha256");
    }

    /**
     * What {@code image} is expected to hash to: its {@code NAME.sha256}, else the line of a
     * {@code SHA256SUMS} in its folder that names it; null when neither says.
     *
     * @throws IOException a checksum file that exists but cannot be read or names no hash for it
     */
    public static Expected find(Path image) throws IOException {
        String name = image.getFileName().toString();
        Path side = sidecarOf(image);
        if (Files.isRegularFile(side)) {
            List<String> lines = Files.readAllLines(side, StandardCharsets.UTF_8);
            String only = null;
            for (String l : lines) {
                Matcher m = LINE.matcher(l.strip());
                if (m.matches()) {
                    if (names(m.group(2), name)) {
                        return new Expected(m.group(1), image, side);
                    }
                    only = only == null ? m.group(1) : only;
                }
            }
            if (only != null && lines.stream().filter(l -> !l.isBlank()).count() == 1) {
                return new Expected(only, image, side); // a single line: it is this file's, whatever its name says
            }
            throw new IOException("the checksum file " + side + " holds no SHA-256 line (<64 hex digits>  " + name
                    + ")");
        }
        Path sums = image.toAbsolutePath().resolveSibling("SHA256SUMS");
        if (Files.isRegularFile(sums)) {
            for (String l : Files.readAllLines(sums, StandardCharsets.UTF_8)) {
                Matcher m = LINE.matcher(l.strip());
                if (m.matches() && names(m.group(2), name)) {
                    return new Expected(m.group(1), image, sums);
                }
            }
        }
        return null;
    }

    private static boolean names(String listed, String name) {
        String n = listed.startsWith("./") ? listed.substring(2) : listed;
        return n.equals(name);
    }

    /**
     * Writes {@code NAME.sha256} beside {@code image} (through a temporary file, renamed into place
     * and synced, so a half-written sidecar is never seen).
     */
    public static void write(Path image, String hex) throws IOException {
        Path side = sidecarOf(image);
        Path tmp = side.resolveSibling(side.getFileName() + ".tmp");
        byte[] text = (hex + "  " + image.getFileName() + "\n").getBytes(StandardCharsets.UTF_8);
        // a new file, never one that is there (as root, in a folder a user writes, a link planted at this name
        // would otherwise be followed to whatever it names): a stale one is removed (a link itself, not its target)
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            ch.write(java.nio.ByteBuffer.wrap(text));
            ch.force(true);
        }
        sameOwnerAs(image, tmp);
        Files.move(tmp, side, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Run as root (the window's helper), the sidecar belongs to whoever owns the image (the user
     * the helper wrote it for), not to root.
     */
    static void sameOwnerAs(Path image, Path side) throws IOException {
        java.nio.file.LinkOption nofollow = java.nio.file.LinkOption.NOFOLLOW_LINKS;
        Object uid = Files.getAttribute(image, "unix:uid");
        Object gid = Files.getAttribute(image, "unix:gid");
        if (!uid.equals(Files.getAttribute(side, "unix:uid", nofollow))
                || !gid.equals(Files.getAttribute(side, "unix:gid", nofollow))) {
            try {
                Files.setAttribute(side, "unix:gid", gid, nofollow);
                Files.setAttribute(side, "unix:uid", uid, nofollow);
            } catch (java.nio.file.FileSystemException e) {
                // not root: the sidecar is the writer's, as the image it wrote
            }
        }
    }

    /** Removes a sidecar left from an earlier write of {@code image} (it would describe other bytes). */
    public static void remove(Path image) throws IOException {
        Files.deleteIfExists(sidecarOf(image));
    }

    /** The SHA-256 of a whole file, read once from its start. */
    public static String hashFile(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = DirectInputStream.open(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) >= 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
