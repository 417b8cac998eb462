package org.kclone.ui.duplicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TitledPane;
import javafx.scene.control.DialogPane;
import javafx.scene.control.ToggleButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.RegionSpec;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The duplicator pane in a real (headless) window: arming from the toggle, rows appearing for drives
 * plugged in (lsblk snapshots handed in as the poller would, jobs the test finishes), their colours,
 * the refused row's reason, counters, disarming. The rows move only through the pane's own 30 Hz
 * timeline.
 */
@ExtendWith(ApplicationExtension.class)
class DuplicatorViewFxTest {

    private static final long MIB = 1 << 20;
    private static final RegionSpec SOURCE = new RegionSpec("SOURCE", "/srv/golden.img", "/srv/golden.img", 0L,
            64 * MIB / 512);

    private final List<DuplicatorViewModelTest.FakeJob> started = new ArrayList<>();
    private DuplicatorViewModel vm;
    /** The source field as the window has it: null while invalid. */
    private volatile RegionSpec source = SOURCE;

    /** Arms (answering the question), then plugs stick {@code name} in beside the system disk; returns that disk. */
    private DeviceInfo armAndPlug(FxRobot robot, String name) throws Exception {
        robot.clickOn("#dupArm");
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn(DuplicatorView.ARM_ANSWER);
        WaitForAsyncUtils.waitForFxEvents();
        DeviceInfo system = disk("vda", 10L << 30, false);
        vm.observe(List.of(system));
        vm.observe(List.of(system, disk(name, 128 * MIB, true)));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> runningOnFx() == 1);
        return system;
    }

    /** The running drives, counted on the FX thread that changes the rows (never from the test's thread). */
    private int runningOnFx() throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> vm.running()).get();
    }

    private static DeviceInfo disk(String name, long size, boolean removable) {
        return new DeviceInfo(name, "/dev/" + name, null, size, "disk", "Stick", "S" + name, "usb", removable, false,
                512, 512, 0, null, List.of(), null, null, List.of(), false, List.of());
    }

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        DriveStarter starter = plan -> {
            DuplicatorViewModelTest.FakeJob j = new DuplicatorViewModelTest.FakeJob("/dev/x");
            synchronized (started) {
                started.add(j);
            }
            return j;
        };
        vm = new DuplicatorViewModel(List::of, starter, r -> r);
        vm.pollEvery(0);
        vm.planner((roots, source, drive) -> new CopyPlanner.Plan(null, List.of(), Map.of(), null));
        TitledPane pane = DuplicatorView.build(vm, () -> source, () -> source == null ? 0 : 64 * MIB, 30);
        pane.setExpanded(true);
        stage.setScene(new Scene(pane, 900, 400));
        stage.sizeToScene(); // TestFX's stage keeps the size an earlier test class gave it
        stage.show();
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    private static TableRow<?> row(FxRobot robot, int index) {
        return robot.lookup(".table-row-cell").queryAll().stream().map(n -> (TableRow<?>) n)
                .filter(r -> r.getIndex() == index && r.getItem() != null).findFirst().orElseThrow();
    }

    private static boolean rowHas(FxRobot robot, int index, String styleClass) {
        return robot.lookup(".table-row-cell").queryAll().stream().map(n -> (TableRow<?>) n)
                .anyMatch(r -> r.getIndex() == index && r.getItem() != null && r.getStyleClass().contains(styleClass));
    }

    @Test
    void armedPaneShowsEachPluggedDriveWithItsStateAndColour(FxRobot robot) throws Exception {
        ToggleButton arm = robot.lookup("#dupArm").queryAs(ToggleButton.class);
        assertFalse(arm.isSelected());
        robot.clickOn("#dupArm");
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(vm.armed().get(), "armed before the question was answered");
        DialogPane q = robot.lookup("#dupArmQuestion").queryAs(DialogPane.class);
        assertTrue(q.getContentText().contains("overwritten with /srv/golden.img"), q.getContentText());
        robot.clickOn(DuplicatorView.ARM_ANSWER);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(vm.armed().get());
        assertTrue(arm.isSelected());
        assertEquals("Armed: click to stop watching", arm.getText());
        assertTrue(text(robot, "#dupStatus").startsWith("Armed: plug in drives of at least 64.0 MiB"),
                text(robot, "#dupStatus"));
        DeviceInfo system = disk("vda", 10L << 30, false);
        vm.observe(List.of(system, disk("sdb", 128 * MIB, true))); // present when armed: left alone
        vm.observe(List.of(system, disk("sdb", 128 * MIB, true), disk("sdc", 128 * MIB, true),
                disk("sdd", 16 * MIB, true)));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.rows().size() == 2);
        WaitForAsyncUtils.waitForFxEvents();
        TableView<?> table = robot.lookup("#dupRows").queryAs(TableView.class);
        assertEquals(2, table.getItems().size());
        assertEquals("/dev/sdc", vm.rows().get(0).path());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> rowHas(robot, 1, "dup-refused"));
        assertTrue(rowHas(robot, 0, "dup-running"));
        assertTrue(robot.lookup("too small: 16.0 MiB, the source needs 64.0 MiB; not written, safe to remove")
                .tryQuery().isPresent(), "the refused row's reason is shown in its row");
        assertEquals("0 done, 0 failed, 1 refused, 1 running", text(robot, "#dupCounters"));

        started.get(0).finish("ok", null);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> rowHas(robot, 0, "dup-done"));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("written and verified: safe to remove").tryQuery().isPresent());
        assertEquals("1 done, 0 failed, 1 refused, 0 running", text(robot, "#dupCounters"));
        Node r0 = row(robot, 0);
        assertTrue(r0.getStyle().contains("#dff3df"), r0.getStyle());

        robot.clickOn("#dupArm");
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(vm.armed().get());
        assertFalse(arm.isSelected());
        assertEquals("Off.", text(robot, "#dupStatus"));
        assertEquals("Write every drive I plug in", arm.getText());
    }

    @Test
    void aDoneRowsReportCanBeSavedAndADriveWrittenBeforeCanBeWrittenAnyway(FxRobot robot) throws Exception {
        DeviceInfo system = armAndPlug(robot, "sdc");
        TableView<?> table = robot.lookup("#dupRows").queryAs(TableView.class);
        javafx.scene.control.Button save = robot.lookup("#dupSaveReport").queryAs(javafx.scene.control.Button.class);
        javafx.scene.control.Button anyway = robot.lookup("#dupWriteAnyway").queryAs(javafx.scene.control.Button.class);
        robot.interact(() -> table.getSelectionModel().select(0));
        assertTrue(save.isDisabled(), "no report while it is written");
        started.get(0).finish("ok", null);
        // read on the FX thread, once its poll is over: Save report is enabled in the middle of the poll
        // that ends the drive, before that poll records the drive as written (which the replug below needs)
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(() -> !save.isDisabled()).get());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(anyway.isDisabled(), "a drive just written is not one written before");

        vm.observe(List.of(system));
        vm.observe(List.of(system, disk("sdc", 128 * MIB, true))); // the same stick again
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.rows().size() == 2);
        // rows are cells only while in view: scrolled to again until its cell shows the state
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> {
            robot.interact(() -> table.scrollTo(1));
            return rowHas(robot, 1, "dup-before");
        });
        assertTrue(robot.lookup(n -> n instanceof javafx.scene.text.Text t && t.getText() != null
                && t.getText().endsWith("(verified); not written again: unplug it")).tryQuery().isPresent());
        assertEquals("1 done, 0 failed, 0 refused, 0 running, 1 written before", text(robot, "#dupCounters"));
        robot.interact(() -> table.getSelectionModel().select(1));
        assertTrue(save.isDisabled(), "nothing ran on it: no report");
        assertFalse(anyway.isDisabled());
        robot.clickOn("#dupWriteAnyway");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(anyway.isDisabled(), "asked once");
        vm.observe(List.of(system, disk("sdc", 128 * MIB, true)));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> started.size() == 2);
        robot.interact(vm::disarm);
    }

    @Test
    void aPaneNoLongerShownLeavesNoCloseGuardOnTheWindow(FxRobot robot) throws Exception {
        armAndPlug(robot, "sdd");
        // while the pane is shown, a close request is the duplicator's question (a drive is written)
        java.util.concurrent.atomic.AtomicInteger reached = new java.util.concurrent.atomic.AtomicInteger();
        javafx.event.EventHandler<javafx.stage.WindowEvent> handler = e -> {
            reached.incrementAndGet();
            e.consume(); // the test's window stays open
        };
        robot.interact(() -> stage.addEventHandler(javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST, handler));
        try {
            robot.interact(() -> stage.setScene(new Scene(new Label("another window's content"), 300, 200)));
            // fired later, not inside interact: a guard left behind would block it in its question
            javafx.application.Platform.runLater(() -> stage.fireEvent(new javafx.stage.WindowEvent(stage,
                    javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST)));
            WaitForAsyncUtils.waitForFxEvents();
            boolean asked = robot.lookup("#dupKeepWriting").tryQuery().isPresent();
            if (asked) {
                robot.clickOn("#dupKeepWriting");
                WaitForAsyncUtils.waitForFxEvents();
            }
            assertFalse(asked, "the pane's guard asked about drives a window no longer shows");
            assertEquals(1, reached.get(), "the close request was held by a guard left behind");
        } finally {
            robot.interact(() -> stage.removeEventHandler(javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST, handler));
            synchronized (started) {
                started.forEach(j -> j.finish("ok", null));
            }
            robot.interact(vm::disarm);
        }
    }

    @Test
    void theQuestionBeforeArmingAnsweredWithEscapeLeavesTheModeOff(FxRobot robot) {
        robot.clickOn("#dupArm");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#dupArmQuestion").tryQuery().isPresent(), "no question before arming");
        robot.press(javafx.scene.input.KeyCode.ESCAPE).release(javafx.scene.input.KeyCode.ESCAPE);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(vm.armed().get());
        assertFalse(robot.lookup("#dupArm").queryAs(ToggleButton.class).isSelected());
        assertEquals("Write every drive I plug in", robot.lookup("#dupArm").queryAs(ToggleButton.class).getText());
    }

    @Test
    void armingWithoutASourceSaysWhyAndStaysOff(FxRobot robot) {
        source = null;
        robot.clickOn("#dupArm");
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(vm.armed().get());
        assertEquals("Choose a valid source first: every drive plugged in gets a copy of it.",
                text(robot, "#dupStatus"));
        assertFalse(robot.lookup("#dupArm").queryAs(ToggleButton.class).isSelected());
    }

    @Test
    void closingWhileADriveIsWrittenAsksAndStopsItFirst(FxRobot robot) throws Exception {
        armAndPlug(robot, "sdc");
        // as the title bar's close button does; not waited for: the question holds the FX thread
        javafx.application.Platform.runLater(() -> stage.fireEvent(
                new javafx.stage.WindowEvent(stage, javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST)));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#dupKeepWriting").tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#dupKeepWriting");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(stage.isShowing(), "kept open");
        assertFalse(started.get(0).cancelled);

        javafx.application.Platform.runLater(() -> stage.fireEvent(
                new javafx.stage.WindowEvent(stage, javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST)));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#dupStopAndClose").tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#dupStopAndClose");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !stage.isShowing());
        assertTrue(started.get(0).cancelled, "the job was stopped before the window went");
        assertEquals("cancelled", vm.rows().get(0).state().get());
    }
}
