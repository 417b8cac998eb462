package org.kclone.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Files put on a real file system and read back by their SHA-256: through a mount (ext4, exFAT
 * through exfat-fuse, NTFS through ntfs-3g) or through mtools (FAT). The maps go from the path in
 * the file system ({@code dir/file0.bin}) to the hex SHA-256 of the file's bytes, so a test compares
 * what it put on the source with what a clone holds. Needs root and the tools the caller assumed.
 */
public final class FsFiles {

    private FsFiles() {
    }

    /** Eight random files (some in {@code dir/}), each {@code minBytes} plus up to 1.5 MB. */
    public static Map<String, byte[]> random(Random random, int minBytes) {
        Map<String, byte[]> out = new TreeMap<>();
        for (int i = 0; i < 8; i++) {
            byte[] b = new byte[minBytes + random.nextInt(1_500_000)];
            random.nextBytes(b);
            out.put((i % 3 == 0 ? "dir/" : "") + "file" + i + ".bin", b);
        }
        return out;
    }

    /** Writes {@code files} into the file system on {@code dev}, mounted at {@code mnt} by {@code mount}. */
    public static Map<String, String> putMounted(Path dev, Path mnt, Map<String, byte[]> files, String... mount)
            throws IOException {
        Files.createDirectories(mnt);
        run(mount, dev.toString(), mnt.toString());
        Map<String, String> sums = new TreeMap<>();
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path p = mnt.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, f.getValue());
                sums.put(f.getKey(), sha256(f.getValue()));
            }
        } finally {
            LoopDevices.run("umount", mnt.toString());
        }
        return sums;
    }

    /** Writes {@code files} into the FAT file system on {@code dev} by mmd and mcopy (local copies in {@code tmp}). */
    public static Map<String, String> putFat(Path dev, Path tmp, Map<String, byte[]> files) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        LoopDevices.run("mmd", "-i", dev.toString(), "::/dir");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path local = tmp.resolve("fat-" + f.getKey().replace('/', '-'));
            Files.write(local, f.getValue());
            LoopDevices.run("mcopy", "-i", dev.toString(), local.toString(), "::/" + f.getKey());
            sums.put(f.getKey(), sha256(f.getValue()));
        }
        return sums;
    }

    /**
     * Every regular file in the file system on {@code dev} (lost+found aside), mounted at {@code mnt}
     * by {@code mount} (e.g. {@code mount -o ro}) and unmounted after.
     */
    public static Map<String, String> hashesMounted(Path dev, Path mnt, String... mount) throws IOException {
        Files.createDirectories(mnt);
        run(mount, dev.toString(), mnt.toString());
        try {
            Map<String, String> sums = new TreeMap<>();
            try (Stream<Path> s = Files.walk(mnt)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    String rel = mnt.relativize(p).toString();
                    if (!rel.startsWith("lost+found")) {
                        sums.put(rel, sha256(Files.readAllBytes(p)));
                    }
                }
            }
            return sums;
        } finally {
            LoopDevices.run("umount", mnt.toString());
        }
    }

    /** The files {@code names} of the FAT file system on {@code dev}, copied out by mcopy (into {@code tmp}). */
    public static Map<String, String> hashesFat(Path dev, Path tmp, Collection<String> names) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        for (String name : names) {
            Path local = tmp.resolve("back-" + name.replace('/', '-'));
            Files.deleteIfExists(local);
            LoopDevices.run("mcopy", "-i", dev.toString(), "::/" + name, local.toString());
            sums.put(name, sha256(Files.readAllBytes(local)));
        }
        return sums;
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void run(String[] command, String... more) throws IOException {
        String[] all = Arrays.copyOf(command, command.length + more.length);
        System.arraycopy(more, 0, all, command.length, more.length);
        LoopDevices.run(all);
    }
}
