package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Bounds;
import javafx.geometry.Orientation;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeTableCell;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableRow;
import javafx.scene.control.TreeTableView;
import javafx.scene.text.Text;
import javafx.stage.Popup;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The window's layout where a person looks first, headless at 1280x800 (and 1024x768) over lsblk
 * data: the device tree shows each partition's File system and Label without scrolling sideways,
 * every shown column whole; the end-of-job notification hides neither Save report nor the summary.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowLayoutFxTest {

    /** An NVMe system disk with a long model, a USB stick with a labelled partition. */
    static final String DISKS = """
            {"blockdevices": [
             {"name":"nvme0n1","path":"/dev/nvme0n1","size":1000204886016,"type":"disk",
              "model":"Samsung SSD 970 EVO Plus 1TB with a long model name","serial":"S4EWNX0R123456",
              "tran":"nvme","rm":false,"rota":false,"children":[
               {"name":"nvme0n1p1","path":"/dev/nvme0n1p1","size":536870912,"type":"part","start":2048,
                "fstype":"vfat","label":"EFI","pkname":"nvme0n1","mountpoints":["/boot/efi"]},
               {"name":"nvme0n1p2","path":"/dev/nvme0n1p2","size":999666221056,"type":"part","start":1050624,
                "fstype":"ext4","label":"ubuntu-root","pkname":"nvme0n1","mountpoints":["/"]}]},
             {"name":"sdb","path":"/dev/sdb","size":32010928128,"type":"disk","model":"Ultra Fit",
              "tran":"usb","rm":true,"rota":false,"children":[
               {"name":"sdb1","path":"/dev/sdb1","size":32009879552,"type":"part","start":2048,
                "fstype":"exfat","label":"PHOTOS-2024","pkname":"sdb"}]}
            ]}""";

    /** A SATA system disk and the same stick: shorter names than NVMe's. */
    static final String SATA = """
            {"blockdevices": [
             {"name":"sda","path":"/dev/sda","size":500107862016,"type":"disk","model":"WDC WD5000AAKX",
              "tran":"sata","rm":false,"rota":true,"children":[
               {"name":"sda1","path":"/dev/sda1","size":536870912,"type":"part","start":2048,
                "fstype":"vfat","label":"EFI","pkname":"sda","mountpoints":["/boot/efi"]},
               {"name":"sda2","path":"/dev/sda2","size":499569991168,"type":"part","start":1050624,
                "fstype":"ext4","label":"ubuntu-root","pkname":"sda","mountpoints":["/"]}]},
             {"name":"sdb","path":"/dev/sdb","size":32010928128,"type":"disk","model":"Ultra Fit",
              "tran":"usb","rm":true,"rota":false,"children":[
               {"name":"sdb1","path":"/dev/sdb1","size":32009879552,"type":"part","start":2048,
                "fstype":"exfat","label":"PHOTOS-2024","pkname":"sdb"}]}
            ]}""";

    @TempDir
    Path dir;

    private MainWindow window;
    private Stage stage;
    private DeviceTableViewModel devices;
    /** The lsblk data the window lists. */
    private volatile String lsblk = DISKS;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        devices = new DeviceTableViewModel(() -> Lsblk.parse(lsblk, java.util.Map.of()),
                javafx.application.Platform::runLater);
        devices.refresh();
        window = new MainWindow(devices);
        Scene scene = new Scene(window.root(), 1280, 800);
        scene.getStylesheets().add(KcloneApp.class.getResource("/org/kclone/ui/kclone.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    @SuppressWarnings("unchecked")
    private static TreeTableView<DeviceInfo> tree(FxRobot robot) {
        return robot.lookup("#devices").queryAs(TreeTableView.class);
    }

    private static Bounds scene(Node n) {
        return n.localToScene(n.getBoundsInLocal());
    }

    /** The cell of {@code path}'s row in the column titled {@code title}. */
    private static TreeTableCell<?, ?> cell(FxRobot robot, String path, String title) {
        return robot.lookup(".tree-table-cell").queryAllAs(TreeTableCell.class).stream()
                .filter(c -> c.getTableColumn() != null && title.equals(c.getTableColumn().getText()))
                .filter(c -> c.getTableRow() != null && c.getTableRow().getItem() instanceof DeviceInfo d
                        && path.equals(d.path()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + title + " cell for " + path));
    }

    /** The text a cell draws (its own Text node: "..." when the column is too narrow for it). */
    private static String drawn(Node cell) {
        return cell.lookupAll(".text").stream().filter(Text.class::isInstance).map(t -> ((Text) t).getText())
                .findFirst().orElse("");
    }

    /**
     * No sideways scrolling; the shown columns fit the tree's width, each title whole, the first
     * {@code leading} of them Device, Size, File system, Label, with each row's texts in them whole
     * and inside the tree. {@code rows}: a path, its file system, its label.
     */
    private static void assertTheTreeFits(FxRobot robot, String size, int leading, String[][] rows) {
        WaitForAsyncUtils.waitForFxEvents();
        TreeTableView<DeviceInfo> tree = tree(robot);
        boolean sideways = tree.lookupAll(".scroll-bar").stream().anyMatch(n -> n instanceof ScrollBar b
                && b.getOrientation() == Orientation.HORIZONTAL && b.isVisible());
        assertFalse(sideways, "no sideways scroll bar at " + size);
        List<TreeTableColumn<DeviceInfo, ?>> shown = tree.getVisibleLeafColumns();
        double sum = shown.stream().mapToDouble(TreeTableColumn::getWidth).sum();
        double inside = tree.getWidth() - tree.snappedLeftInset() - tree.snappedRightInset();
        assertTrue(sum <= inside + 0.5, "the columns (" + sum + " px) fit the tree (" + inside + " px) at " + size);
        assertTrue(sum >= inside - 20, "and fill it (" + sum + " of " + inside + " px; a vertical scroll bar aside) at " + size);
        List<String> titles = shown.stream().map(TreeTableColumn::getText).toList();
        assertTrue(titles.size() >= leading, titles + " at " + size);
        assertEquals(List.of("Device", "Size", "File system", "Label").subList(0, leading), titles.subList(0, leading),
                "what is on each partition comes right after the device and its size at " + size);
        Bounds view = scene(tree);
        for (String[] row : rows) {
            for (int i = 1; i <= 2 && i + 1 < leading; i++) {
                TreeTableCell<?, ?> c = cell(robot, row[0], i == 1 ? "File system" : "Label");
                Bounds b = scene(c);
                assertTrue(b.getMinX() >= view.getMinX() && b.getMaxX() <= view.getMaxX(),
                        row[0] + "'s " + c.getTableColumn().getText() + " cell " + b + " is inside the tree " + view
                                + " at " + size);
                assertEquals(row[i], drawn(c), row[0] + "'s " + c.getTableColumn().getText() + " whole at " + size);
            }
            Node device = cell(robot, row[0], "Device");
            assertTrue(device.lookupAll(".text").stream().anyMatch(t -> t instanceof Text x && x.getText().equals(row[0])),
                    row[0] + " whole in the Device column at " + size);
        }
        // every shown column's title whole
        List<String> headers = tree.lookupAll(".column-header .text").stream().filter(Text.class::isInstance)
                .filter(Node::isVisible).map(t -> ((Text) t).getText()).toList();
        for (String t : titles) {
            assertTrue(headers.contains(t), "the title '" + t + "' is whole at " + size + ": " + headers);
        }
    }

    @Test
    void theDeviceTreeShowsFileSystemAndLabelWithoutScrollingSideways(FxRobot robot) {
        String[][] nvme = {{"/dev/nvme0n1p2", "ext4", "ubuntu-root"}, {"/dev/sdb1", "exfat", "PHOTOS-2024"},
            {"/dev/nvme0n1p1", "vfat", "EFI"}};
        assertTheTreeFits(robot, "1280x800", 4, nvme);
        assertEquals("Model", tree(robot).getVisibleLeafColumns().get(4).getText(), "and the model at 1280x800");
        // the system disk's row is bold: its size whole all the same (it was "931.5 ..." by hand)
        assertEquals("931.5 GiB", drawn(cell(robot, "/dev/nvme0n1", "Size")));
        TreeTableRow<?> disk = robot.lookup(".tree-table-row-cell").queryAllAs(TreeTableRow.class).stream()
                .filter(r -> r.getItem() instanceof DeviceInfo d && d.path().equals("/dev/nvme0n1")).findFirst()
                .orElseThrow();
        String tip = disk.getTooltip().getText();
        assertTrue(tip.contains("Samsung SSD 970 EVO Plus 1TB with a long model name") && tip.contains("S4EWNX0R123456")
                && tip.contains("Not a destination: system disk"), "a row's tooltip has what its cells cut: " + tip);
        String partTip = robot.lookup(".tree-table-row-cell").queryAllAs(TreeTableRow.class).stream()
                .filter(r -> r.getItem() instanceof DeviceInfo d && d.path().equals("/dev/nvme0n1p2")).findFirst()
                .orElseThrow().getTooltip().getText();
        assertTrue(partTip.contains("ext4, label ubuntu-root, mounted at /"), partTip);

        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(768);
        });
        // the tree's 428 px hold Device, Size and File system; Label waits for more room (the row's tooltip has it)
        assertTheTreeFits(robot, "1024x768", 3, nvme);
        assertEquals("931.5 GiB", drawn(cell(robot, "/dev/nvme0n1", "Size")), "at 1024x768 too");
        double nvmeDevice = tree(robot).getColumns().get(0).getWidth();
        lsblk = SATA;
        robot.interact(devices::refresh);
        assertTheTreeFits(robot, "1024x768 (SATA)", 3, new String[][] {{"/dev/sda2", "ext4", "ubuntu-root"},
            {"/dev/sdb1", "exfat", "PHOTOS-2024"}, {"/dev/sda1", "vfat", "EFI"}});
        assertTrue(tree(robot).getColumns().get(0).getWidth() < nvmeDevice, "the Device column follows the longest path");
    }

    @Test
    void theEndOfJobNotificationHidesNeitherSaveReportNorTheSummary(FxRobot robot) throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        Path src = Files.write(dir.resolve("src.img"), data);
        TextField source = robot.lookup("#sourcePath").queryAs(TextField.class);
        TextField dest = robot.lookup("#destPath").queryAs(TextField.class);
        robot.interact(() -> {
            source.setText(src.toString());
            dest.setText(dir.resolve("copy.img").toString());
        });
        robot.clickOn("#addDest");
        robot.clickOn("#start");
        robot.clickOn("#confirmOverwrite");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> window.job().report().get() != null);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> notification() != null);
        WaitForAsyncUtils.waitForFxEvents();
        Popup popup = notification();
        Rectangle2D notice = new Rectangle2D(popup.getX(), popup.getY(), popup.getWidth(), popup.getHeight());
        assertTrue(notice.getWidth() > 0 && notice.getHeight() > 0, "shown: " + notice);
        Button save = robot.lookup("#saveReport").queryButton();
        assertFalse(save.isDisabled(), "Save report is there to click");
        for (Node n : new Node[] {save, robot.lookup("#summary").query()}) {
            Bounds b = n.localToScreen(n.getBoundsInLocal());
            Rectangle2D r = new Rectangle2D(b.getMinX(), b.getMinY(), b.getWidth(), b.getHeight());
            assertFalse(notice.intersects(r), "the notification " + notice + " covers #" + n.getId() + " at " + r);
        }
        Window owner = stage;
        assertTrue(notice.getMinX() >= owner.getX() && notice.getMaxX() <= owner.getX() + owner.getWidth()
                && notice.getMinY() >= owner.getY(), "in the window's top right: " + notice);
    }

    /**
     * Typing the source's Length by hand, the line under the fields goes from a one-line summary to
     * a two-line error and back at each key: the destinations bar (and Start) below stays put once
     * the top has grown for the error (it moved up and down by 46 px, seen by hand under Xvfb).
     */
    @Test
    void typingTheSourceMovesNeitherTheDestinationsBarNorStart(FxRobot robot) throws Exception {
        Path image = dir.resolve("source.img");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(256L << 20);
        }
        robot.interact(() -> robot.lookup("#sourcePath").queryAs(TextField.class).setText(image.toString()));
        WaitForAsyncUtils.waitForFxEvents();
        TextField length = robot.lookup("#sourceLength").queryAs(TextField.class);
        Node bar = robot.lookup("#destPath").query();
        String[] typed = {"10 X", "10M", "7 parsecs and a long tail to wrap the error line", "64M", "whole?", ""};
        robot.interact(() -> length.setText(typed[0]));
        WaitForAsyncUtils.waitForFxEvents();
        double y = scene(bar).getMinY();
        for (String t : typed) {
            robot.interact(() -> length.setText(t));
            WaitForAsyncUtils.waitForFxEvents();
            WaitForAsyncUtils.waitForFxEvents(); // the placement runs after the layout pass
            assertEquals(y, scene(bar).getMinY(), 0.5, "the destinations bar after typing '" + t + "'");
            Bounds sourceBox = scene(length);
            assertTrue(sourceBox.getMaxY() < y, "the source's fields stay above it");
        }
        String error = robot.lookup("#sourceError").queryAs(javafx.scene.control.Label.class).getText();
        assertTrue(error.isEmpty(), "the last text (empty: the whole image) is valid: " + error);
    }

    /** The notification's popup once it has slid to where it stays, else null. */
    private static Popup notification() {
        return Window.getWindows().stream().filter(w -> w instanceof Popup p && p.isShowing()
                && p.getScene().getRoot().lookup(".notification-bar") != null).map(Popup.class::cast).findFirst()
                .orElse(null);
    }
}
