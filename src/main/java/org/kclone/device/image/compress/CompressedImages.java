package org.kclone.device.image.compress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.Sizes;
import org.kclone.engine.BlockDevice;

/**
 * The hooks through which the planner and the opened plan handle compressed images and
 * checksummed images: a compressed source is sized by its uncompressed length and opened as a
 * stream; a new image named {@code .zst}, {@code .xz} or {@code .gz} is written compressed; a raw
 * image source with a sidecar is hashed as it is read.
 */
public final class CompressedImages {

    /** Lengths measured by a decompression pass, by file identity (the plan is made again before writing). */
    private static final Map<String, Long> MEASURED = new ConcurrentHashMap<>();

    /** Told of a measuring pass: the file, its format, the uncompressed bytes so far. */
    public interface MeasureListener {
        void measured(Path file, Format format, long bytesSoFar);
    }

    private static volatile MeasureListener measuring = (file, format, bytes) -> System.err.println(
            "kclone: measuring the uncompressed length of " + file + " (" + format.label()
                    + " does not record it; SOURCE+LENGTH skips this): " + Sizes.human(bytes) + " so far");

    /** Whether a measuring pass may run where a length is needed (not on the window's thread: it would freeze). */
    private static volatile boolean measureAllowed = true;

    private CompressedImages() {
    }

    /**
     * The window plans on its toolkit thread: there a gzip or bzip2 source needs its Length given
     * (or a length already measured), instead of a decompression pass that would freeze the window.
     */
    public static void allowMeasuring(boolean allowed) {
        measureAllowed = allowed;
    }

    /** Where measuring passes are shown (the CLI prints them; tests listen). */
    public static void onMeasuring(MeasureListener listener) {
        measuring = listener;
    }

    /**
     * A source endpoint as the planner made it from the file, with {@code sizeBytes} the
     * uncompressed length when the file is compressed; unchanged otherwise.
     *
     * @param start the START given (sectors), or null
     * @param length the LENGTH given (sectors), or null: with one, no measuring pass is made
     */
    public static Endpoint sized(Endpoint e, Long start, Long length) throws RefusedException {
        if (e.kind() != Endpoint.Kind.IMAGE) {
            return e;
        }
        Optional<Format> format;
        try {
            format = Format.detect(e.path());
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot read " + e.path() + ": " + Lengths.message(ex));
        }
        if (format.isEmpty()) {
            return e;
        }
        Format f = format.get();
        long bytes;
        try {
            try {
                bytes = Lengths.recorded(e.path(), f);
            } catch (IOException ex) {
                if (length == null || f == Format.ZIP) {
                    throw ex;
                }
                bytes = -1; // LENGTH given: the stream is read up to it, and says where it breaks if it does
            }
            if (bytes < 0 && length != null) {
                bytes = Math.multiplyExact((start != null ? start : 0) + length, (long) Sizes.SECTOR);
            } else if (bytes < 0) {
                bytes = measured(e.path(), f);
            }
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot read " + e.path() + " as a " + f.label() + " image: "
                    + Lengths.message(ex));
        }
        return new Endpoint(e.field(), e.path(), e.kind(), e.device(), e.start(), e.count(), bytes,
                e.logicalSectorSize(), e.byteLength());
    }

    /**
     * Measures now (the window does, off its toolkit thread) the uncompressed length of a
     * compressed {@code file} whose format does not record it, and remembers it for the plan.
     *
     * @return the length in bytes
     */
    public static long measureNow(Path file, MeasureListener listener) throws IOException {
        Format f = Format.detect(file).orElseThrow(() -> new IOException(file + " is not a compressed image"));
        return measureAndRemember(file, f, listener);
    }

    private static String key(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return file.toRealPath() + "|" + a.fileKey() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
    }

    /** Whether a refusal is about a length to be measured (a gzip or bzip2 source, where measuring may not run). */
    public static boolean needsMeasuring(String reason) {
        return reason.contains(NOT_RECORDED);
    }

    private static final String NOT_RECORDED = "does not record the uncompressed length; give the Length";

    private static long measured(Path file, Format f) throws IOException {
        String key = key(file);
        Long known = MEASURED.get(key);
        if (known != null) {
            return known;
        }
        if (!measureAllowed) {
            throw new IOException(f.label() + " " + NOT_RECORDED + " (the"
                    + " command line measures it with one decompression pass: kclone copy " + file + " ...)");
        }
        return measureAndRemember(file, f, measuring);
    }

    private static long measureAndRemember(Path file, Format f, MeasureListener l) throws IOException {
        long n = Lengths.measure(file, f, bytes -> l.measured(file, f, bytes));
        MEASURED.put(key(file), n);
        return n;
    }

    /**
     * Refuses a new compressed image with a START: it is written as one stream from its start.
     */
    public static void checkDestination(Endpoint e) throws RefusedException {
        if (e.kind() == Endpoint.Kind.NEW_IMAGE && Format.forNewFile(e.path()).isPresent() && e.start() != 0) {
            throw new RefusedException(e.field(), "a new compressed image (" + e.path().getFileName() + ") is written"
                    + " as one stream from its start: START is not allowed");
        }
    }

    /** The format a new image of this endpoint is written in, if compressed. */
    public static Optional<Format> newImageFormat(Endpoint e) {
        return e.kind() == Endpoint.Kind.NEW_IMAGE ? Format.forNewFile(e.path()) : Optional.empty();
    }


    /** Whether {@code e} is an image file whose first bytes are a compressed format's. */
    public static boolean isCompressedSource(Endpoint e) throws RefusedException {
        if (e.kind() != Endpoint.Kind.IMAGE) {
            return false;
        }
        try {
            return Format.detect(e.path()).isPresent();
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot read " + e.path() + ": " + Lengths.message(ex));
        }
    }

    /**
     * A compressed source as a stream device (null for any other source), the file opened at
     * {@code at} (its own path, or the helper's pinned descriptor; messages name the endpoint's path).
     */
    public static StreamSourceDevice openStreamSource(Endpoint e, Path at) throws RefusedException {
        if (e.kind() != Endpoint.Kind.IMAGE) {
            return null;
        }
        try {
            Optional<Format> f = Format.detect(at);
            if (f.isEmpty()) {
                return null;
            }
            return new StreamSourceDevice(e.path(), at, f.get(), e.sizeBytes(), e.startByte(), false,
                    ImageChecksum.find(e.path()));
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot read " + e.path() + ": " + Lengths.message(ex));
        }
    }

    /** A raw image source with a checksum beside it, hashed as it is read; else {@code raw} itself. */
    public static BlockDevice checked(Endpoint e, BlockDevice raw) throws RefusedException {
        if (e.kind() != Endpoint.Kind.IMAGE) {
            return raw;
        }
        try {
            ImageChecksum.Expected expected = ImageChecksum.find(e.path());
            return expected == null ? raw : new HashingSourceDevice(raw, e.startByte(), e.endByte(), expected);
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot read the checksum of " + e.path() + ": "
                    + Lengths.message(ex));
        }
    }

    /**
     * Opens an existing device or image file for comparing (kclone verify): a compressed image as a
     * stream of its uncompressed bytes from the region's start, read past the page cache; anything
     * else as it is.
     *
     * @throws RefusedException naming the argument when a compressed image's length cannot be found
     */
    public static BlockDevice openForReading(Endpoint e) throws RefusedException, IOException {
        Optional<Format> f = Format.detect(e.path());
        if (f.isEmpty()) {
            return org.kclone.engine.FileBlockDevice.open(e.path(), false, e.logicalSectorSize());
        }
        try {
            long length = Lengths.recorded(e.path(), f.get());
            if (length < 0) {
                length = measured(e.path(), f.get());
            }
            return new StreamSourceDevice(e.path(), f.get(), length, e.startByte(), true, null);
        } catch (IOException ex) {
            throw new RefusedException(e.field(), "cannot read " + e.path()
                    + f.map(x -> " as a " + x.label() + " image").orElse("") + ": " + Lengths.message(ex));
        }
    }

    /**
     * As {@link #openForReading} for the source of {@code kclone verify}, which the planner sized
     * ({@link #sized}: its {@code sizeBytes} is the uncompressed length, from the format, the one
     * measuring pass, or the LENGTH given): a gzip or bzip2 source with a LENGTH is not measured
     * again here (a measuring pass would refuse a damaged one before anything is compared).
     */
    public static BlockDevice openSourceForReading(Endpoint e) throws RefusedException, IOException {
        Optional<Format> f = Format.detect(e.path());
        if (f.isEmpty() || e.kind() != Endpoint.Kind.IMAGE) {
            return openForReading(e);
        }
        return new StreamSourceDevice(e.path(), f.get(), e.sizeBytes(), e.startByte(), true, null);
    }

    /** Opens a new (just created, empty) image file for writing compressed, at {@code at} (its path, or the helper's pinned descriptor). */
    public static CompressedImageDevice openDestination(Endpoint e, Format f, Path at) throws RefusedException {
        try {
            return CompressedImageDevice.create(e.path(), at, f, e.byteLength());
        } catch (IOException | RuntimeException ex) {
            throw new RefusedException(e.field(), "cannot start a " + f.label() + " image in " + e.path() + ": "
                    + ex.getMessage());
        }
    }
}
