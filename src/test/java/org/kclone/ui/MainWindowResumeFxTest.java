package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The window's Resume, headless: a job cancelled part way is offered beside the options and in
 * the start-up lines; Resume (with the same confirmation) copies the rest, and the copy is whole.
 * The window's maps go to the tests' XDG_DATA_HOME (surefire's environment).
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowResumeFxTest {

    @TempDir
    Path dir;

    private MainWindow window;

    @Start
    void start(Stage stage) throws java.io.IOException {
        // the window reads the user's maps folder (surefire points XDG_DATA_HOME under target): maps other
        // test classes and earlier legs left there are cleared, so this test sees only its own job's
        java.nio.file.Path maps = org.kclone.device.resume.MapStore.user(System.getenv()).dir();
        if (java.nio.file.Files.isDirectory(maps)) {
            try (var s = java.nio.file.Files.list(maps)) {
                for (java.nio.file.Path f : s.toList()) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
        }
        window = new MainWindow(new DeviceTableViewModel(DeviceTableViewModel.lsblk(),
                javafx.application.Platform::runLater));
        Scene scene = new Scene(window.root(), 1200, 760);
        scene.getStylesheets().add(KcloneApp.class.getResource("/org/kclone/ui/kclone.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    private static void fill(FxRobot robot, String id, String text) {
        TextField f = robot.lookup(id).queryAs(TextField.class);
        robot.interact(() -> f.setText(text));
    }

    /**
     * Waits for the offer; on a timeout says what the window had then (CI's JDK 25 leg once timed out
     * here with nothing to go by): the offer's text, whether its box showed, the plan the form made
     * (or why none), the maps in the window's folder.
     */
    private void awaitOffer(FxRobot robot, String when) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> offerShown(robot));
        } catch (java.util.concurrent.TimeoutException e) {
            StringBuilder b = new StringBuilder("no Resume offer " + when + ": ");
            robot.interact(() -> {
                Label l = robot.lookup("#resumeOffer").queryAs(Label.class);
                b.append("offer '").append(l.getText()).append("', box visible ").append(l.getParent().isVisible())
                        .append(", job running ").append(window.job().running().get()).append(", plan ");
                try {
                    b.append(window.destinations().plan().destinations().size()).append(" destination(s)");
                } catch (Exception x) {
                    b.append("none: ").append(x.getMessage());
                }
            });
            Path maps = org.kclone.device.resume.MapStore.user(System.getenv()).dir();
            try (var list = Files.list(maps)) {
                b.append("; maps: ").append(list.map(p -> p.getFileName().toString()).toList());
            }
            throw new AssertionError(b.toString(), e);
        }
    }

    /**
     * A start-up line for the job from {@code src} shows (the lines' box and the line); read on the FX
     * thread, where the lines are redrawn as the maps are read.
     */
    private static boolean interruptedLineShown(FxRobot robot, Path src) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> {
            Node box = robot.lookup("#interruptedJobs").query();
            return box.isVisible() && robot.lookup(n -> n instanceof Label l && l.getId() != null
                    && l.getId().startsWith("interrupted") && l.getText().contains(src.toString()) && l.isVisible())
                    .tryQuery().isPresent();
        }).get(10, TimeUnit.SECONDS);
    }

    /** The offer's line beside Start is shown (its box), with a text. */
    private static boolean offerShown(FxRobot robot) {
        Label l = robot.lookup("#resumeOffer").queryAs(Label.class);
        return l.getParent().isVisible() && !l.getText().isEmpty();
    }

    @Test
    void aCancelledJobIsOfferedAndResumeCopiesTheRest(FxRobot robot) throws Exception {
        byte[] data = new byte[16 << 20];
        new Random(5).nextBytes(data);
        Path src = Files.write(dir.resolve("src.img"), data);
        Path dest = dir.resolve("a.img");
        fill(robot, "#sourcePath", src.toString());
        fill(robot, "#destPath", dest.toString());
        robot.clickOn("#addDest");
        fill(robot, "#limit", "1M");
        robot.interact(() -> window.job().probe().set(false));
        robot.clickOn("#start");
        robot.clickOn("#confirmOverwrite");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window.job().running().get()
                && !window.job().rows().isEmpty() && window.job().rows().get(0).progress().get() > 0.1);
        robot.interact(() -> window.job().cancel());
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> window.job().report().get() != null);
        awaitOffer(robot, "after the cancelled job");
        String offer = robot.lookup("#resumeOffer").queryAs(Label.class).getText();
        assertTrue(offer.startsWith("An interrupted job wrote ") && offer.contains("Resume copies the rest"), offer);
        robot.interact(() -> window.lookForInterruptedJobs());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> robot.lookup(n -> n instanceof Label l
                && l.getId() != null && l.getId().startsWith("interrupted") && l.getText().contains(src.toString()))
                .tryQuery().isPresent());
        Node interrupted = robot.lookup(n -> n instanceof Label l && l.getId() != null
                && l.getId().startsWith("interrupted") && l.getText().contains(src.toString())).query();
        assertTrue(interrupted.isVisible());

        fill(robot, "#limit", "4M"); // the rest takes a few seconds: time to see the line go while it runs
        // the form changed: the offer is looked up again off the FX thread before it shows again
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> offerShown(robot)
                && robot.lookup("#resume").match(org.testfx.matcher.base.NodeMatchers.isVisible()).tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#resume");
        String resuming = robot.lookup("#confirmResuming").queryAs(Label.class).getText();
        assertTrue(resuming.startsWith("Resume: ") && resuming.contains(" of 16.0 MiB copied by the interrupted job stays"
                + " on the destinations") && resuming.endsWith("only the rest is copied."), resuming);
        Label resumingLine = robot.lookup("#confirmResuming").queryAs(Label.class);
        String drawn = resumingLine.lookupAll(".text").stream().map(n -> ((javafx.scene.text.Text) n).getText())
                .reduce("", String::concat);
        assertEquals(resuming.replace(" ", ""), drawn.replace("\n", "").replace(" ", ""),
                "the Resume line is drawn whole (wrapped), never cut with '...'");
        assertTrue(resumingLine.getScene().getWindow().getWidth() < 1000,
                "the dialog is not as wide as the screen: " + resumingLine.getScene().getWindow().getWidth());
        robot.clickOn("#confirmOverwrite");
        // the start-up line of the job now resumed goes while it runs (the job's own row says how it does)
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window.job().running().get()
                && !interruptedLineShown(robot, src));
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> !window.job().running().get()
                && window.job().report().get() != null && !window.job().report().get().cancelled());
        assertEquals("done", window.job().status().get());
        assertEquals(16L << 20, window.job().report().get().bytes());
        assertArrayEquals(data, Files.readAllBytes(dest));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !offerShown(robot)); // finished: its map went
        // another job's map, whose line shows once a look at the maps has read the folder: then the finished
        // job's line is known not to have come back (and not merely not yet)
        Path other = Files.write(dir.resolve("other.img"), new byte[1 << 20]);
        org.kclone.device.resume.TestMaps.write(org.kclone.device.resume.MapStore.user(System.getenv()),
                new org.kclone.device.CopyPlanner(java.util.List.of(), org.kclone.device.CopyPlanner.Options.NONE).copy(
                        org.kclone.device.RegionSpec.parse("SOURCE", other.toString()),
                        java.util.List.of(org.kclone.device.RegionSpec.parse("DEST 1", dir.resolve("o.img").toString()))),
                512 << 10);
        robot.interact(() -> window.lookForInterruptedJobs());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> interruptedLineShown(robot, other));
        assertTrue(!interruptedLineShown(robot, src), "finished: its line did not come back");
    }
}
