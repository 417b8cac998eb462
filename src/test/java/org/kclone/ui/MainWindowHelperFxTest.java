package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.helper.HelperProcess;
import org.kclone.testing.NbdFaultDevice;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The real window (Monocle) running its jobs through the helper, spawned directly instead of
 * through pkexec ({@code java ... org.kclone.Main helper}): the same bars, states and report as
 * in-process, cancel included; and a helper that never starts (pkexec's exit 126) said plainly.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowHelperFxTest {

    @TempDir
    Path dir;

    private MainWindow window;
    private DeviceTableViewModel devices;
    private final AtomicInteger launched = new AtomicInteger();

    @Start
    void start(Stage stage) {
        devices = new DeviceTableViewModel(DeviceTableViewModel.lsblk(), javafx.application.Platform::runLater);
        window = new MainWindow(devices);
        through(HelperProcess.command("256m"));
        Scene scene = new Scene(window.root(), 1200, 760);
        scene.getStylesheets().add(KcloneApp.class.getResource("/org/kclone/ui/kclone.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    /** Every job through the helper that {@code command} starts; counted. */
    private void through(List<String> command) {
        JobLauncher helper = JobLauncher.helper(command);
        window.job().launcher((plan, settings) -> {
            launched.incrementAndGet();
            return helper.start(plan, settings);
        });
    }

    private Path file(String name, int bytes, long seed) throws Exception {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    private static void fill(FxRobot robot, String id, String text) {
        TextField f = robot.lookup(id).queryAs(TextField.class);
        robot.interact(() -> f.setText(text));
    }

    /** Copies {@code src} to a.img through the window (confirming the overwrite) and waits until the job is over. */
    private void copyToOneImage(FxRobot robot, Path src) throws Exception {
        fill(robot, "#sourcePath", src.toString());
        fill(robot, "#destPath", dir.resolve("a.img").toString());
        robot.clickOn("#addDest");
        robot.clickOn("#start");
        robot.clickOn("#confirmOverwrite");
        waitUntilOver();
    }

    private void waitUntilOver() throws Exception {
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> !window.job().running().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    private String state(FxRobot robot, int i) {
        return MainWindowFxTest.state(robot, i);
    }

    @Test
    void copiesOneImageToTwoThroughTheHelperWithEveryBarAtFull(FxRobot robot) throws Exception {
        Path src = file("src.img", 4 << 20, 1);
        fill(robot, "#sourcePath", src.toString());
        fill(robot, "#destPath", dir.resolve("a.img").toString());
        robot.clickOn("#addDest");
        fill(robot, "#destPath", dir.resolve("b.img").toString());
        robot.clickOn("#addDest");
        robot.clickOn("#start");
        robot.clickOn("#confirmOverwrite");
        waitUntilOver();
        assertEquals(1, launched.get());
        for (int i = 0; i < 2; i++) {
            assertEquals(1.0, robot.lookup("#bar" + i).queryAs(ProgressBar.class).getProgress());
            assertEquals("✓ done, verified", state(robot, i));
        }
        assertEquals(1.0, robot.lookup("#overall").queryAs(ProgressBar.class).getProgress());
        assertEquals("done", robot.lookup("#jobStatus").queryAs(Label.class).getText());
        assertEquals(0, window.job().report().get().exitCode());
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dir.resolve("a.img")));
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dir.resolve("b.img")));
    }

    @Test
    void aFailingDestinationShowsItsErrorOnItsRowWhileTheOtherFinishes(FxRobot robot) throws Exception {
        NbdFaultDevice.assumeAvailable();
        Path src = file("src.img", 8 << 20, 3);
        Path failing = Files.createFile(dir.resolve("failing"));
        try (NbdFaultDevice dead = NbdFaultDevice.start(Files.createDirectory(dir.resolve("nbd")), false,
                "--filter=error", "memory", "32M", "error-pwrite=EIO", "error-pwrite-rate=1",
                "error-pwrite-file=" + failing)) {
            devices.refresh();
            WaitForAsyncUtils.waitForFxEvents();
            fill(robot, "#sourcePath", src.toString());
            fill(robot, "#destPath", dead.device().toString());
            robot.clickOn("#addDest");
            fill(robot, "#destPath", dir.resolve("good.img").toString());
            robot.clickOn("#addDest");
            robot.clickOn("#start");
            robot.clickOn("#typeNames").write(dead.device().getFileName().toString());
            robot.clickOn("#confirmOverwrite");
            waitUntilOver();
            assertTrue(state(robot, 0).startsWith("✗ failed") && state(robot, 0).contains("Input/output error"),
                    state(robot, 0));
            assertTrue(state(robot, 1).startsWith("✓ done"), state(robot, 1));
            assertEquals("done with errors", robot.lookup("#jobStatus").queryAs(Label.class).getText());
            assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dir.resolve("good.img")));
        }
    }

    @Test
    void cancelThroughTheHelperAsksFirstAndThenStops(FxRobot robot) throws Exception {
        Path src = dir.resolve("big.img");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(src.toFile(), "rw")) {
            f.setLength(32 << 20);
        }
        fill(robot, "#sourcePath", src.toString());
        fill(robot, "#destPath", dir.resolve("a.img").toString());
        robot.clickOn("#addDest");
        fill(robot, "#limit", "64K"); // the first chunk at once, the rest would take minutes
        robot.clickOn("#start");
        robot.clickOn("#confirmOverwrite");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> !window.job().rows().isEmpty()
                && window.job().rows().get(0).progress().get() > 0);
        robot.clickOn("#cancel");
        robot.clickOn("#stopWriting");
        waitUntilOver();
        assertEquals("cancelled", robot.lookup("#jobStatus").queryAs(Label.class).getText());
        assertTrue(window.job().report().get().cancelled());
        assertTrue(state(robot, 0).startsWith("■ cancelled: ") && state(robot, 0).contains("partly overwritten"),
                state(robot, 0));
        assertEquals("cancelled", window.job().report().get().destinations().get(0).status());
    }

    @Test
    void theHelpersStandardErrorReachesTheDetailsPane(FxRobot robot) throws Exception {
        // pkexec's stand-in says something on stderr, then runs the real helper, which says more there
        List<String> helper = new java.util.ArrayList<>(HelperProcess.command("256m"));
        helper.add(1, "-Dorg.slf4j.simpleLogger.logFile=System.err"); // the helper's own log lines on its stderr
        helper.add(2, "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug");
        StringBuilder script = new StringBuilder("echo 'pkexec stand-in: starting the helper' >&2; exec");
        for (String a : helper) {
            script.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        JobLauncher withLog = JobLauncher.helper(List.of("/bin/sh", "-c", script.toString()), window.detailsLog());
        window.job().launcher(withLog);
        Path src = file("src.img", 1 << 20, 5);
        copyToOneImage(robot, src);
        assertEquals("✓ done, verified", state(robot, 0));
        robot.interact(() -> robot.lookup("#details").queryAs(javafx.scene.control.TitledPane.class).setExpanded(true));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> robot.lookup("#detailsLog")
                .queryAs(javafx.scene.control.TextArea.class).getText().contains("helper: pkexec stand-in"));
        String text = robot.lookup("#detailsLog").queryAs(javafx.scene.control.TextArea.class).getText();
        assertTrue(text.contains(HelperJobRun.STDERR_PREFIX + "pkexec stand-in: starting the helper"), text);
        assertTrue(text.contains("a.img: ✓ done, verified") || text.contains("a.img: done"), text);
    }

    @Test
    void aPasswordDialogThatWasCancelledIsSaidPlainlyAndTheSetupUnlocks(FxRobot robot) throws Exception {
        through(List.of("/bin/sh", "-c", "echo 'Error executing command as another user: Not authorized' >&2;"
                + " exit 126")); // what pkexec does when the dialog is dismissed
        Path src = file("src.img", 1 << 20, 4);
        copyToOneImage(robot, src);
        String status = robot.lookup("#jobStatus").queryAs(Label.class).getText();
        assertTrue(status.contains("password was not given") && status.contains("run kclone as root"), status);
        DialogPane alert = robot.lookup("#jobProblem").queryAs(DialogPane.class);
        assertTrue(alert.getContentText().contains("password was not given"), alert.getContentText());
        assertTrue(state(robot, 0).startsWith("✗ not done: "), state(robot, 0));
        assertNull(window.job().report().get());
        assertFalse(robot.lookup("#start").queryAs(Button.class).isDisabled(), "the setup is unlocked");
        assertFalse(Files.exists(dir.resolve("a.img")), "nothing was created");
    }
}
