package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.TreeTableRow;
import javafx.scene.control.TreeTableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.WindowEvent;
import org.kclone.device.DeviceInfo;
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
    private Stage stage;
    /** lsblk by default; a test may hand the table fixed lsblk data instead. */
    private volatile Callable<List<DeviceInfo>> discovery = DeviceTableViewModel.lsblk();
    private final AtomicInteger exits = new AtomicInteger();

    @Start
    void start(Stage stage) {
        this.stage = stage;
        devices = new DeviceTableViewModel(() -> discovery.call(), javafx.application.Platform::runLater);
        window = new MainWindow(devices);
        Scene scene = new Scene(window.root(), 1200, 760);
        scene.getStylesheets().add(KcloneApp.class.getResource("/org/kclone/ui/kclone.css").toExternalForm());
        stage.setScene(scene);
        window.guardClose(stage, dir, exits::incrementAndGet);
        stage.show();
    }

    /**
     * Starts a copy that cannot finish during the test (a 32 MiB source at 64 KiB/s: the first
     * chunk goes at once, the next after 16 s) and waits for its first bytes. The gate is the
     * copy's own throttle, not the robot's speed.
     */
    private void startGatedCopy(FxRobot robot) throws Exception {
        Path src = dir.resolve("big.img");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(src.toFile(), "rw")) {
            f.setLength(32 << 20);
        }
        fill(robot, "#sourcePath", src.toString());
        fill(robot, "#destPath", dir.resolve("a.img").toString());
        robot.clickOn("#addDest");
        type(robot, "#limit", "64K");
        robot.clickOn("#start");
        robot.clickOn("#confirmOverwrite");
        awaitFirstBytes();
    }

    private void awaitFirstBytes() throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window.job().running().get()
                && !window.job().rows().isEmpty() && window.job().rows().get(0).progress().get() > 0);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Ends a gated copy from the test's side and waits for its report. */
    private void endGatedCopy(FxRobot robot) throws Exception {
        robot.interact(() -> window.job().cancel());
        waitUntilDone(robot);
    }

    private Path file(String name, int bytes, long seed) throws Exception {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    /** Sets a field's text at once (paths: typing them key by key only slows the tests). */
    private static void fill(FxRobot robot, String id, String text) {
        TextField f = robot.lookup(id).queryAs(TextField.class);
        robot.interact(() -> f.setText(text));
    }

    private static void type(FxRobot robot, String id, String text) {
        robot.clickOn(id).eraseText(40);
        robot.write(text);
    }

    /** The state cell of row {@code i} of the destinations table. */
    static String state(FxRobot robot, int i) {
        return robot.lookup("#state" + i).queryAs(javafx.scene.control.Labeled.class).getText();
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
            assertEquals(1.0, robot.lookup("#bar" + i).queryAs(ProgressBar.class).getProgress());
            assertEquals("✓ done, verified", state(robot, i));
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
            String failedRow = state(robot, 0);
            assertTrue(failedRow.startsWith("✗ failed") && failedRow.contains("Input/output error"), failedRow);
            assertTrue(state(robot, 1).startsWith("✓ done"), state(robot, 1));
            assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dir.resolve("good.img")));
        }
    }

    @Test
    void cancelMidCopyAsksFirstAndThenStops(FxRobot robot) throws Exception {
        startGatedCopy(robot);
        robot.clickOn("#cancel");
        robot.lookup("#keepCopying").queryButton(); // the question is there
        assertTrue(window.job().running().get(), "asking stops nothing");
        robot.clickOn("#stopWriting");
        waitUntilDone(robot);
        assertEquals("cancelled", robot.lookup("#jobStatus").queryAs(Label.class).getText());
        assertTrue(window.job().report().get().cancelled());
        assertTrue(state(robot, 0).startsWith("■ cancelled: ") && state(robot, 0).endsWith(" of 32 MiB written,"
                + " partly overwritten"), state(robot, 0));
        assertEquals("cancelled", window.job().report().get().destinations().get(0).status());
    }

    @Test
    void theDeviceTableShowsWhySystemMountedHeldAndReadOnlyDevicesCannotBeDestinations(FxRobot robot)
            throws Exception {
        discovery = ViewModelTest::lsblkData;
        devices.refresh();
        WaitForAsyncUtils.waitForFxEvents();
        @SuppressWarnings("unchecked")
        TreeTableView<DeviceInfo> tree = robot.lookup("#devices").queryAs(TreeTableView.class);
        java.util.Map<String, String> expected = new java.util.LinkedHashMap<>();
        // removable drives first; partitions nested under their disk
        expected.put("/dev/sdb", "mounted at /media/stick");
        expected.put("/dev/sdb1", "mounted at /media/stick");
        expected.put("/dev/sdd", "read-only");
        expected.put("/dev/sde", null);
        expected.put("/dev/vda", "system disk");
        expected.put("/dev/vda1", "system disk");
        expected.put("/dev/sdc", "in use by LVM, md or dm");
        expected.put("/dev/sdc1", "in use by LVM, md or dm");
        List<String> rows = new java.util.ArrayList<>();
        for (int i = 0; i < tree.getExpandedItemCount(); i++) {
            rows.add(tree.getTreeItem(i).getValue().path());
        }
        assertEquals(List.copyOf(expected.keySet()), rows);
        assertEquals(List.of("/dev/sdb", "/dev/sdd", "/dev/sde", "/dev/vda", "/dev/sdc"),
                tree.getRoot().getChildren().stream().map(t -> t.getValue().path()).toList(), "disks at the top level");
        assertEquals("/dev/vda1", tree.getRoot().getChildren().get(3).getChildren().get(0).getValue().path());
        for (int i = 0; i < rows.size(); i++) {
            int row = i;
            robot.interact(() -> tree.getSelectionModel().select(row));
            String path = rows.get(i);
            String why = expected.get(path);
            boolean disabled = robot.lookup("#addAsDestination").queryButton().isDisabled();
            String shown = robot.lookup("#whyNot").queryAs(Label.class).getText();
            if (why == null) {
                assertTrue(!disabled && shown.isEmpty(), path + " may be a destination: " + shown);
            } else {
                assertTrue(disabled, path + ": Add as destination must be disabled");
                assertEquals(path + " cannot be a destination: " + why, shown);
                assertEquals(why, tree.getColumns().stream().filter(c -> c.getText().equals("Not a destination"))
                        .findFirst().orElseThrow().getCellData(i));
            }
            assertTrue(!robot.lookup("#useAsSource").queryButton().isDisabled(), "any device may be read");
        }
        List<Object> red = robot.lookup(".tree-table-row-cell").queryAllAs(TreeTableRow.class).stream()
                .filter(r -> r.getStyleClass().contains("system")).map(r -> ((DeviceInfo) r.getItem()).path())
                .map(Object.class::cast).toList();
        assertEquals(List.of("/dev/vda", "/dev/vda1"), red);
    }

    @Test
    void aMultiDigitStartTypedKeyByKeyKeepsEveryKeyAndTheConfirmationShowsIt(FxRobot robot) throws Exception {
        Path src = file("src.img", 1 << 20, 5);
        fill(robot, "#sourcePath", src.toString());
        fill(robot, "#destPath", dir.resolve("at1M.img").toString());
        robot.clickOn("#addDest");
        robot.doubleClickOn("#destStart0").eraseText(4);
        for (char c : "2048".toCharArray()) {
            robot.write(c); // one key at a time, as a person types
        }
        assertEquals("2048", robot.lookup("#destStart0").queryAs(TextField.class).getText());
        assertEquals("2048", window.destinations().rows().get(0).start().get());
        assertEquals(2048, window.destinations().plan().destinations().get(0).start());
        robot.clickOn("#start");
        List<String> shown = robot.lookup("#confirmation .label").queryAllAs(Label.class).stream()
                .map(Label::getText).map(String::trim).toList();
        assertTrue(shown.contains("sectors 2048 → 4095, at 1.0 MiB, 1.0 MiB"), shown.toString());
        assertTrue(shown.contains("sectors 0 → 2047, at the start, 1.0 MiB"), shown.toString());
        assertTrue(shown.stream().anyMatch(l -> l.startsWith("Read from: " + src)), shown.toString());
        robot.clickOn("#confirmCancel");
        assertTrue(!Files.exists(dir.resolve("at1M.img")), "nothing written");
    }

    @Test
    void theSetupIsLockedWhileAJobRuns(FxRobot robot) throws Exception {
        startGatedCopy(robot);
        String[] locked = {"#sourcePath", "#chooseSource", "#sourceStart", "#sourceLength", "#destStart0",
            "#destRemove0", "#destPath", "#addRemovable", "#useAsSource", "#addAsDestination", "#verify",
            "#ignoreErrors", "#limit", "#start"};
        for (String id : locked) {
            assertTrue(robot.lookup(id).query().isDisabled(), id + " must be locked during a job");
        }
        robot.clickOn("#destRemove0");
        assertEquals(1, window.destinations().rows().size(), "Remove did nothing");
        endGatedCopy(robot);
        for (String id : new String[] {"#sourcePath", "#destStart0", "#destRemove0", "#verify", "#limit"}) {
            assertTrue(!robot.lookup(id).query().isDisabled(), id + " unlocked after the job");
        }
    }

    @Test
    void enterPressedAfterOverwriteStopsNothing(FxRobot robot) throws Exception {
        Path src = dir.resolve("big.img");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(src.toFile(), "rw")) {
            f.setLength(32 << 20);
        }
        fill(robot, "#sourcePath", src.toString());
        fill(robot, "#destPath", dir.resolve("a.img").toString());
        robot.clickOn("#addDest");
        type(robot, "#limit", "64K");
        robot.clickOn("#start");
        robot.type(KeyCode.ENTER); // Overwrite is the question's default button
        awaitFirstBytes();
        robot.type(KeyCode.ENTER); // the habitual second Enter
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("copying", window.job().status().get());
        assertTrue(window.job().running().get());
        Node focused = stage.getScene().getFocusOwner();
        assertTrue(focused == null || !"cancel".equals(focused.getId()) && !"start".equals(focused.getId()),
                "focus on " + focused);
        // even on Cancel, Enter keeps copying: the question's default is Keep copying
        robot.clickOn("#cancel");
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("copying", window.job().status().get());
        assertTrue(window.job().running().get());
        endGatedCopy(robot);
    }

    @Test
    void closingDuringAJobAsksAndCancelAndQuitSavesTheReport(FxRobot robot) throws Exception {
        startGatedCopy(robot);
        Platform.runLater(() -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#keepCopying");
        assertTrue(stage.isShowing(), "keep copying keeps the window");
        assertTrue(window.job().running().get(), "keep copying keeps the job");
        Platform.runLater(() -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#cancelAndQuit");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> robot.lookup("#quitReport").tryQuery().isPresent());
        assertEquals(0, exits.get(), "not gone before saying where the report is");
        assertTrue(window.job().report().get().cancelled());
        List<Path> saved;
        try (var files = Files.list(dir)) {
            saved = files.filter(f -> f.getFileName().toString().matches("kclone-report-\\d{8}-\\d{6}\\.json")).toList();
        }
        assertEquals(1, saved.size());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(saved.get(0).toFile());
        assertTrue(json.path("cancelled").asBoolean());
        assertTrue(json.path("destinations").get(0).path("error").asText().contains("incomplete"));
        String said = robot.lookup("#quitReport .content").queryAs(Label.class).getText();
        assertTrue(said.contains(saved.get(0).toString()), said);
        robot.clickOn(robot.lookup("#quitReport .button").queryButton());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, exits.get());
    }

    @Test
    void aTargetThatChangedDuringTheConfirmationIsRefusedNamingItsRow(FxRobot robot) throws Exception {
        Path src = file("src.img", 1 << 20, 6);
        Path late = dir.resolve("late.img");
        fill(robot, "#sourcePath", src.toString());
        fill(robot, "#destPath", late.toString());
        robot.clickOn("#addDest");
        robot.clickOn("#start");
        Files.write(late, new byte[1 << 20]); // appears while the question waits
        robot.clickOn("#confirmOverwrite");
        String said = robot.lookup("#refusal .content").queryAs(Label.class).getText();
        assertTrue(said.startsWith("Destination 1 (" + late + ")") && said.contains("appeared after the confirmation"),
                said);
        robot.clickOn(robot.lookup("#refusal .button").queryButton());
        assertTrue(!window.job().running().get() && window.job().report().get() == null, "not started");
        assertTrue(window.job().rows().stream().allMatch(r -> r.kind().get() == org.kclone.ui.table.RowState.QUEUED
                || r.kind().get() == org.kclone.ui.table.RowState.REFUSED), "the table's row is the list's, not a job's");
        assertArrayEquals(new byte[1 << 20], Files.readAllBytes(late), "nothing written");
    }

    @Test
    void theSourceDisksPartitionMapShowsItsPartitionsAndAClickMakesOneTheSource(FxRobot robot) throws Exception {
        discovery = PartitionMapTest::disk;
        devices.refresh();
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(robot.lookup("#partitionMapPane").query().isVisible(), "no source yet: no map");
        fill(robot, "#sourcePath", "/dev/sdf");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#partitionMapPane").query().isVisible());
        List<String> segments = robot.lookup("#partitionMap .label").queryAllAs(Label.class).stream()
                .map(Label::getText).toList();
        assertEquals(List.of("EFI · vfat · 256.0 MiB", "free 15.0 MiB", "sdf2 · ext4 · 640.0 MiB", "free 112.0 MiB"),
                segments);
        robot.clickOn("#segment2");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("/dev/sdf2", robot.lookup("#sourcePath").queryAs(TextField.class).getText());
        assertTrue(robot.lookup("#segment2").query().getStyleClass().contains("map-selected"), "highlighted");
        assertFalse(robot.lookup("#segment0").query().getStyleClass().contains("map-selected"));
        javafx.scene.Node region = robot.lookup("#mapRegion").query();
        javafx.scene.Node strip = robot.lookup("#partitionMap").query();
        double w = strip.getBoundsInLocal().getWidth();
        assertEquals(557056.0 / 2097152 * w, region.getLayoutX(), 1.0, "the region bar starts where sdf2 does");
    }
}
