package org.kclone.ui.duplicator;

import java.io.File;
import java.io.IOException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;
import org.kclone.device.RegionSpec;
import org.kclone.device.Sizes;
import org.kclone.device.report.ReportFiles;

/**
 * Duplicator mode's pane: the arm toggle, the counters, and one row per plugged drive (drive,
 * model and serial, size, a bar, the state, and when it is safe to remove it). Its rows move from
 * one timeline at {@code updatesPerSecond} that runs only while the mode is armed or jobs run.
 */
public final class DuplicatorView {

    private DuplicatorView() {
    }

    /**
     * @param source the source as chosen now (null while invalid), read when the mode is armed
     * @param sourceBytes its length in bytes
     */
    public static TitledPane build(DuplicatorViewModel vm, Supplier<RegionSpec> source, LongSupplier sourceBytes,
            int updatesPerSecond) {
        ToggleButton arm = new ToggleButton("Write every drive I plug in");
        arm.setId("dupArm");
        arm.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        arm.setTooltip(new Tooltip("Each removable drive plugged in from now on, at least as large as the source and"
                + " passing every check, is written with the source and verified. Drives already plugged in are"
                + " left alone."));
        arm.setSelected(vm.armed().get());
        arm.setOnAction(e -> {
            if (arm.isSelected()) {
                RegionSpec chosen = source.get();
                // destructive from here on, without another question per drive: asked once, here
                if (chosen == null || confirmArming(arm, chosen, sourceBytes.getAsLong())) {
                    vm.arm(chosen, sourceBytes.getAsLong());
                }
            } else {
                vm.disarm();
            }
            arm.setSelected(vm.armed().get());
        });
        vm.armed().addListener((o, a, b) -> {
            arm.setSelected(b);
            arm.setText(b ? "Armed: click to stop watching" : "Write every drive I plug in");
        });
        Label counters = new Label();
        counters.setId("dupCounters");
        counters.textProperty().bind(vm.counters());
        counters.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        Label status = new Label();
        status.setId("dupStatus");
        status.setWrapText(true);
        status.textProperty().bind(vm.status());

        TableView<DriveRow> table = new TableView<>(vm.rows());
        table.setId("dupRows");
        table.setPlaceholder(new Label("Drives plugged in while the mode is armed appear here."));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPrefHeight(180);
        table.setMinHeight(90);
        table.getColumns().add(column("Drive", 100, 100, r -> r.path()));
        table.getColumns().add(column("Model", 140, 80, r -> r.model()));
        table.getColumns().add(column("Size", 75, 75, r -> Sizes.human(r.size())));
        TableColumn<DriveRow, Number> bar = new TableColumn<>("Progress");
        bar.setPrefWidth(90);
        bar.setMinWidth(70);
        bar.setCellValueFactory(c -> c.getValue().progress());
        bar.setCellFactory(c -> new TableCell<>() {
            private final ProgressBar b = new ProgressBar();

            @Override
            protected void updateItem(Number v, boolean empty) {
                super.updateItem(v, empty);
                b.setMaxWidth(Double.MAX_VALUE);
                b.setProgress(v == null ? 0 : v.doubleValue());
                setGraphic(empty ? null : b);
            }
        });
        table.getColumns().add(bar);
        TableColumn<DriveRow, String> state = new TableColumn<>("State");
        state.setPrefWidth(75);
        state.setMinWidth(75);
        state.setCellValueFactory(c -> c.getValue().state());
        state.setCellFactory(c -> wrapped(state, false)); // "written before" on two lines
        table.getColumns().add(state);
        TableColumn<DriveRow, String> message = new TableColumn<>("Safe to remove?");
        message.setPrefWidth(250);
        message.setMinWidth(160);
        message.setCellValueFactory(c -> c.getValue().message());
        // the whole reason, wrapped onto more lines: the row grows, nothing is cut off
        message.setCellFactory(c -> wrapped(message, true));
        table.getColumns().add(message);
        table.setRowFactory(t -> new TableRow<>() {
            private final javafx.beans.value.ChangeListener<String> restyle = (o, a, b) -> style(getItem());

            @Override
            protected void updateItem(DriveRow item, boolean empty) {
                DriveRow old = getItem();
                if (old != null) {
                    old.state().removeListener(restyle);
                }
                super.updateItem(item, empty);
                if (item != null && !empty) {
                    item.state().addListener(restyle);
                }
                style(empty ? null : item);
            }

            private void style(DriveRow item) {
                getStyleClass().removeAll("dup-done", "dup-failed", "dup-refused", "dup-before", "dup-running");
                if (item == null) {
                    setStyle("");
                    return;
                }
                String s = item.state().get();
                String cls = switch (s) {
                    case "done" -> "dup-done";
                    case "failed", "mismatch" -> "dup-failed";
                    case "refused" -> "dup-refused";
                    case "written before", "written again" -> "dup-before";
                    default -> "dup-running";
                };
                getStyleClass().add(cls);
                setStyle(switch (cls) {
                    case "dup-done" -> "-fx-background-color: #dff3df;";
                    case "dup-failed" -> "-fx-background-color: #f8d0d0;";
                    case "dup-refused" -> "-fx-background-color: #f3ead0;";
                    case "dup-before" -> "-fx-background-color: #dce8f5;";
                    default -> "";
                });
            }
        });

        TitledPane pane = new TitledPane("Duplicator", null);
        Timeline ticker = new Timeline();
        ticker.getKeyFrames().add(new KeyFrame(Duration.millis(1000.0 / updatesPerSecond), e -> {
            vm.poll();
            vm.nextNotice().ifPresent(n -> notify(pane, n)); // at most one on screen: DriveNotices spaces them
            if (!vm.active().get() && !vm.noticePending()) {
                ticker.stop(); // off, nothing running, every end told
            }
        }));
        ticker.setCycleCount(Timeline.INDEFINITE);
        vm.active().addListener((o, was, now) -> {
            if (now) {
                ticker.play(); // it stops itself once off, idle and every drive's end has been told
            }
        });

        HBox top = new HBox(12, arm, counters);
        VBox box = new VBox(6, top, status, table, reportBar(vm, table));
        VBox.setVgrow(table, Priority.ALWAYS);
        box.setPadding(new Insets(4));
        pane.setContent(box);
        pane.setId("duplicator");
        pane.setExpanded(false);
        pane.setAnimated(false); // expanded at once: the window's scroll pane then sees its full height
        DuplicatorCloseGuard.install(vm, pane);
        return pane;
    }

    /**
     * Under the table: <em>Save report…</em> for the selected row (also on each row's context menu),
     * the folder where every drive's report is saved as its job ends, and where the last one went.
     */
    private static VBox reportBar(DuplicatorViewModel vm, TableView<DriveRow> table) {
        Button save = new Button("Save report…");
        save.setId("dupSaveReport");
        // the selected row's report, followed as the row's job ends
        var selected = new javafx.beans.property.SimpleObjectProperty<org.kclone.device.Report>();
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            selected.unbind();
            if (now != null) {
                selected.bind(now.report());
            } else {
                selected.set(null);
            }
        });
        save.disableProperty().bind(selected.isNull());
        Button anyway = new Button("Write it anyway");
        anyway.setId("dupWriteAnyway");
        anyway.setTooltip(new Tooltip("The selected drive was written in this window before, so it was left alone."
                + " A card reader gives every card the reader's serial: write this one anyway if it is another card."));
        var again = new javafx.beans.property.SimpleBooleanProperty();
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            again.unbind();
            if (now != null) {
                again.bind(now.state().isEqualTo("written before").and(now.present()).and(vm.armed()));
            } else {
                again.set(false);
            }
        });
        anyway.disableProperty().bind(again.not());
        anyway.setOnAction(e -> vm.writeAnyway(table.getSelectionModel().getSelectedItem()));
        save.setTooltip(new Tooltip("The selected drive's report (the same JSON report as the command line's, or a"
                + " printable page); there is one once its job has ended."));
        save.setOnAction(e -> saveAs(vm, table.getSelectionModel().getSelectedItem(), save));
        table.setContextMenu(null);
        table.setOnContextMenuRequested(e -> {
            DriveRow r = table.getSelectionModel().getSelectedItem();
            MenuItem item = new MenuItem("Save report…");
            item.setDisable(r == null || r.report().get() == null);
            item.setOnAction(a -> saveAs(vm, r, table));
            new ContextMenu(item).show(table, e.getScreenX(), e.getScreenY());
        });
        Button folder = new Button();
        folder.setId("dupReportFolder");
        Runnable label = () -> folder.setText(vm.reports().folder() == null ? "Save every report in a folder…"
                : "Stop saving reports in " + vm.reports().folder());
        label.run();
        folder.setOnAction(e -> {
            if (vm.reports().folder() != null) {
                vm.reports().folder(null);
            } else {
                DirectoryChooser dc = new DirectoryChooser();
                dc.setTitle("Folder for every drive's report");
                File dir = dc.showDialog(folder.getScene().getWindow());
                if (dir != null) {
                    vm.reports().folder(dir.toPath());
                }
            }
            label.run();
        });
        Label note = new Label();
        note.setId("dupReportNote");
        note.setWrapText(true);
        note.textProperty().bind(vm.reports().note());
        note.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE); // the table gives up the room, not the note
        note.managedProperty().bind(note.textProperty().isNotEmpty());
        note.visibleProperty().bind(note.textProperty().isNotEmpty());
        return new VBox(4, new HBox(8, save, folder, anyway), note);
    }

    private static void saveAs(DuplicatorViewModel vm, DriveRow r, javafx.scene.Node owner) {
        if (r == null || r.report().get() == null) {
            return;
        }
        FileChooser fc = new FileChooser();
        FileChooser.ExtensionFilter json = new FileChooser.ExtensionFilter("JSON report (*.json)", "*.json");
        FileChooser.ExtensionFilter html = new FileChooser.ExtensionFilter("Printable page (*.html)", "*.html");
        fc.getExtensionFilters().setAll(json, html);
        fc.setSelectedExtensionFilter(json);
        fc.setInitialFileName(DriveReports.fileName(r, java.time.LocalDateTime.now()).replaceFirst("\\.json$", ""));
        if (vm.reports().folder() != null) {
            fc.setInitialDirectory(vm.reports().folder().toFile());
        }
        File f = fc.showSaveDialog(owner.getScene().getWindow());
        if (f != null) {
            try {
                vm.reports().save(r, ReportFiles.withFormat(f.toPath(), fc.getSelectedExtensionFilter() == html));
            } catch (IOException | RuntimeException ex) {
                new Alert(Alert.AlertType.ERROR, vm.reports().note().get()).show();
            }
        }
    }

    /** One desktop notification (ControlsFX, as the main window's end notice); skipped where there is no desktop. */
    private static void notify(javafx.scene.Node owner, DriveNotices.Notice n) {
        if (owner.getScene() == null || owner.getScene().getWindow() == null || !owner.getScene().getWindow().isShowing()) {
            return;
        }
        try {
            Notifications shown = Notifications.create().owner(owner.getScene().getWindow()).title(n.title())
                    .text(n.text()).hideAfter(Duration.seconds(DriveNotices.SHOW_SECONDS));
            if (n.ok()) {
                shown.showInformation();
            } else {
                shown.showWarning();
            }
        } catch (RuntimeException | LinkageError e) {
            // no desktop to show it on: the rows say the same
        }
    }

    /** A cell showing its text wrapped to the column's width (the row grows); with the whole text as tooltip. */
    private static TableCell<DriveRow, String> wrapped(TableColumn<DriveRow, String> column, boolean tooltip) {
        javafx.scene.text.Text text = new javafx.scene.text.Text();
        text.wrappingWidthProperty().bind(column.widthProperty().subtract(12));
        text.getStyleClass().add("text");
        return new TableCell<>() {
            @Override
            protected void updateItem(String v, boolean empty) {
                super.updateItem(v, empty);
                text.setText(empty || v == null ? "" : v);
                setGraphic(empty ? null : text);
                if (tooltip) {
                    setTooltip(empty || v == null ? null : new Tooltip(v));
                }
            }
        };
    }

    private static TableColumn<DriveRow, String> column(String title, double width, double min,
            java.util.function.Function<DriveRow, String> value) {
        TableColumn<DriveRow, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setMinWidth(min); // a path or size is never cut to "/dev/lo..."
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(value.apply(f.getValue())));
        return c;
    }

    /** The button that arms in the question asked before arming (tests press it by this text). */
    static final String ARM_ANSWER = "Overwrite each drive I plug in";

    /**
     * Asks once before arming, naming what will happen to every drive plugged in from now on;
     * Esc or Cancel leave the mode off.
     */
    private static boolean confirmArming(javafx.scene.Node owner, RegionSpec source, long bytes) {
        javafx.scene.control.ButtonType yes = new javafx.scene.control.ButtonType(ARM_ANSWER,
                javafx.scene.control.ButtonBar.ButtonData.OK_DONE);
        javafx.scene.control.Alert a = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.WARNING,
                "From now on, every removable drive you plug in that is at least "
                        + org.kclone.device.Sizes.human(bytes) + " and passes every check is overwritten with "
                        + source.path() + " without another question. Drives plugged in now are left alone."
                        + " Unplug drives you want to keep before you plug in anything else.",
                yes, javafx.scene.control.ButtonType.CANCEL);
        a.setHeaderText("Arm duplicator mode?");
        a.getDialogPane().setId("dupArmQuestion");
        if (owner.getScene() != null) {
            a.initOwner(owner.getScene().getWindow());
        }
        return a.showAndWait().filter(yes::equals).isPresent();
    }
}
