package org.kclone.ui.prefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.MemoryPreferences;

/** What the window remembers, in a node of the test's own (never the user's preferences); no toolkit. */
class WindowPrefsTest {

    @TempDir
    Path dir;

    private static final WindowPrefs.Size DEFAULT = new WindowPrefs.Size(1200, 760);
    private static final WindowPrefs.Size MIN = new WindowPrefs.Size(900, 600);
    private static final WindowPrefs.Size SCREEN = new WindowPrefs.Size(1280, 800);
    private static final Predicate<String> RATE = t -> t.isEmpty() || t.matches("\\d+[KMG]?");

    @Test
    void theSizeIsRememberedAndKeptBetweenTheMinimumAndTheScreen() {
        MemoryPreferences node = new MemoryPreferences();
        assertEquals(DEFAULT, new WindowPrefs(node).size(DEFAULT, MIN, SCREEN), "nothing remembered yet");
        new WindowPrefs(node).rememberSize(1000, 700);
        assertEquals(new WindowPrefs.Size(1000, 700), new WindowPrefs(node).size(DEFAULT, MIN, SCREEN));
        new WindowPrefs(node).rememberSize(3000, 2000);
        assertEquals(SCREEN, new WindowPrefs(node).size(DEFAULT, MIN, SCREEN), "a larger screen's size fits this one");
        new WindowPrefs(node).rememberSize(300, 200);
        assertEquals(MIN, new WindowPrefs(node).size(DEFAULT, MIN, SCREEN));
        node.put(WindowPrefs.WIDTH, "NaN");
        assertEquals(DEFAULT, new WindowPrefs(node).size(DEFAULT, MIN, SCREEN), "nonsense in the store: the default");
    }

    @Test
    void theOptionsAreRememberedButAHalfTypedLimitIsNot() {
        MemoryPreferences node = new MemoryPreferences();
        BooleanProperty verify = new SimpleBooleanProperty(true);
        BooleanProperty probe = new SimpleBooleanProperty(true);
        StringProperty limit = new SimpleStringProperty("");
        new WindowPrefs(node).bindOptions(verify, probe, limit, RATE);
        verify.set(false);
        probe.set(false);
        limit.set("50M");
        limit.set("50Mx"); // typed on; not a rate

        BooleanProperty verify2 = new SimpleBooleanProperty(true);
        BooleanProperty probe2 = new SimpleBooleanProperty(true);
        StringProperty limit2 = new SimpleStringProperty("");
        new WindowPrefs(node).bindOptions(verify2, probe2, limit2, RATE);
        assertFalse(verify2.get());
        assertFalse(probe2.get());
        assertEquals("50M", limit2.get());
    }

    @Test
    void theLastImageFolderIsRememberedWhileItExists() throws Exception {
        MemoryPreferences node = new MemoryPreferences();
        assertTrue(new WindowPrefs(node).imageFolder().isEmpty());
        Path images = Files.createDirectory(dir.resolve("images"));
        new WindowPrefs(node).rememberImageFolder(images.resolve("stick.img.zst").toFile());
        assertEquals(images.toFile(), new WindowPrefs(node).imageFolder().orElseThrow());
        Files.delete(images);
        assertTrue(new WindowPrefs(node).imageFolder().isEmpty(), "a folder gone since is not offered");
        assertEquals(images.toString(), node.get(WindowPrefs.IMAGE_FOLDER, null));
    }
}
