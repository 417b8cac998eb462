package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.DeviceInfo;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The window at 1280x800 driven by the keyboard and the mouse: Tab and Shift+Tab reach every
 * control of every destination row (24 rows, more than the table shows at once), the device tree and
 * back round; every greyed button says why in a tooltip, before and during a job.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowKeyboardAndReasonsFxTest {

    private static final int ROWS = 24;

    @TempDir
    Path dir;

    private MainWindow window;

    @Start
    void start(Stage stage) {
        DeviceTableViewModel devices = new DeviceTableViewModel(List::<DeviceInfo>of,
                javafx.application.Platform::runLater);
        window = new MainWindow(devices);
        Scene scene = new Scene(window.root(), 1280, 800);
        scene.getStylesheets().add(KcloneApp.class.getResource("/org/kclone/ui/kclone.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    private Path source(int bytes) throws Exception {
        byte[] data = new byte[bytes];
        new Random(1).nextBytes(data);
        return Files.write(dir.resolve("src.img"), data);
    }

    private void destinations(FxRobot robot, Path src, int n) {
        robot.interact(() -> {
            robot.lookup("#sourcePath").queryAs(TextField.class).setText(src.toString());
            for (int i = 0; i < n; i++) {
                window.destinations().add(dir.resolve("d" + i + ".img").toString());
            }
        });
    }

    /** What has the focus: its id, or the id of the nearest ancestor that has one ("in#..."). */
    private static String focus(Scene scene) {
        Node n = scene.getFocusOwner();
        for (Node p = n; p != null; p = p.getParent()) {
            if (p.getId() != null) {
                return p == n ? p.getId() : "in#" + p.getId();
            }
        }
        return String.valueOf(n);
    }

    /** Presses Tab (or Shift+Tab) until the focus is back on the source path; the ids it went through. */
    private static List<String> tabRound(FxRobot robot, Scene scene, boolean back) {
        robot.clickOn("#sourcePath");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            if (back) {
                robot.press(KeyCode.SHIFT).type(KeyCode.TAB).release(KeyCode.SHIFT);
            } else {
                robot.type(KeyCode.TAB);
            }
            String f = focus(scene);
            seen.add(f);
            assertFalse(scene.getFocusOwner() instanceof TitledPane t && !t.isCollapsible(),
                    "a title that does nothing took the focus: " + seen);
            if (f.equals("sourcePath")) {
                return seen;
            }
        }
        throw new AssertionError("Tab never came back to the source path: " + seen);
    }

    private static void assertEveryRowInOrder(List<String> seen, boolean back) {
        List<String> rows = seen.stream().filter(s -> s.startsWith("destRemove") || s.startsWith("destStart")).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            expected.add("destRemove" + i);
            expected.add("destStart" + i);
        }
        if (back) {
            java.util.Collections.reverse(expected);
        }
        assertEquals(expected, rows, "every row's Remove and start, in order: " + seen);
        assertTrue(seen.contains("devices"), "into the device tree (and out of it, round to the source): " + seen);
        for (String id : List.of("verify", "destPath", "start", "refresh")) {
            assertTrue(seen.contains(id), id + " reached: " + seen);
        }
    }

    @Test
    void tabReachesEveryControlOfEveryRowAndTheTreeAndComesRound(FxRobot robot) throws Exception {
        destinations(robot, source(1 << 20), ROWS);
        Scene scene = robot.lookup("#start").query().getScene();
        assertEveryRowInOrder(tabRound(robot, scene, false), false);
        assertEveryRowInOrder(tabRound(robot, scene, true), true);
    }

    private static String why(FxRobot robot, String id) {
        return WhyDisabled.reasonOf(robot.lookup(id).query());
    }

    @Test
    void everyGreyedButtonSaysWhyBeforeAndDuringAJob(FxRobot robot) throws Exception {
        assertEquals(DisabledReasons.TYPE_FIRST, why(robot, "#addDest"));
        assertEquals(DisabledReasons.SELECT_FIRST, why(robot, "#useAsSource"));
        assertEquals(DisabledReasons.SELECT_FIRST, why(robot, "#addAsDestination"));
        assertEquals(DisabledReasons.NO_JOB, why(robot, "#cancel"));
        assertEquals(DisabledReasons.NO_REPORT_YET, why(robot, "#saveReport"));
        assertTrue(why(robot, "#usedOnly").startsWith("Used blocks only is not available: "), why(robot, "#usedOnly"));
        assertEquals("", why(robot, "#verify"), "a usable control carries no reason");
        assertEquals("", why(robot, "#chooseSource"));

        // the wrapper's tooltip shows when the pointer rests on the greyed button
        robot.moveTo("#addDest");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Window.getWindows().stream()
                .anyMatch(w -> w instanceof Tooltip t && t.isShowing() && DisabledReasons.TYPE_FIRST.equals(t.getText())));
        robot.moveTo("#start");

        Path src = dir.resolve("big.img");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(src.toFile(), "rw")) {
            f.setLength(32 << 20);
        }
        destinations(robot, src, 2);
        robot.interact(() -> robot.lookup("#limit").queryAs(TextField.class).setText("64K")); // minutes: it is cancelled
        robot.clickOn("#start");
        robot.clickOn("#confirmOverwrite");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window.job().running().get());
        WaitForAsyncUtils.waitForFxEvents();
        for (String id : List.of("#addRemovable", "#chooseNewImage", "#chooseSource", "#verify", "#ignoreErrors",
                "#probe", "#grow", "#usedOnly", "#destRemove0", "#destRemove1", "#destStart0")) {
            assertEquals(DisabledReasons.LOCKED, why(robot, id), id);
        }
        assertEquals(DisabledReasons.LOCKED, why(robot, "#addDest"));
        assertEquals("", why(robot, "#cancel"), "Cancel is usable during the job");
        assertEquals(DisabledReasons.REPORT_AFTER_JOB, why(robot, "#saveReport"));
        robot.clickOn("#cancel");
        robot.clickOn("#stopWriting");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> !window.job().running().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("", why(robot, "#saveReport"), "a cancelled job has its report");
        assertFalse(robot.lookup("#saveReport").queryAs(Button.class).isDisabled());
        assertEquals(DisabledReasons.NO_JOB, why(robot, "#cancel"));
        assertEquals("", why(robot, "#destRemove0"), "unlocked again");
    }
}
