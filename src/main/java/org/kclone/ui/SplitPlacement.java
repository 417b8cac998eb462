package org.kclone.ui;

import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.scene.Parent;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.Region;
import org.kclone.device.DeviceInfo;

/**
 * Where the window's vertical divider sits: the destinations table keeps room for its rows (4 to
 * 16) whatever the window's height; the tree and the setup column above get the rest, and never
 * less than the taller of the two needs (the setup column; the tree with up to 8 devices in view
 * and the source's partition map under it; the setup column with the duplicator's drives when it is
 * open) when the window allows it; at least a fifth. Placed
 * again when the window's height, the rows, the source or the device list change.
 */
final class SplitPlacement {

    /** Devices of the tree kept in view when the window allows it. */
    static final int TREE_ROWS = 8;

    private SplitPlacement() {
    }

    /** The divider's position from the heights (pixels): what the table wants, what the top wants. */
    static double divider(double windowHeight, double forTable, double forTop) {
        double h = Math.max(1, windowHeight);
        return Math.max(0.2, Math.min(forTop / h, 1 - forTable / h));
    }

    static void install(Region root, SplitPane vertical, Parent left, Parent right, JobViewModel jobVm,
            DetailsPane details, SourceViewModel sourceVm, DeviceTableViewModel deviceVm,
            javafx.beans.value.ObservableValue<Boolean> duplicatorShown) {
        java.util.function.DoubleSupplier wanted = () -> divider(root.getHeight(),
                ProgressView.preferredHeight(jobVm.rows().size()) + 8 + details.node().prefHeight(-1),
                Math.max(right.prefHeight(-1), DeviceTreeView.columnHeight(left, TREE_ROWS)));
        Runnable place = () -> vertical.setDividerPositions(wanted.getAsDouble());
        // while the person types the source, its line under the fields comes and goes (an error of
        // two lines, a summary of one, a partition map): the divider only moves down when the top
        // needs more, never back up, so the destinations bar and Start do not jump at each key
        Runnable grow = () -> {
            double want = wanted.getAsDouble();
            if (vertical.getDividerPositions().length == 0 || want > vertical.getDividerPositions()[0]) {
                vertical.setDividerPositions(want);
            }
        };
        root.heightProperty().addListener((o, was, h) -> place.run());
        jobVm.rows().addListener((ListChangeListener<org.kclone.ui.table.DestinationRow>) c -> place.run());
        // a source's partition map appears under the tree: once it is laid out, the tree keeps its rows in view
        sourceVm.summary().addListener((o, a, b) -> Platform.runLater(grow));
        deviceVm.devices().addListener((ListChangeListener<DeviceInfo>) c -> Platform.runLater(place));
        // the duplicator's drives under the setup column: opened, the top takes what the table can spare
        duplicatorShown.addListener((o, was, now) -> Platform.runLater(place));
    }
}
