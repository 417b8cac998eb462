package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import javafx.css.PseudoClass;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.TableRow;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kclone.device.CloneRun;
import org.kclone.device.Report;
import org.kclone.ui.table.RowState;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The destinations table in the real window at 1280x800 (Monocle in mvn verify), fed by a fake run
 * through the window's own 30 Hz poll: 16 rows all in view without scrolling, a failed row that
 * stands out (its pseudo-class, a red-tinted row, its reason in full), and the end summary.
 */
@ExtendWith(ApplicationExtension.class)
class DestinationTableFxTest {

    private static final int ROWS = 16;
    private static final long TOTAL = 64L << 20;
    private static final String REASON = "Input/output error (the drive stopped answering at sector 2048; it may be"
            + " worn out or badly seated: try another port, or replace the drive)";

    private MainWindow window;
    private Scene scene;

    @Start
    void start(Stage stage) {
        DeviceTableViewModel devices = new DeviceTableViewModel(List::of, javafx.application.Platform::runLater);
        window = new MainWindow(devices);
        scene = new Scene(window.root(), 1280, 800);
        scene.getStylesheets().add(KcloneApp.class.getResource("/org/kclone/ui/kclone.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    private ViewModelTest.FakeRun startSixteen(FxRobot robot) throws Exception {
        ViewModelTest.FakeRun run = new ViewModelTest.FakeRun(TOTAL, ROWS);
        run.errors = new String[ROWS];
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            paths.add("/dev/sd" + (char) ('c' + i));
        }
        robot.interact(() -> window.job().start(run, paths, true));
        return run;
    }

    /** Changes the run on the FX thread (where the poll reads it) and waits for a poll that saw it. */
    private void feed(FxRobot robot, Runnable change) throws Exception {
        int[] before = new int[1];
        robot.interact(() -> {
            change.run();
            before[0] = window.job().polls();
        });
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> window.job().polls() > before[0] + 1
                || !window.job().running().get()); // the poll that ends the job is the last
        WaitForAsyncUtils.waitForFxEvents();
    }

    private TableRow<?> row(FxRobot robot, int i) {
        return robot.lookup(".destination-row").queryAllAs(TableRow.class).stream()
                .filter(r -> r.getIndex() == i && r.getItem() != null).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + i + " in the table"));
    }

    @Test
    void sixteenRowsAreAllInViewAndAFailedOneStandsOutWithItsReason(FxRobot robot) throws Exception {
        ViewModelTest.FakeRun run = startSixteen(robot);
        feed(robot, () -> {
            long[] w = new long[ROWS];
            java.util.Arrays.fill(w, TOTAL / 4);
            run.written = w;
            run.errors[5] = REASON;
        });
        onFx(() -> {
            Node table = robot.lookup("#destinationTable").query();
            Bounds view = table.localToScene(table.getBoundsInLocal());
            assertTrue(view.getMaxY() <= scene.getHeight(), "the table ends inside the window: " + view);
            for (int i = 0; i < ROWS; i++) {
                TableRow<?> r = row(robot, i);
                Bounds b = r.localToScene(r.getBoundsInLocal());
                assertTrue(r.isVisible() && b.getMinY() >= view.getMinY() && b.getMaxY() <= view.getMaxY() + 0.5,
                        "row " + i + " at " + b + " is outside the table's view " + view);
            }
            boolean scrolls = robot.lookup("#destinationTable .scroll-bar").queryAllAs(ScrollBar.class).stream()
                    .anyMatch(s -> s.getOrientation() == javafx.geometry.Orientation.VERTICAL && s.isVisible());
            assertFalse(scrolls, "16 rows need no scrolling at 1280x800");

            TableRow<?> failed = row(robot, 5);
            assertTrue(failed.getPseudoClassStates().contains(PseudoClass.getPseudoClass("failed")));
            assertFalse(row(robot, 4).getPseudoClassStates().contains(PseudoClass.getPseudoClass("failed")));
            assertTrue(row(robot, 4).getPseudoClassStates().contains(PseudoClass.getPseudoClass("writing")));
            assertTrue(reddish(failed), "a failed row is red-tinted: " + failed.getBackground().getFills());
            assertFalse(reddish(row(robot, 4)), "a writing row is not");
            Labeled state = robot.lookup("#state5").queryAs(Labeled.class);
            assertEquals("✗ failed: " + REASON, state.getText());
            assertEquals("✗ failed: " + REASON, state.getTooltip().getText(), "the whole reason in the tooltip");
            assertTrue(state.getFont().getStyle().toLowerCase().contains("bold"), state.getFont().toString());
            assertEquals("/dev/sdh: ✗ failed: " + REASON, robot.lookup("#rowReason").queryAs(Label.class).getText(),
                    "the reason in full, wrapped, under the table");
            assertEquals("", robot.lookup("#speed5").queryAs(Labeled.class).getText(), "a failed row has no speed");
            assertEquals("", robot.lookup("#eta5").queryAs(Labeled.class).getText(), "nor an ETA");
            assertFalse(robot.lookup("#eta4").queryAs(Labeled.class).getText().isEmpty());
            assertTrue(robot.lookup("#overallLine").queryAs(Label.class).getText().contains("1 failed"),
                    robot.lookup("#overallLine").queryAs(Label.class).getText());
        });

        feed(robot, () -> {
            long[] w = new long[ROWS];
            java.util.Arrays.fill(w, TOTAL);
            run.written = w;
            run.phase = CloneRun.Phase.VERIFYING;
            run.verified = TOTAL / 2;
        });
        onFx(() -> {
            assertTrue(robot.lookup("#overallLine").queryAs(Label.class).getText().startsWith("verifying: "));
            assertEquals(0.75, window.job().rows().get(0).bar().get());
            assertTrue(row(robot, 0).getPseudoClassStates().contains(PseudoClass.getPseudoClass("verifying")));
        });

        feed(robot, () -> {
            run.verified = TOTAL;
            List<String> d = new ArrayList<>();
            for (int i = 0; i < ROWS; i++) {
                d.add(i == 5 ? dest("failed", REASON, "[]")
                        : i == 9 ? dest("mismatch", null, "[{\"start\":7048,\"count\":1,\"sourceStart\":7048}]")
                        : dest("ok", null, "[]"));
            }
            run.report = report(d);
        });
        onFx(() -> {
            assertFalse(window.job().running().get());
            Label summary = robot.lookup("#summary").queryAs(Label.class);
            assertTrue(summary.isVisible());
            assertTrue(summary.getText().matches("Done in \\d+:\\d\\d: 14 ok, 1 failed, 1 mismatch; 64 MiB at .*/s average"),
                    summary.getText());
            assertTrue(summary.getPseudoClassStates().contains(PseudoClass.getPseudoClass("bad")));
            assertFalse(robot.lookup("#saveReport").queryAs(Button.class).isDisabled(), "Save report... right there");
            assertEquals(RowState.DONE, window.job().rows().get(0).kind().get());
            assertTrue(row(robot, 0).getPseudoClassStates().contains(PseudoClass.getPseudoClass("done")));
            assertTrue(row(robot, 9).getPseudoClassStates().contains(PseudoClass.getPseudoClass("mismatch")));
            assertTrue(row(robot, 5).getPseudoClassStates().contains(PseudoClass.getPseudoClass("failed")));
            assertEquals("✓ done, verified", robot.lookup("#state0").queryAs(Labeled.class).getText());
        });
    }

    /**
     * A real stick's size and a job's Done are shown whole at 1280x800, never cut to "128 ..." or
     * "12 MiB of 14.1 ..." (both seen by hand with the old widths).
     */
    @Test
    void aDrivesSizeAndItsDoneAreNeverCut(FxRobot robot) throws Exception {
        long stick = 16_008_609_792L; // a "16 GB" stick: 14.9 GiB
        ViewModelTest.FakeRun run = new ViewModelTest.FakeRun(stick, 2);
        robot.interact(() -> window.job().start(run, List.of("/dev/sdc", "/media/user/backups/monday/sdc1.img"), true));
        robot.interact(() -> {
            window.job().rows().get(0).describe("SanDisk Cruzer Blade", "4C530001230412345678", 500_107_862_016L);
            window.job().rows().get(1).describe("new image file", null, 131_072_000L);
        });
        feed(robot, () -> run.written = new long[] {stick - (1L << 30) / 10, stick / 3});
        onFx(() -> {
            assertEquals("465.8 GiB", shown(robot, "#size0"));
            assertEquals("125 MiB", shown(robot, "#size1"));
            assertEquals("14.8 GiB of 14.9 GiB", shown(robot, "#bytes0"));
            assertEquals("5 GiB of 14.9 GiB", shown(robot, "#bytes1"));
            List<String> titles = robot.lookup("#destinationTable .column-header .text").queryAllAs(javafx.scene.text.Text.class)
                    .stream().map(javafx.scene.text.Text::getText).toList();
            for (String t : List.of("Destination", "Model", "Serial", "Size", "Start", "Overwrites", "Progress", "Done",
                    "Speed", "ETA", "State")) {
                assertTrue(titles.contains(t), "the title '" + t + "' whole: " + titles);
            }
        });
    }

    /** Checks that run on the FX thread, as everything that reads a node must. */
    private interface Checks {
        void run() throws Exception;
    }

    /**
     * Runs checks on the FX thread and rethrows what they threw: the window's 30 Hz poll changes
     * these rows while the job runs, and reading a row's bounds from the test thread raced with it
     * (an IndexOutOfBoundsException inside JavaFX in a fresh-clone CI run).
     */
    private static void onFx(Checks checks) throws Exception {
        FutureTask<Void> task = new FutureTask<>(() -> {
            checks.run();
            return null;
        });
        javafx.application.Platform.runLater(task);
        try {
            task.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** What a cell shows: its text as drawn, with the ellipsis where it was cut. */
    private static String shown(FxRobot robot, String id) {
        Labeled cell = robot.lookup(id).queryAs(Labeled.class);
        javafx.scene.text.Text drawn = (javafx.scene.text.Text) cell.lookup(".text");
        return drawn == null ? null : drawn.getText();
    }

    private static boolean reddish(TableRow<?> r) {
        return r.getBackground() != null && r.getBackground().getFills().stream().map(BackgroundFill::getFill)
                .filter(Color.class::isInstance).map(Color.class::cast)
                .anyMatch(c -> c.getRed() > 0.9 && c.getGreen() < 0.85 && c.getBlue() < 0.85);
    }

    private static String dest(String status, String error, String mismatches) {
        return "{\"path\":\"d\",\"start\":0,\"length\":131072,\"status\":\"" + status + "\",\"error\":"
                + (error == null ? "null" : "\"" + error + "\"") + ",\"mismatches\":" + mismatches + "}";
    }

    private static Report report(List<String> destinations) {
        String json = "{\"command\":\"copy\",\"source\":{\"path\":\"s\",\"start\":0,\"length\":131072},"
                + "\"bytes\":" + TOTAL + ",\"seconds\":2.0,\"cancelled\":false,\"readErrors\":[],"
                + "\"destinations\":[" + String.join(",", destinations) + "]}";
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Report.class);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
