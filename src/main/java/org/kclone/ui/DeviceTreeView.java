package org.kclone.ui;

import java.util.HashMap;
import java.util.Map;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableCell;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableRow;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kclone.device.DeviceInfo;

/**
 * The device tree (left): each disk with its partitions nested under it, a badge per kind, the
 * system disk in red and busy devices greyed with the reason in a tooltip and a column; the
 * buttons to use the selected one; below them the partition map of the source's disk.
 */
final class DeviceTreeView {

    private DeviceTreeView() {
    }

    static Parent build(DeviceTableViewModel deviceVm, SourceViewModel sourceVm, DestinationsViewModel destVm,
            ObservableBooleanValue locked) {
        TreeTableView<DeviceInfo> tree = new TreeTableView<>(new TreeItem<>());
        tree.setId("devices");
        tree.setShowRoot(false);
        TreeTableColumn<DeviceInfo, DeviceInfo> device = new TreeTableColumn<>("Device");
        device.setCellValueFactory(cd -> new javafx.beans.property.ReadOnlyObjectWrapper<>(cd.getValue().getValue()));
        device.setCellFactory(c -> new DeviceCell());
        tree.getColumns().add(device);
        // fitted to the tree's width: File system and Label in view without scrolling sideways
        DeviceTreeColumns.install(tree, device);
        tree.setRowFactory(t -> new TreeTableRow<>() {
            @Override
            protected void updateItem(DeviceInfo d, boolean empty) {
                super.updateItem(d, empty);
                getStyleClass().removeAll("system", "busy");
                setTooltip(null);
                if (!empty && d != null) {
                    String why = DeviceTableViewModel.whyNotDestination(d);
                    if (d.system()) {
                        getStyleClass().add("system");
                    } else if (why != null) {
                        getStyleClass().add("busy");
                    }
                    setTooltip(new Tooltip(DeviceTreeColumns.tooltip(d)));
                }
            }
        });
        fill(tree, deviceVm);
        deviceVm.devices().addListener((ListChangeListener<DeviceInfo>) c -> fill(tree, deviceVm));
        ReadOnlyObjectProperty<TreeItem<DeviceInfo>> selectedItem = tree.getSelectionModel().selectedItemProperty();
        var selected = Bindings.createObjectBinding(
                () -> selectedItem.get() == null ? null : selectedItem.get().getValue(), selectedItem);
        Button refresh = new Button("Refresh");
        refresh.setId("refresh");
        refresh.setOnAction(e -> new Thread(deviceVm::refreshAsked, "kclone-refresh").start());
        Button asSource = new Button("Use as source");
        asSource.setId("useAsSource");
        asSource.disableProperty().bind(selected.isNull().or(locked));
        asSource.setOnAction(e -> sourceVm.choose(selected.get().path()));
        Button asDest = new Button("Add as destination");
        asDest.setId("addAsDestination");
        asDest.disableProperty().bind(Bindings.createBooleanBinding(() -> {
            DeviceInfo d = selected.get();
            return locked.get() || d == null || !DeviceTableViewModel.selectableAsDestination(d);
        }, selected, locked));
        asDest.setOnAction(e -> destVm.offer(selected.get().path()));
        Label whyNot = new Label();
        whyNot.setId("whyNot");
        whyNot.getStyleClass().add("error");
        whyNot.textProperty().bind(Bindings.createStringBinding(() -> {
            DeviceInfo d = selected.get();
            String why = d == null ? null : DeviceTableViewModel.whyNotDestination(d);
            return why == null ? "" : d.path() + " cannot be a destination: " + why;
        }, selected));
        Label status = new Label();
        status.textProperty().bind(deviceVm.status());
        for (Button b : new Button[] {refresh, asSource, asDest}) {
            b.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        whyNot.setWrapText(true);
        whyNot.managedProperty().bind(whyNot.textProperty().isNotEmpty()); // no empty line over the buttons
        Parent map = PartitionMapView.build(deviceVm, sourceVm, locked);
        javafx.beans.value.ObservableValue<String> sourceWhy = Bindings.createStringBinding(
                () -> DisabledReasons.useAsSource(selected.get(), locked.get()), selected, locked);
        javafx.beans.value.ObservableValue<String> destWhy = Bindings.createStringBinding(
                () -> DisabledReasons.addAsDestination(selected.get(), locked.get()), selected, locked);
        // the buttons stay at the column's foot: the source's partition map and the reason a row
        // cannot be a destination come and go above them, never moving them under the pointer (with
        // the buttons above the map, choosing a source moved "Add as destination" up and put a
        // partition of the map, whose click makes it the source, where the button had been)
        VBox box = new VBox(6, tree, map, whyNot, new HBox(6, refresh, WhyDisabled.explain(asSource, sourceWhy),
                WhyDisabled.explain(asDest, destWhy), status));
        VBox.setVgrow(tree, Priority.ALWAYS);
        box.setPadding(new Insets(8));
        return box;
    }

    /**
     * The height {@code column} (holding the tree built here) wants with up to {@code rows} devices
     * of the tree in view: what is under the tree (buttons, partition map...) at its own height.
     */
    static double columnHeight(Parent column, int rows) {
        if (!(column.lookup("#devices") instanceof TreeTableView<?> tree)) {
            return column.prefHeight(-1);
        }
        double treeHeight = 28 + Math.max(3, Math.min(rows, tree.getExpandedItemCount() - 1)) * 24 + 16;
        return column.prefHeight(-1) - tree.prefHeight(-1) + treeHeight;
    }

    /** Rebuilds the tree from the flat list (a partition follows its disk), keeping the selection by path. */
    private static void fill(TreeTableView<DeviceInfo> tree, DeviceTableViewModel vm) {
        TreeItem<DeviceInfo> was = tree.getSelectionModel().getSelectedItem();
        String selectedPath = was == null || was.getValue() == null ? null : was.getValue().path();
        TreeItem<DeviceInfo> root = tree.getRoot();
        root.getChildren().clear();
        Map<String, TreeItem<DeviceInfo>> disks = new HashMap<>();
        TreeItem<DeviceInfo> reselect = null;
        for (DeviceInfo d : vm.devices()) {
            TreeItem<DeviceInfo> item = new TreeItem<>(d);
            TreeItem<DeviceInfo> parent = d.isPartition() && d.parent() != null ? disks.get(d.parent()) : null;
            if (parent != null) {
                parent.getChildren().add(item);
            } else {
                root.getChildren().add(item);
                item.setExpanded(true);
                disks.put(d.name(), item);
            }
            if (d.path() != null && d.path().equals(selectedPath)) {
                reselect = item;
            }
        }
        if (reselect != null) {
            tree.getSelectionModel().select(reselect);
        }
        DeviceTreeColumns.fitDevice(tree, vm.devices());
    }

    /** The device's badge (its kind) and its full path. */
    private static final class DeviceCell extends TreeTableCell<DeviceInfo, DeviceInfo> {
        @Override
        protected void updateItem(DeviceInfo d, boolean empty) {
            super.updateItem(d, empty);
            if (empty || d == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            DeviceKind kind = DeviceKind.of(d);
            Label badge = new Label(kind.badge);
            badge.getStyleClass().addAll("kind", kind.styleClass());
            badge.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            badge.setTooltip(new Tooltip(kind.meaning + (d.removable() ? ", removable" : "")));
            Label path = new Label(d.path());
            path.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // never "/dev/lo..."
            HBox box = new HBox(6, badge, path);
            setGraphic(box);
            setText(null);
        }
    }
}
