package org.kclone.device.resume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;

/**
 * A folder of automatic maps, one per job, named from the job itself (its source and destinations),
 * so the same job finds its map again: the window's ({@link #user}: {@code $XDG_DATA_HOME/kclone/maps})
 * and the privileged helper's (its own root-owned folder, one per requesting user). Nobody hands
 * it a file name: {@link #fileFor} makes it.
 *
 * <p>A finished job's map is deleted ({@link #pruneFinished}); an interrupted or cancelled one is
 * kept until it is resumed to the end, started over or discarded.
 */
public final class MapStore {

    /** Map files end so; anything else in the folder is not looked at. */
    static final String SUFFIX = ".map";
    /** A note of a job the privileged helper runs (its map is the helper's own, which this user cannot read). */
    static final String NOTE = ".helper";
    private static final String NOTE_MAGIC = "kclone-helper-job 1";

    private final Path dir;

    public MapStore(Path dir) {
        this.dir = dir;
    }

    /** {@code $XDG_DATA_HOME/kclone/maps}, by default {@code ~/.local/share/kclone/maps}. */
    public static MapStore user(Map<String, String> env) {
        String data = env.get("XDG_DATA_HOME");
        Path base = data != null && !data.isBlank() && Path.of(data).isAbsolute() ? Path.of(data)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return new MapStore(base.resolve("kclone").resolve("maps"));
    }

    public Path dir() {
        return dir;
    }

    /**
     * The job's map file: a SHA-256 of what the source and the destinations are (a device by its
     * identity, which survives a re-plug under another name; a file by its absolute path) and of
     * their regions. The destinations in any order.
     */
    public Path fileFor(CopyPlanner.Plan plan) throws IOException {
        List<String> dests = new ArrayList<>();
        for (Endpoint e : plan.destinations()) {
            dests.add(key(e));
        }
        dests.sort(null);
        StringBuilder b = new StringBuilder("source ").append(key(plan.source())).append('\n');
        dests.forEach(d -> b.append("dest ").append(d).append('\n'));
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
            return dir.resolve("job-" + HexFormat.of().formatHex(h, 0, 12) + SUFFIX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(Endpoint e) throws IOException {
        String which = e.kind() == Endpoint.Kind.BLOCK ? Identity.of(e, false)
                : "file:" + e.path().toAbsolutePath().normalize();
        return which + "@" + e.start() + "+" + e.count();
    }

    /**
     * An interrupted job's map: what it copies where, and how much every destination has durably;
     * or ({@code viaHelper}) a note of a job the helper ran, whose map only the helper reads
     * ({@code done} unknown: 0).
     */
    public record Unfinished(Path file, String source, List<String> destinations, long done, long total,
            boolean viaHelper) {
        /** Whole percent done, rounded down (never 100 for an unfinished job). */
        public int percent() {
            return total <= 0 ? 0 : (int) Math.min(99, done * 100 / total);
        }
    }

    /** The plan's unfinished map, when there is one that can be read (no device is read here). */
    public Optional<Unfinished> find(CopyPlanner.Plan plan) throws IOException {
        Optional<Unfinished> map = read(fileFor(plan));
        return map.isPresent() ? map : readNote(noteFor(plan));
    }

    /** The plan's map file and its helper note ({@link #noteHelperJob}), whether they exist or not. */
    public List<Path> filesFor(CopyPlanner.Plan plan) throws IOException {
        return List.of(fileFor(plan), noteFor(plan));
    }

    private Path noteFor(CopyPlanner.Plan plan) throws IOException {
        String name = fileFor(plan).getFileName().toString();
        return dir.resolve(name.substring(0, name.length() - SUFFIX.length()) + NOTE);
    }

    /**
     * Notes that the helper runs this job (the window then offers Resume for it should it not end
     * well: the helper kept its map). Written before the job starts, removed by {@link #forgetHelperJob}.
     */
    public void noteHelperJob(CopyPlanner.Plan plan) throws IOException {
        makeFolder();
        StringBuilder b = new StringBuilder(NOTE_MAGIC).append('\n');
        b.append("bytes ").append(plan.source().byteLength()).append('\n');
        b.append("source ").append(plan.source().path().toAbsolutePath()).append('\n');
        for (Endpoint e : plan.destinations()) {
            b.append("dest ").append(e.path().toAbsolutePath()).append('\n');
        }
        Path note = noteFor(plan);
        Path tmp = dir.resolve("." + note.getFileName() + ".tmp");
        Files.writeString(tmp, b);
        Files.move(tmp, note, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The helper's job ended well (or was started over): nothing to offer. */
    public void forgetHelperJob(CopyPlanner.Plan plan) throws IOException {
        Files.deleteIfExists(noteFor(plan));
    }

    private Optional<Unfinished> readNote(Path f) {
        try {
            if (!Files.isRegularFile(f) || Files.size(f) > 64 * 1024) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            if (lines.size() < 4 || !lines.get(0).equals(NOTE_MAGIC) || !lines.get(1).startsWith("bytes ")
                    || !lines.get(2).startsWith("source ")) {
                return Optional.empty();
            }
            List<String> dests = lines.subList(3, lines.size()).stream().filter(l -> l.startsWith("dest "))
                    .map(l -> l.substring(5)).toList();
            return Optional.of(new Unfinished(f, lines.get(2).substring(7), dests, 0,
                    Long.parseLong(lines.get(1).substring(6)), true));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Every unfinished map in the folder, the latest first (the start-up lines list a few); unreadable files are left alone. */
    public List<Unfinished> unfinished() {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*{" + SUFFIX + "," + NOTE + "}")) {
            s.forEach(files::add);
        } catch (IOException e) {
            return List.of();
        }
        files.sort((a, b) -> Long.compare(modified(b), modified(a))); // the latest first: the one just interrupted
        List<Unfinished> out = new ArrayList<>();
        for (Path f : files) {
            (f.getFileName().toString().endsWith(NOTE) ? readNote(f) : read(f)).ifPresent(out::add);
        }
        return out;
    }

    private static long modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private Optional<Unfinished> read(Path f) {
        try {
            if (!Files.isRegularFile(f) || Files.size(f) > JobMap.MAX_MAP_BYTES) {
                return Optional.empty();
            }
            MapFile m = MapFile.read(f);
            if (m.complete()) {
                return Optional.empty();
            }
            return Optional.of(new Unfinished(f, m.source.path(), m.dests.stream().map(MapFile.Entry::path).toList(),
                    m.resumePoint(), m.source.bytes(), false));
        } catch (IOException | MapFile.BadMapException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Makes the folder (0700: maps name the user's disks) when it is missing. */
    private void makeFolder() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
    }

    /** Deletes the maps of finished jobs (a finished job has nothing to resume). */
    public void pruneFinished() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : s) {
                forgetIfFinished(f);
            }
        } catch (IOException ignored) {
            // nothing to prune
        }
    }

    /** Deletes {@code file} when it says its job finished (every destination has everything, flushed). */
    public void forgetIfFinished(Path file) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) <= JobMap.MAX_MAP_BYTES && MapFile.read(file).complete()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | MapFile.BadMapException | RuntimeException ignored) {
            // kept: only a finished map goes
        }
    }

    /** Deletes a map of this folder (Discard, Start over). */
    public void discard(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (!dir.equals(file.getParent()) || !(name.endsWith(SUFFIX) || name.endsWith(NOTE))) {
            throw new IllegalArgumentException(file + " is not a map of " + dir);
        }
        Files.deleteIfExists(file);
    }

    /**
     * Whether the plan's job can keep a map at all: a copy, not from or to a compressed image (one
     * stream from its start, {@link JobMap#prepare} refuses those). Such a job runs without one.
     */
    public static boolean canKeep(CopyPlanner.Plan plan) {
        try {
            if (plan.source() == null
                    || org.kclone.device.image.compress.CompressedImages.isCompressedSource(plan.source())) {
                return false;
            }
        } catch (RefusedException e) {
            return false;
        }
        return plan.destinations().stream().noneMatch(e -> e.isFile()
                && org.kclone.device.image.compress.Format.forNewFile(e.path()).isPresent());
    }

    /**
     * The job's map, read and checked ({@link JobMap#prepare}) when {@code resume}, else a new one
     * (an earlier map of the same job is deleted: the copy starts over). The folder is made (0700)
     * when missing.
     *
     * @throws RefusedException naming the map: the devices are not the map's, the source changed
     *     where it was copied, the folder cannot be made
     */
    public JobMap prepare(CopyPlanner.Plan plan, boolean resume) throws RefusedException {
        return prepare(plan, resume, null);
    }

    /**
     * As {@link #prepare(CopyPlanner.Plan, boolean)} for a job copying every sector ({@code usedOnly}
     * false) or only the used blocks (true; null: either), resuming only from a map of the same kind.
     */
    public JobMap prepare(CopyPlanner.Plan plan, boolean resume, Boolean usedOnly) throws RefusedException {
        return prepare(plan, resume, usedOnly, org.kclone.device.DeviceOpener.BY_PATH);
    }

    /** As above, the devices read for the checks through {@code opener} (the run's own). */
    public JobMap prepare(CopyPlanner.Plan plan, boolean resume, Boolean usedOnly,
            org.kclone.device.DeviceOpener opener) throws RefusedException {
        Path file;
        try {
            makeFolder();
            file = fileFor(plan);
            if (!resume) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new RefusedException("map", "cannot keep the job's map in " + dir + ": " + e.getMessage()
                    + "; nothing was written");
        }
        return JobMap.prepare(file, JobMap.DEFAULT_EVERY, plan, usedOnly, opener);
    }
}
