package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.TableCell;
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
 * Each destination row's strip of what is about to be overwritten, in the real window at
 * 1280x800 over lsblk data ({@link PartitionMapTest#DISK}): the strip cell is in the row, inside
 * its 24 px, with its overwritten partitions marked, and its tooltip names them; an image file's
 * strip is plain and says so.
 */
@ExtendWith(ApplicationExtension.class)
class DestinationStripFxTest {

    @TempDir
    static Path dir;

    private MainWindow window;

    @Start
    void start(Stage stage) {
        DeviceTableViewModel devices = new DeviceTableViewModel(PartitionMapTest::disk, javafx.application.Platform::runLater);
        devices.refresh();
        window = new MainWindow(devices);
        Scene scene = new Scene(window.root(), 1280, 800);
        scene.getStylesheets().add(KcloneApp.class.getResource("/org/kclone/ui/kclone.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    private static TableCell<?, ?> cell(FxRobot robot, int i) {
        return robot.lookup("#strip" + i).queryAs(TableCell.class);
    }

    @Test
    void eachRowShowsWhatItsCopyOverwrites(FxRobot robot) throws Exception {
        Path src = dir.resolve("source.img");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(src.toFile(), "rw")) {
            f.setLength(16 << 20);
        }
        Path image = dir.resolve("copy.img");
        Files.deleteIfExists(image);
        TextField source = robot.lookup("#sourcePath").queryAs(TextField.class);
        robot.interact(() -> {
            source.setText(src.toString());
            window.destinations().add("/dev/sdf");
            window.destinations().add("/dev/sdf2");
            window.destinations().add(image.toString());
        });
        WaitForAsyncUtils.waitForFxEvents();

        TableCell<?, ?> disk = cell(robot, 0);
        String tip = disk.getTooltip().getText();
        assertTrue(tip.startsWith("/dev/sdf: 16.0 MiB from sector 0 overwrites\n"), tip);
        assertTrue(tip.contains("/dev/sdf1: EFI · vfat · 256.0 MiB (in part)"), tip);
        assertTrue(tip.contains("the partition table"), tip);
        List<Node> parts = List.copyOf(disk.lookupAll(".strip-part"));
        assertEquals(4, parts.size(), "EFI, free, sdf2, free");
        assertEquals(List.of(true, false, false, false),
                parts.stream().map(n -> n.getStyleClass().contains("strip-hit")).toList());
        Bounds cellBounds = disk.localToScene(disk.getBoundsInLocal());
        Bounds efi = parts.get(0).localToScene(parts.get(0).getBoundsInLocal());
        assertTrue(efi.getWidth() > 2 && efi.getMinY() >= cellBounds.getMinY() && efi.getMaxY() <= cellBounds.getMaxY(),
                "the EFI segment " + efi + " is drawn inside its cell " + cellBounds);
        assertTrue(cellBounds.getHeight() <= 24.5, "rows stay compact: " + cellBounds);

        String partTip = cell(robot, 1).getTooltip().getText();
        assertEquals("/dev/sdf2 on /dev/sdf: 16.0 MiB from sector 0 overwrites\n/dev/sdf2: sdf2 · ext4 · 640.0 MiB (in part)",
                partTip);
        assertEquals(List.of(false, false, true, false), cell(robot, 1).lookupAll(".strip-part").stream()
                .map(n -> n.getStyleClass().contains("strip-hit")).toList());

        TableCell<?, ?> img = cell(robot, 2);
        assertEquals(1, img.lookupAll(".strip-plain").size(), "an image file's strip is plain");
        assertTrue(img.getTooltip().getText().startsWith(image + ": an image file, no partitions shown."),
                img.getTooltip().getText());

        robot.interact(() -> window.destinations().rows().get(0).start().set("600000"));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(cell(robot, 0).getTooltip().getText().endsWith("/dev/sdf2: sdf2 · ext4 · 640.0 MiB (in part)"),
                "a new start moves what is overwritten: " + cell(robot, 0).getTooltip().getText());
    }
}
