package org.kclone.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * External tools the tests run (sfdisk, mkfs.ext4, nbdkit ...). A test that needs one calls
 * {@link #assumeInstalled(String)} first, which skips it with the tool and the Debian package
 * that brings it where the tool is missing, so {@code mvn -B verify} passes on any machine.
 *
 * <p>A tool is looked for in PATH and in /usr/sbin, /sbin, /usr/bin, /bin (Debian keeps the
 * admin tools in sbin, which a plain user's PATH lacks). {@code -Dkclone.test.hideTools=sfdisk,nbdkit}
 * makes the named tools look missing, to prove that the tests using them skip instead of failing;
 * {@code /dev/fuse} can be hidden the same way.
 */
public final class Tools {

    /** System property: comma-separated tools (or {@code /dev/fuse}) to treat as missing. */
    public static final String HIDE = "kclone.test.hideTools";

    /** Tool to the Debian package that installs it. */
    private static final Map<String, String> PACKAGES = Map.ofEntries(
            Map.entry("sfdisk", "fdisk"),
            Map.entry("sgdisk", "gdisk"),
            Map.entry("mkfs.ext4", "e2fsprogs"),
            Map.entry("e2fsck", "e2fsprogs"),
            Map.entry("mke2fs", "e2fsprogs"),
            Map.entry("dumpe2fs", "e2fsprogs"),
            Map.entry("debugfs", "e2fsprogs"),
            Map.entry("resize2fs", "e2fsprogs"),
            Map.entry("mkswap", "util-linux"),
            Map.entry("blkid", "util-linux"),
            Map.entry("partx", "util-linux"),
            Map.entry("lsblk", "util-linux"),
            Map.entry("prlimit", "util-linux"),
            Map.entry("setsid", "util-linux"),
            Map.entry("findmnt", "util-linux"),
            Map.entry("id", "coreutils"),
            Map.entry("mknod", "coreutils"),
            Map.entry("losetup", "mount"),
            Map.entry("mount", "mount"),
            Map.entry("umount", "mount"),
            Map.entry("nbdkit", "nbdkit"),
            Map.entry("nbdfuse", "libnbd-bin"),
            Map.entry("fusermount3", "fuse3"),
            Map.entry("xz", "xz-utils"),
            Map.entry("zstd", "zstd"),
            Map.entry("gzip", "gzip"),
            Map.entry("bzip2", "bzip2"),
            Map.entry("zip", "zip"),
            Map.entry("unzip", "unzip"),
            Map.entry("sha256sum", "coreutils"),
            Map.entry("mkfs.vfat", "dosfstools"),
            Map.entry("fsck.vfat", "dosfstools"),
            Map.entry("mcopy", "mtools"),
            Map.entry("mmd", "mtools"),
            Map.entry("mdel", "mtools"),
            Map.entry("mkfs.exfat", "exfatprogs"),
            Map.entry("fsck.exfat", "exfatprogs"),
            Map.entry("dump.exfat", "exfatprogs"),
            Map.entry("mount.exfat-fuse", "exfat-fuse"),
            Map.entry("mkntfs", "ntfs-3g"),
            Map.entry("ntfsinfo", "ntfs-3g"),
            Map.entry("ntfsfix", "ntfs-3g"),
            Map.entry("ntfscat", "ntfs-3g"),
            Map.entry("ntfs-3g", "ntfs-3g"),
            Map.entry("partclone.fat", "partclone"),
            Map.entry("partclone.exfat", "partclone"),
            Map.entry("partclone.ntfs", "partclone"),
            Map.entry("partclone.ext4", "partclone"));

    private Tools() {
    }

    /** The tools hidden by {@value #HIDE}. */
    static Set<String> hidden() {
        Set<String> out = new LinkedHashSet<>();
        for (String s : System.getProperty(HIDE, "").split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    /** Where {@code tool} is, or empty where it is missing (or hidden). */
    public static Optional<Path> find(String tool) {
        if (hidden().contains(tool)) {
            return Optional.empty();
        }
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, tool);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public static boolean installed(String tool) {
        return find(tool).isPresent();
    }

    /** Skips the calling test unless every tool is installed, naming the first missing one and its package. */
    public static void assumeInstalled(String... tools) {
        for (String t : tools) {
            String pkg = PACKAGES.get(t);
            if (pkg == null) {
                throw new IllegalArgumentException("Tools: no Debian package known for " + t + "; add it to PACKAGES");
            }
            assumeTrue(installed(t), t + " is not installed (Debian package " + pkg + ")");
        }
    }

    /** Skips the calling test where this machine cannot mount FUSE file systems (no {@code /dev/fuse}). */
    public static void assumeFuse() {
        assumeTrue(!hidden().contains("/dev/fuse") && Files.exists(Path.of("/dev/fuse")),
                "no /dev/fuse: this machine cannot mount FUSE file systems (kernel module fuse)");
        assumeInstalled("fusermount3");
    }
}
