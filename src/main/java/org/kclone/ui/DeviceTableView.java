package org.kclone.ui;

import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableBooleanValue;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Sizes;

/**
 * The device table (left): every disk and partition, the system disk in red, and the buttons to
 * use the selected one. A device that may not be a destination says why beside the buttons.
 */
final class DeviceTableView {

    private DeviceTableView() {
    }

    static Parent build(DeviceTableViewModel deviceVm, SourceViewModel sourceVm, DestinationsViewModel destVm,
            ObservableBooleanValue locked) {
        TableView<DeviceInfo> table = new TableView<>(deviceVm.devices());
        table.setId("devices");
        table.getColumns().add(column("Device", d -> (d.isPartition() ? "  " : "") + d.path()));
        table.getColumns().add(column("Size", d -> Sizes.human(d.size())));
        table.getColumns().add(column("Model", d -> d.model() == null ? "" : d.model().trim()));
        table.getColumns().add(column("Serial", d -> d.serial() == null ? "" : d.serial().trim()));
        table.getColumns().add(column("Bus", d -> d.transport() == null ? "" : d.transport()));
        table.getColumns().add(column("Removable", d -> d.removable() ? "yes" : ""));
        table.getColumns().add(column("Mounted", d -> String.join(", ", d.mountpoints())));
        table.getColumns().add(column("", d -> {
            String why = DeviceTableViewModel.whyNotDestination(d);
            return why == null ? "" : why;
        }));
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(DeviceInfo d, boolean empty) {
                super.updateItem(d, empty);
                getStyleClass().removeAll("system", "busy");
                if (!empty && d != null) {
                    if (d.system()) {
                        getStyleClass().add("system");
                    } else if (!DeviceTableViewModel.selectableAsDestination(d)) {
                        getStyleClass().add("busy");
                    }
                }
            }
        });
        var selected = table.getSelectionModel().selectedItemProperty();
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
        asDest.setOnAction(e -> destVm.add(selected.get().path()));
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
        VBox box = new VBox(6, table, new HBox(6, refresh, asSource, asDest, status), whyNot);
        VBox.setVgrow(table, Priority.ALWAYS);
        box.setPadding(new Insets(8));
        return box;
    }

    private static TableColumn<DeviceInfo, String> column(String title, Function<DeviceInfo, String> f) {
        TableColumn<DeviceInfo, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(f.apply(cd.getValue())));
        return c;
    }
}
