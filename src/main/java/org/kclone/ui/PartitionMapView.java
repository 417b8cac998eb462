package org.kclone.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Sizes;

/**
 * The partition map of the source's disk: one strip, each partition a segment in proportion to
 * its size (with a floor, so a 1 MiB partition can still be seen and clicked), free space as
 * such, and under it a bar where the source region lies. Clicking a partition makes it the
 * source. Hidden while the source is no disk with partitions.
 */
final class PartitionMapView {

    /** The narrowest a segment is drawn, as a share of the strip. */
    static final double MIN_SHARE = 0.06;

    private PartitionMapView() {
    }

    static Parent build(DeviceTableViewModel deviceVm, SourceViewModel sourceVm, ObservableBooleanValue locked) {
        Label title = new Label();
        title.setId("mapTitle");
        HBox strip = new HBox(2);
        strip.setId("partitionMap");
        strip.setMinHeight(44);
        strip.setMinWidth(50);
        strip.setPrefWidth(50); // its width is the pane's, never its segments' (they follow it)
        strip.setPrefHeight(44);
        Pane regionBar = new Pane();
        regionBar.setPrefHeight(6);
        regionBar.setMinHeight(6);
        VBox box = new VBox(4, title, strip, regionBar);
        box.setId("partitionMapPane");
        box.setPadding(new Insets(4, 0, 0, 0));
        Runnable redraw = () -> draw(deviceVm, sourceVm, locked, box, title, strip, regionBar);
        sourceVm.path().addListener((o, a, b) -> redraw.run());
        sourceVm.start().addListener((o, a, b) -> redraw.run());
        sourceVm.length().addListener((o, a, b) -> redraw.run());
        deviceVm.devices().addListener((ListChangeListener<DeviceInfo>) c -> redraw.run());
        locked.addListener((o, a, b) -> redraw.run());
        redraw.run();
        return box;
    }

    private static void draw(DeviceTableViewModel deviceVm, SourceViewModel sourceVm, ObservableBooleanValue locked,
            VBox box, Label title, HBox strip, Pane regionBar) {
        PartitionMap.Strip s = strip(deviceVm, sourceVm);
        box.setVisible(s != null);
        box.setManaged(s != null);
        strip.getChildren().clear();
        regionBar.getChildren().clear();
        if (s == null) {
            return;
        }
        title.setText("Partitions of " + s.disk().describe());
        double total = s.diskSectors();
        double gaps = 2.0 * (s.segments().size() - 1);
        double[] share = PartitionMap.shares(s, MIN_SHARE);
        for (int i = 0; i < share.length; i++) {
            PartitionMap.Segment seg = s.segments().get(i);
            Label text = new Label(seg.text());
            text.setMinWidth(0);
            StackPane cell = new StackPane(text);
            cell.setAlignment(Pos.CENTER);
            cell.getStyleClass().add(seg.free() ? "map-free" : "map-part");
            if (PartitionMap.inRegion(s, seg)) {
                cell.getStyleClass().add("map-selected");
            }
            double part = share[i];
            cell.prefWidthProperty().bind(Bindings.createDoubleBinding(
                    () -> Math.max(8, part * (strip.getWidth() - gaps)), strip.widthProperty()));
            cell.setMinWidth(Region.USE_PREF_SIZE);
            cell.setMaxWidth(Region.USE_PREF_SIZE);
            cell.setId("segment" + i);
            String tip = (seg.free() ? "Free space" : seg.path() + ": " + seg.text()) + "\nsectors " + seg.start()
                    + " → " + (seg.start() + seg.sectors() - 1);
            Tooltip.install(cell, new Tooltip(seg.free() ? tip : tip + "\nClick to copy this partition"));
            if (!seg.free()) {
                cell.setOnMouseClicked(e -> {
                    if (!locked.get()) {
                        sourceVm.choose(seg.path());
                    }
                });
            }
            HBox.setHgrow(cell, Priority.NEVER);
            strip.getChildren().add(cell);
        }
        // the region bar: where the source region lies, in true proportion
        Region region = new Region();
        region.getStyleClass().add("map-region");
        region.setId("mapRegion");
        region.layoutXProperty().bind(strip.widthProperty().multiply(s.regionStart() / total));
        region.prefWidthProperty().bind(Bindings.createDoubleBinding(
                () -> Math.max(2, s.regionCount() / total * strip.getWidth()), strip.widthProperty()));
        region.setPrefHeight(6);
        Tooltip.install(region, new Tooltip("The source region: " + Sizes.human(s.regionCount() * Sizes.SECTOR)
                + " from sector " + s.regionStart() + " of " + s.disk().path()));
        regionBar.getChildren().add(region);
    }

    /**
     * The strip for the source as typed: the path's disk even while START or LENGTH is not valid
     * yet (then the region is the whole path); null where the path is no disk with partitions.
     */
    static PartitionMap.Strip strip(DeviceTableViewModel deviceVm, SourceViewModel sourceVm) {
        String path = sourceVm.effectivePath(); // "sdb" typed is the listed /dev/sdb
        if (path == null) {
            return null;
        }
        return PartitionMap.of(deviceVm.roots(), path, sectors(sourceVm.start().get()),
                sectors(sourceVm.length().get()));
    }

    private static long sectors(String typed) {
        try {
            return typed == null || typed.isBlank() ? 0 : Math.max(0, Sizes.toSectors(typed));
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }
}
