package org.kclone.ui;

import java.util.List;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.device.Sizes;

/**
 * The source: a path (device, partition or image file), a start and a length as typed. Each
 * field carries its own error (empty when valid), worked out by the same parser and guards as the
 * CLI. Needs no toolkit.
 */
public final class SourceViewModel {

    private final StringProperty path = new SimpleStringProperty("");
    private final StringProperty start = new SimpleStringProperty("0");
    private final StringProperty length = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper pathError = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper startError = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper lengthError = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private final Supplier<List<DeviceInfo>> devices;
    private Endpoint resolved;
    /** The path the source is read from ({@link TypedPath}: "~/" is home, "sdb" a listed disk), or null. */
    private String effective;
    /** Where "~/" points. */
    private final java.nio.file.Path home;
    /** Where a finished measuring pass is told (the FX thread in the window). */
    private java.util.concurrent.Executor fx = Runnable::run;
    /** The compressed file whose uncompressed length is being measured, or null. */
    private String measuring;
    private volatile String measuredSoFar = "";

    public SourceViewModel(Supplier<List<DeviceInfo>> devices) {
        this(devices, java.nio.file.Path.of(System.getProperty("user.home")));
    }

    /** {@code home}: where "~/" in the path points (tests hand in a folder of theirs). */
    SourceViewModel(Supplier<List<DeviceInfo>> devices, java.nio.file.Path home) {
        this.devices = devices;
        this.home = home;
        path.addListener((o, a, b) -> validate());
        start.addListener((o, a, b) -> validate());
        length.addListener((o, a, b) -> validate());
        validate();
    }

    public StringProperty path() {
        return path;
    }

    public StringProperty start() {
        return start;
    }

    public StringProperty length() {
        return length;
    }

    public ReadOnlyStringProperty pathError() {
        return pathError.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty startError() {
        return startError.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty lengthError() {
        return lengthError.getReadOnlyProperty();
    }

    /** What the source is, for a person: size and region. */
    public ReadOnlyStringProperty summary() {
        return summary.getReadOnlyProperty();
    }

    public BooleanBinding valid() {
        return Bindings.createBooleanBinding(() -> pathError.get().isEmpty() && startError.get().isEmpty()
                && lengthError.get().isEmpty(), pathError, startError, lengthError);
    }

    /** Where the result of a measuring pass (run on its own thread) is applied: the FX thread. */
    public void runResultsOn(java.util.concurrent.Executor fx) {
        this.fx = fx;
    }

    /** Whether a compressed source's length is being measured (a gzip or bzip2 image). */
    public boolean measuring() {
        return measuring != null;
    }

    /** Picks a whole device, partition or file. */
    public void choose(String p) {
        start.set("0");
        length.set("");
        path.set(p);
    }

    /** The region spec as typed, or null while invalid. */
    public RegionSpec spec() {
        return resolved == null ? null : new RegionSpec("SOURCE", effective, effective, resolved.start(), resolved.count());
    }

    /**
     * The path the source is read from: as typed when it is a full path, else what the typed name
     * stands for ("~/x.img" in the home folder, "sdb" the listed /dev/sdb); null while the path is
     * empty or refused (a relative path: the window has no working folder a person can see).
     */
    public String effectivePath() {
        return effective;
    }

    /** The source as resolved, or null while invalid. */
    public Endpoint resolvedSource() {
        return resolved;
    }

    /** The source region's length in bytes, or 0 while invalid. */
    public long bytes() {
        return resolved == null ? 0 : resolved.count() * Sizes.SECTOR;
    }

    /** Re-checks every field (also after the device list changed). */
    public void validate() {
        pathError.set("");
        startError.set("");
        lengthError.set("");
        resolved = null;
        effective = null;
        summary.set("");
        if (path.get() == null || path.get().isBlank()) {
            pathError.set("pick a device, a partition or an image file");
            return;
        }
        TypedPath.Result named = TypedPath.of(path.get().strip(), devices.get(), home, "Image file…");
        if (named.path() == null) {
            pathError.set(named.refusal());
            return;
        }
        effective = named.path();
        Long s = parse(start.get(), startError, "Start");
        Long l = length.get() == null || length.get().isBlank() ? null : parse(length.get(), lengthError, "Length");
        if (!startError.get().isEmpty() || !lengthError.get().isEmpty()) {
            return;
        }
        try {
            resolved = new CopyPlanner(devices.get(), CopyPlanner.Options.NONE)
                    .resolveCopySource(new RegionSpec("SOURCE", effective, effective, s, l));
            summary.set(Sizes.human(resolved.count() * Sizes.SECTOR) + " from sector " + resolved.start());
        } catch (RefusedException e) {
            if (org.kclone.device.image.compress.CompressedImages.needsMeasuring(e.reason())
                    && (l == null || l == 0)) {
                measure(effective);
                return;
            }
            String r = Reasons.forTheWindow(e.reason());
            if (r.startsWith("Start")) {
                startError.set(r);
            } else if (r.contains("region") || r.toLowerCase(java.util.Locale.ROOT).contains("length")) {
                lengthError.set(r);
            } else {
                pathError.set(r);
            }
        }
    }

    /**
     * A gzip or bzip2 image does not record its uncompressed length: one decompression pass
     * measures it, on its own thread, its progress in the path's line (at most five updates a
     * second); then the source is checked again. The Length field skips it.
     */
    private void measure(String file) {
        pathError.set("measuring its uncompressed length (one decompression pass; a Length skips it)...");
        if (file.equals(measuring)) {
            return; // already under way
        }
        measuring = file;
        Thread t = new Thread(() -> {
            long[] last = {0};
            String failure = null;
            try {
                org.kclone.device.image.compress.CompressedImages.measureNow(java.nio.file.Path.of(file),
                        (f, format, bytes) -> {
                            long now = System.nanoTime();
                            if (now - last[0] > 200_000_000L) {
                                last[0] = now;
                                measuredSoFar = Sizes.human(bytes);
                                fx.execute(this::showMeasuring);
                            }
                        });
            } catch (java.io.IOException | RuntimeException e) {
                failure = "cannot measure " + file + ": " + e.getMessage();
            }
            String why = failure;
            fx.execute(() -> {
                if (!file.equals(measuring)) {
                    return; // another path was chosen meanwhile
                }
                measuring = null;
                validate();
                if (why != null && file.equals(effective)) {
                    pathError.set(why);
                }
            });
        }, "kclone-measure");
        t.setDaemon(true);
        t.start();
    }

    private void showMeasuring() {
        if (measuring != null && measuring.equals(effective)) {
            pathError.set("measuring its uncompressed length (one decompression pass; a Length skips it): "
                    + measuredSoFar + " so far");
        }
    }

    private static Long parse(String text, ReadOnlyStringWrapper error, String name) {
        try {
            return Sizes.toSectors(text == null ? "" : text);
        } catch (IllegalArgumentException e) {
            error.set(name + ": " + e.getMessage());
            return null;
        }
    }
}
