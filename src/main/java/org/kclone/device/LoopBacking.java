package org.kclone.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What lies under a loop device: its backing file and where on that file the device starts, read
 * from sysfs ({@code /sys/block/loopN/loop/backing_file}, {@code offset}, {@code sizelimit}).
 * The sysfs folder is given, so a test can describe loop devices without root.
 */
public class LoopBacking {

    /** A file's identity: the device it lives on and its inode, as {@code stat} gives them. */
    public record FileId(long device, long inode) {
    }

    /**
     * Where a loop device's sectors lie.
     *
     * @param file the backing file as the kernel names it (" (deleted)" stripped)
     * @param id the file's identity (from the kernel where it can be asked, so also for a deleted file
     *     or one attached in another mount namespace), or null where it cannot be found
     * @param offset byte on the file where the loop device's byte 0 lies
     * @param sizeLimit bytes of the file the device covers from {@code offset}, 0 for "to the end"
     */
    public record Backing(Path file, FileId id, long offset, long sizeLimit) {
    }

    private final Path sysBlock;
    private final Function<String, Optional<FileId>> kernel;

    /** Reads {@code sysBlock/NAME/loop/...}; the machine's own is {@link #system()}. */
    public LoopBacking(Path sysBlock) {
        this(sysBlock, name -> Optional.empty());
    }

    /**
     * @param kernel the backing file's identity as the kernel holds it (device and inode of the
     *     open file, not of whatever the printed path names now), by loop device name; empty where
     *     it cannot be asked, and then the path sysfs prints is examined instead
     */
    public LoopBacking(Path sysBlock, Function<String, Optional<FileId>> kernel) {
        this.sysBlock = sysBlock;
        this.kernel = kernel;
    }

    /**
     * The machine's loop devices, from {@code /sys/block}, identities from one {@code losetup} call
     * made at the first loop device looked up. Each instance asks anew: one per planning pass, so a
     * plan made again after a confirmation sees loop devices attached or re-attached meanwhile.
     */
    public static LoopBacking system() {
        return new LoopBacking(Path.of("/sys/block"), listedOnce(LoopKernelIds::all));
    }

    /**
     * Identities by loop device name from {@code listing}, asked once, at the first name looked up,
     * and remembered for every name after.
     */
    static Function<String, Optional<FileId>> listedOnce(Supplier<Map<String, FileId>> listing) {
        return new Function<>() {
            private Map<String, FileId> ids;

            @Override
            public synchronized Optional<FileId> apply(String name) {
                if (ids == null) {
                    ids = listing.get();
                }
                return Optional.ofNullable(ids.get(name));
            }
        };
    }

    /**
     * The backing of the whole device {@code name} (a kernel name, {@code loop3}), or empty when it
     * is not a loop device or has no backing file attached.
     */
    public Optional<Backing> of(String name) throws IOException {
        if (name == null || name.isEmpty() || name.contains("/")) {
            return Optional.empty();
        }
        Path dir = sysBlock.resolve(name).resolve("loop");
        String file;
        try {
            file = Files.readString(dir.resolve("backing_file"), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (file.isEmpty()) {
            return Optional.empty();
        }
        boolean deleted = file.endsWith(" (deleted)");
        if (deleted) {
            file = file.substring(0, file.length() - " (deleted)".length());
        }
        Path path = Path.of(file);
        FileId id = kernel.apply(name).orElse(null);
        if (id == null && !deleted) {
            try {
                id = idOf(path);
            } catch (IOException e) {
                // not visible from here (another mount namespace): the caller keys it by name
            }
        }
        return Optional.of(new Backing(path, id, number(dir, "offset"), number(dir, "sizelimit")));
    }

    /** The kernel names of the loop devices sysfs lists ({@code loop0}, {@code loop1}, ...), sorted. */
    public java.util.List<String> loopNames() {
        try (java.util.stream.Stream<Path> s = Files.list(sysBlock)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("loop[0-9]+")).sorted().toList();
        } catch (IOException e) {
            return java.util.List.of();
        }
    }

    /** The identity of the file at {@code path} (links followed). */
    public static FileId idOf(Path path) throws IOException {
        return new FileId(((Number) Files.getAttribute(path, "unix:dev")).longValue(),
                ((Number) Files.getAttribute(path, "unix:ino")).longValue());
    }

    private static long number(Path dir, String attribute) throws IOException {
        Path p = dir.resolve(attribute);
        if (!Files.exists(p)) {
            return 0;
        }
        String s = Files.readString(p, StandardCharsets.UTF_8).strip();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException(p + " holds '" + s + "', not a number", e);
        }
    }

    /**
     * By field, the backing of each endpoint that is a loop device or a partition of one (sysfs
     * errors leave that endpoint out).
     */
    public java.util.Map<String, Backing> underneath(Endpoint source, java.util.List<Endpoint> dests) {
        java.util.Map<String, Backing> out = new java.util.HashMap<>();
        java.util.List<Endpoint> all = new java.util.ArrayList<>(dests);
        if (source != null) {
            all.add(source);
        }
        for (Endpoint e : all) {
            DeviceInfo d = e.device();
            if (e.kind() != Endpoint.Kind.BLOCK || d == null) {
                continue;
            }
            try {
                of(d.isPartition() && d.parent() != null ? d.parent() : d.name()).ifPresent(b -> out.put(e.field(), b));
            } catch (IOException ex) {
                // unreadable: compared as "no loop device" both times
            }
        }
        return out;
    }

    /** True when both are the same file (by identity where known, else by name) at the same offset and limit. */
    public static boolean sameStorage(Backing a, Backing b) {
        if (a == null || b == null) {
            return a == b;
        }
        boolean sameFile = a.id() != null && b.id() != null ? a.id().equals(b.id()) : a.file().equals(b.file());
        return sameFile && a.offset() == b.offset() && a.sizeLimit() == b.sizeLimit();
    }

    /** "on /tmp/a.img from byte 1048576", "with no backing file", for messages. */
    public static String describe(Backing b) {
        if (b == null) {
            return "with no backing file";
        }
        return "on " + b.file() + (b.offset() != 0 ? " from byte " + b.offset() : "")
                + (b.id() != null ? " (inode " + b.id().inode() + ")" : "");
    }
}
