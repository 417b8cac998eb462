package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The tree's buttons stay where they are while the person works in the real window at 1280x800:
 * choosing a disk as source (its partition map appears) or selecting a device that cannot be a
 * destination (the reason appears) never moves "Use as source" and "Add as destination". Found by
 * hand: the map appeared between the buttons and the tree's foot, the buttons moved up, and the
 * next click where "Add as destination" had been landed on a partition of the map, which made
 * that partition the source.
 */
@ExtendWith(ApplicationExtension.class)
class DeviceTreeButtonsFxTest {

    /** Beside {@link PartitionMapTest#DISK}'s disk with partitions: a mounted drive and a free one. */
    private static final String MORE = """
            {"blockdevices": [
             {"name":"sdh","path":"/dev/sdh","size":1073741824,"type":"disk","tran":"usb","rm":true,"rota":false,
              "mountpoints":["/media/user/photos and the rest of a long mount point name to wrap it"]},
             {"name":"sdi","path":"/dev/sdi","size":1073741824,"type":"disk","tran":"usb","rm":true,"rota":false}
            ]}""";

    private MainWindow window;

    @Start
    void start(Stage stage) {
        DeviceTableViewModel devices = new DeviceTableViewModel(() -> java.util.stream.Stream.concat(
                PartitionMapTest.disk().stream(), Lsblk.parse(MORE, java.util.Map.of()).stream()).toList(),
                javafx.application.Platform::runLater);
        devices.refresh();
        window = new MainWindow(devices);
        Scene scene = new Scene(window.root(), 1280, 800);
        scene.getStylesheets().add(KcloneApp.class.getResource("/org/kclone/ui/kclone.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    private static Bounds at(FxRobot robot, String id) {
        Node n = robot.lookup(id).query();
        return n.localToScene(n.getBoundsInLocal());
    }

    /** The same place within a pixel (a focused button's bounds grow by its focus ring). */
    private static void samePlace(Bounds was, Bounds is, String what) {
        assertTrue(Math.abs(was.getCenterX() - is.getCenterX()) <= 1 && Math.abs(was.getCenterY() - is.getCenterY()) <= 1,
                what + ": was " + was + ", is " + is);
    }

    private static void select(FxRobot robot, String path) {
        TreeTableView<DeviceInfo> tree = robot.lookup("#devices").queryAs(TreeTableView.class);
        robot.interact(() -> {
            for (int i = 0; i < tree.getExpandedItemCount(); i++) {
                TreeItem<DeviceInfo> item = tree.getTreeItem(i);
                if (item != null && item.getValue() != null && path.equals(item.getValue().path())) {
                    tree.getSelectionModel().select(i);
                    return;
                }
            }
            throw new AssertionError(path + " is not in the tree");
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void choosingASourceOrSelectingAnUnwritableDeviceMovesNoButton(FxRobot robot) throws Exception {
        select(robot, "/dev/sdf");
        Bounds asSource = at(robot, "#useAsSource");
        Bounds asDest = at(robot, "#addAsDestination");
        Node destButton = robot.lookup("#addAsDestination").query();
        Bounds onScreen = destButton.localToScreen(destButton.getBoundsInLocal());

        robot.clickOn("#useAsSource");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("/dev/sdf", robot.lookup("#sourcePath").queryAs(TextField.class).getText());
        assertTrue(robot.lookup("#partitionMapPane").query().isVisible(), "the source's partition map is shown");
        samePlace(asSource, at(robot, "#useAsSource"), "Use as source stays where it was");
        samePlace(asDest, at(robot, "#addAsDestination"), "Add as destination stays where it was");

        select(robot, "/dev/sdh");
        Label whyNot = robot.lookup("#whyNot").queryAs(Label.class);
        assertTrue(whyNot.getText().startsWith("/dev/sdh cannot be a destination: mounted at"), whyNot.getText());
        samePlace(asDest, at(robot, "#addAsDestination"), "the reason appears without moving the button");

        select(robot, "/dev/sdi");
        robot.clickOn(new javafx.geometry.Point2D(onScreen.getCenterX(), onScreen.getCenterY()));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("/dev/sdi"), window.destinations().rows().stream().map(r -> r.path().get()).toList(),
                "the click where the button was added the selected drive");
        assertEquals("/dev/sdf", robot.lookup("#sourcePath").queryAs(TextField.class).getText(),
                "and left the source alone");
        assertFalse(robot.lookup("#addAsDestination").query().isDisabled());
    }
}
