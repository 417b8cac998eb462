package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.NbdFaultDevice;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The real window, driven headless (Monocle) in mvn verify: copy, validation, a failing destination, cancel. */
@ExtendWith(ApplicationExtension.class)
class MainWindowFxTest {

    @TempDir
    Path dir;

    private MainWindow window;
    private DeviceTableViewModel devices;

    @Start
    void start(Stage stage) {
        devices = new DeviceTableViewModel(DeviceTableViewModel.lsblk(), javafx.application.Platform::runLater);
        window = new MainWindow(devices);
        Scene scene = new Scene(window.root(), 1200, 760);
        scene.getStylesheets().add(KcloneApp.class.getResource("/org/kclone/ui/kclone.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    private Path file(String name, int bytes, long seed) throws Exception {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    private static void type(FxRobot robot, String id, String text) {
        robot.clickOn(id).eraseText(40);
        robot.write(text);
    }

    private void waitUntilDone(FxRobot robot) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> window.job().report().get() != null);
        } catch (java.util.concurrent.TimeoutException e) {
            StringBuilder b = new StringBuilder("no report after 120 s; status '" + window.job().status().get() + "'");
            window.job().rows().forEach(r -> b.append("; ").append(r.path()).append(": ").append(r.state().get())
                    .append(" ").append(r.error().get()).append(" ").append(r.detail().get()));
            robot.listWindows().forEach(w -> b.append("; window ").append(w));
            robot.lookup(".label").queryAll().forEach(n -> b.append(" | ").append(((Label) n).getText()));
            throw new AssertionError(b.toString(), e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void copiesOneImageToTwoWithEveryBarAtFull(FxRobot robot) throws Exception {
        Path src = file("src.img", 4 << 20, 1);
        type(robot, "#sourcePath", src.toString());
        type(robot, "#destPath", dir.resolve("a.img").toString());
        robot.clickOn("#addDest");
        type(robot, "#destPath", dir.resolve("b.img").toString());
        robot.clickOn("#addDest");
        robot.clickOn("#start");
        robot.clickOn("#confirmOverwrite");
        waitUntilDone(robot);
        for (int i = 0; i < 2; i++) {
            assertEquals(1.0, robot.lookup("#progress" + i).queryAs(ProgressBar.class).getProgress());
            assertTrue(robot.lookup("#state" + i).queryAs(Label.class).getText().startsWith("done"));
        }
        assertEquals(1.0, robot.lookup("#overall").queryAs(ProgressBar.class).getProgress());
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dir.resolve("a.img")));
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dir.resolve("b.img")));
        assertEquals("done", robot.lookup("#jobStatus").queryAs(Label.class).getText());
    }

    @Test
    void anInvalidStartKeepsStartDisabledAndSaysWhy(FxRobot robot) throws Exception {
        Path src = file("src.img", 1 << 20, 2);
        type(robot, "#sourcePath", src.toString());
        type(robot, "#destPath", dir.resolve("a.img").toString());
        robot.clickOn("#addDest");
        assertTrue(!robot.lookup("#start").queryAs(Button.class).isDisabled(), "valid: Start enabled");
        type(robot, "#sourceStart", "12Q");
        assertTrue(robot.lookup("#start").queryAs(Button.class).isDisabled());
        assertTrue(robot.lookup("#sourceError").queryAs(Label.class).getText().contains("unknown unit 'Q'"),
                robot.lookup("#sourceError").queryAs(Label.class).getText());
        assertTrue(!Files.exists(dir.resolve("a.img")), "nothing written");
    }

    @Test
    void aFailingDestinationShowsItsErrorOnItsRowWhileTheOtherFinishes(FxRobot robot) throws Exception {
        NbdFaultDevice.assumeAvailable();
        Path src = file("src.img", 8 << 20, 3);
        Path failing = Files.createFile(dir.resolve("failing"));
        try (NbdFaultDevice dead = NbdFaultDevice.start(Files.createDirectory(dir.resolve("nbd")), false,
                "--filter=error", "memory", "32M", "error-pwrite=EIO", "error-pwrite-rate=1",
                "error-pwrite-file=" + failing)) {
            devices.refresh(); // the new loop device must be known to the guards
            WaitForAsyncUtils.waitForFxEvents();
            type(robot, "#sourcePath", src.toString());
            type(robot, "#destPath", dead.device().toString());
            robot.clickOn("#addDest");
            type(robot, "#destPath", dir.resolve("good.img").toString());
            robot.clickOn("#addDest");
            robot.clickOn("#start");
            // A loop device is a fixed disk: Overwrite stays disabled until its name is typed.
            assertTrue(robot.lookup("#confirmOverwrite").queryAs(Button.class).isDisabled());
            robot.clickOn("#typeNames").write(dead.device().getFileName().toString());
            robot.clickOn("#confirmOverwrite");
            waitUntilDone(robot);
            String failedRow = robot.lookup("#state0").queryAs(Label.class).getText();
            assertTrue(failedRow.startsWith("failed") && failedRow.contains("Input/output error"), failedRow);
            assertTrue(robot.lookup("#state1").queryAs(Label.class).getText().startsWith("done"));
            assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dir.resolve("good.img")));
        }
    }

    @Test
    void cancelMidCopy(FxRobot robot) throws Exception {
        Path src = file("src.img", 32 << 20, 4);
        type(robot, "#sourcePath", src.toString());
        type(robot, "#destPath", dir.resolve("a.img").toString());
        robot.clickOn("#addDest");
        type(robot, "#limit", "4M");
        robot.clickOn("#start");
        robot.clickOn("#confirmOverwrite");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                () -> robot.lookup("#progress0").queryAs(ProgressBar.class).getProgress() > 0);
        robot.clickOn("#cancel");
        waitUntilDone(robot);
        assertEquals("cancelled", robot.lookup("#jobStatus").queryAs(Label.class).getText());
        assertTrue(window.job().report().get().cancelled());
        assertTrue(robot.lookup("#state0").queryAs(Label.class).getText().contains("incomplete"),
                robot.lookup("#state0").queryAs(Label.class).getText());
    }

    @Test
    void theDeviceTableListsThisMachinesDisksWithTheSystemDiskNotSelectable(FxRobot robot) throws Exception {
        devices.refresh();
        WaitForAsyncUtils.waitForFxEvents();
        List<org.kclone.device.DeviceInfo> rows = devices.devices();
        assertTrue(rows.stream().filter(org.kclone.device.DeviceInfo::system)
                .noneMatch(DeviceTableViewModel::selectableAsDestination));
        assertEquals(rows.size(), robot.lookup("#devices").queryTableView().getItems().size());
    }
}
