package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.DeviceInfo;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The window's comfort, driven headless at 1280x800: no window-level scrolling, the keyboard
 * (Enter adds and starts, Esc closes the confirmation, Ctrl+R refreshes), the inline limit check
 * and what holds Start back, and the Details pane's log of a job.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowComfortFxTest {

    @TempDir
    Path dir;

    private MainWindow window;
    private final AtomicInteger discoveries = new AtomicInteger();

    @Start
    void start(Stage stage) {
        DeviceTableViewModel devices = new DeviceTableViewModel(() -> {
            discoveries.incrementAndGet();
            return List.<DeviceInfo>of();
        }, javafx.application.Platform::runLater);
        window = new MainWindow(devices);
        Scene scene = new Scene(window.root(), 1280, 800);
        scene.getStylesheets().add(KcloneApp.class.getResource("/org/kclone/ui/kclone.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    private Path file(String name, int bytes) throws Exception {
        byte[] data = new byte[bytes];
        new Random(name.hashCode()).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    private static void fill(FxRobot robot, String id, String text) {
        TextField f = robot.lookup(id).queryAs(TextField.class);
        robot.interact(() -> f.setText(text));
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryLabeled().getText();
    }

    @Test
    void atTheSmallestCommonLaptopSizeNothingNeedsTheWindowToScroll(FxRobot robot) {
        Scene scene = robot.lookup("#start").query().getScene();
        for (String title : List.of("Source", "Options", "Details", "Duplicator")) {
            TitledPane pane = robot.lookup(n -> n instanceof TitledPane t && t.getText().equals(title))
                    .queryAs(TitledPane.class);
            for (Parent p = pane.getParent(); p != null; p = p.getParent()) {
                assertFalse(p instanceof ScrollPane, title + " sits in a scrolling pane");
            }
            Bounds b = pane.localToScene(pane.getBoundsInLocal());
            assertTrue(b.getMinY() >= 0 && b.getMaxY() <= scene.getHeight() + 0.5 && b.getMaxX() <= scene.getWidth() + 0.5,
                    title + " at " + b + " is not inside the 1280x800 window");
        }
        for (String id : List.of("#start", "#cancel", "#limit", "#addDest", "#refresh", "#saveReport",
                "#destinationTable", "#overallLine", "#sourceStart", "#sourceLength", "#usedOnly", "#grow")) {
            Node n = robot.lookup(id).query();
            Bounds b = n.localToScene(n.getBoundsInLocal());
            assertTrue(b.getMaxY() <= scene.getHeight() + 0.5 && b.getHeight() > 0, id + " at " + b + " is cut off");
        }
        assertFalse(robot.lookup("#details").queryAs(TitledPane.class).isExpanded(), "Details is collapsed at first");
    }

    @Test
    void enterAddsInTheAddFieldStartsFromAValidFormAndEscClosesTheConfirmation(FxRobot robot) throws Exception {
        Path src = file("src.img", 1 << 20);
        fill(robot, "#sourcePath", src.toString());
        robot.clickOn("#destPath").write(dir.resolve("a.img").toString());
        robot.type(KeyCode.ENTER);
        assertEquals(1, window.destinations().rows().size(), "Enter in the add field adds");
        assertTrue(robot.lookup("#confirmation").tryQuery().isEmpty(), "and starts nothing");
        robot.clickOn("#destPath").write(dir.resolve("a.img").toString());
        robot.type(KeyCode.ENTER);
        assertEquals(1, window.destinations().rows().size(), "not twice");
        assertEquals(dir.resolve("a.img") + " is already in the list (destination 1).", text(robot, "#destNote"));

        robot.clickOn("#sourceStart");
        robot.type(KeyCode.ENTER); // any other field: Enter is Start
        assertTrue(robot.lookup("#confirmation").tryQuery().isPresent(), "Enter started: the question is asked");
        robot.type(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#confirmation").tryQuery().isEmpty(), "Esc closed it");
        assertFalse(window.job().running().get(), "Esc is not Overwrite");
        assertFalse(Files.exists(dir.resolve("a.img")), "nothing written");
    }

    @Test
    void enterOnAnInvalidFormStartsNothingAndTheStatusLineSaysWhichRowHoldsItBack(FxRobot robot) throws Exception {
        Path src = file("src.img", 1 << 20);
        Path small = file("small.img", 64 << 10);
        fill(robot, "#sourcePath", src.toString());
        fill(robot, "#destPath", small.toString());
        robot.clickOn("#addDest");
        assertTrue(robot.lookup("#start").queryButton().isDisabled());
        String status = text(robot, "#startStatus");
        assertTrue(status.startsWith("Start waits for: Destination 1 (" + small + "): the image file"), status);
        robot.clickOn("#sourceStart");
        robot.type(KeyCode.ENTER);
        assertTrue(robot.lookup("#confirmation").tryQuery().isEmpty(), "a disabled Start is not pressed by Enter");

        robot.clickOn("#grow"); // the window's --grow
        assertFalse(robot.lookup("#start").queryButton().isDisabled(), text(robot, "#startStatus"));
        assertFalse(robot.lookup("#startStatus").query().isVisible());

        robot.clickOn("#limit").write("50 apples");
        assertTrue(robot.lookup("#start").queryButton().isDisabled(), "the limit is checked before Start");
        assertTrue(text(robot, "#limitError").startsWith("Limit per second: '50 apples' has an unknown unit 'apples'"),
                text(robot, "#limitError"));
        assertTrue(text(robot, "#startStatus").contains("Limit per second"), text(robot, "#startStatus"));
    }

    @Test
    void ctrlRRefreshesTheDeviceList(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        int before = discoveries.get(); // nothing refreshes by itself here: no two-second watch in this test
        robot.clickOn("#sourcePath");
        robot.press(KeyCode.CONTROL, KeyCode.R).release(KeyCode.R, KeyCode.CONTROL);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> discoveries.get() > before);
        assertEquals("", robot.lookup("#sourcePath").queryAs(TextField.class).getText(), "no 'r' typed in the field");
    }

    @Test
    void theDetailsPaneShowsTheJobsLinesWhenOpened(FxRobot robot) throws Exception {
        Path src = file("src.img", 2 << 20);
        Path dest = dir.resolve("copy.img");
        fill(robot, "#sourcePath", src.toString());
        fill(robot, "#destPath", dest.toString());
        robot.clickOn("#addDest");
        System.gc(); // a binding nobody holds would go now, and with it the timer that feeds the window
        robot.clickOn("#start");
        robot.clickOn("#confirmOverwrite");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> window.job().report().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dest));
        robot.clickOn("#details");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                () -> robot.lookup("#detailsLog").queryAs(TextArea.class).getText().contains(dest + ": done"));
        String log = robot.lookup("#detailsLog").queryAs(TextArea.class).getText();
        assertTrue(log.contains("Read from: " + src), log);
        assertTrue(log.contains("Overwrite: " + dest), log);
        assertTrue(log.indexOf("Overwrite: ") < log.indexOf(dest + ": done"), "the plan first, then the states: " + log);
    }
}
