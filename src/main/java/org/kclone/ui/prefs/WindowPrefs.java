package org.kclone.ui.prefs;

import java.io.File;
import java.util.Optional;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.StringProperty;

/**
 * What the window remembers between runs ({@code java.util.prefs}): its size, the options (verify,
 * fake-capacity probe, bandwidth limit) and the folder of the last image file chosen. "Ignore read
 * errors" is not remembered on purpose: a copy that writes zeros for unreadable sectors must be
 * asked for each time. The node is handed in, so tests use their own and never the user's.
 * Needs no toolkit; a store that cannot be written (a read-only home) only loses the memory.
 */
public final class WindowPrefs {

    static final String WIDTH = "window.width";
    static final String HEIGHT = "window.height";
    static final String VERIFY = "option.verify";
    static final String PROBE = "option.probe";
    static final String LIMIT = "option.limit";
    static final String IMAGE_FOLDER = "image.folder";

    /** A window size. */
    public record Size(double width, double height) {
    }

    private final Preferences node;

    public WindowPrefs(Preferences node) {
        this.node = node;
    }

    /** The user's own preferences (the app only; tests hand in a node of their own). */
    public static WindowPrefs user() {
        return new WindowPrefs(Preferences.userRoot().node("org/kclone/window"));
    }

    /**
     * The remembered size, or {@code fallback}; never below {@code min} and never above {@code max}
     * (a size remembered on a larger screen still fits this one).
     */
    public Size size(Size fallback, Size min, Size max) {
        double w = node.getDouble(WIDTH, fallback.width());
        double h = node.getDouble(HEIGHT, fallback.height());
        if (!(w > 0) || !(h > 0)) { // NaN or nonsense in the store
            w = fallback.width();
            h = fallback.height();
        }
        return new Size(clamp(w, min.width(), max.width()), clamp(h, min.height(), max.height()));
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(v, Math.max(min, max)));
    }

    public void rememberSize(double width, double height) {
        if (width > 0 && height > 0) {
            node.putDouble(WIDTH, width);
            node.putDouble(HEIGHT, height);
            flush();
        }
    }

    /**
     * Sets the options from what was remembered, then remembers every change: {@code verify} and
     * {@code probe} as they are, {@code limit} only when it is empty or a rate the window accepts
     * ({@code accepted}), so a half-typed limit is not what the next run opens with.
     */
    public void bindOptions(BooleanProperty verify, BooleanProperty probe, StringProperty limit,
            java.util.function.Predicate<String> accepted) {
        verify.set(node.getBoolean(VERIFY, verify.get()));
        probe.set(node.getBoolean(PROBE, probe.get()));
        String l = node.get(LIMIT, limit.get());
        if (l != null && accepted.test(l)) {
            limit.set(l);
        }
        verify.addListener((o, a, b) -> {
            node.putBoolean(VERIFY, b);
            flush();
        });
        probe.addListener((o, a, b) -> {
            node.putBoolean(PROBE, b);
            flush();
        });
        limit.addListener((o, a, b) -> {
            String t = b == null ? "" : b.trim();
            if (accepted.test(t)) {
                node.put(LIMIT, t);
                flush();
            }
        });
    }

    /** The folder of the last image file chosen, when it still exists. */
    public Optional<File> imageFolder() {
        String f = node.get(IMAGE_FOLDER, null);
        return f == null ? Optional.empty() : Optional.of(new File(f)).filter(File::isDirectory);
    }

    /** Remembers the folder of {@code chosen} (an image file picked in a file chooser). */
    public void rememberImageFolder(File chosen) {
        File dir = chosen.getAbsoluteFile().getParentFile();
        if (dir != null) {
            node.put(IMAGE_FOLDER, dir.getPath());
            flush();
        }
    }

    private void flush() {
        try {
            node.flush();
        } catch (BackingStoreException | SecurityException e) {
            // nowhere to keep it (read-only home): this run still works, the next forgets
        }
    }
}
