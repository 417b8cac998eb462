package org.kclone.ui;

import java.io.File;
import java.io.IOException;
import java.util.List;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.stage.FileChooser;
import javafx.util.Duration;
import org.controlsfx.validation.ValidationResult;
import org.controlsfx.validation.ValidationSupport;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.RefusedException;
import org.kclone.device.Sizes;

/**
 * The window: device table on the left; source, destinations, options and the job on the right.
 * Thin: every decision is a ViewModel's; this class only binds controls to them.
 */
public final class MainWindow {

    /** Progress reaches the screen from one timeline: at most this many updates a second. */
    static final int UPDATES_PER_SECOND = 30;

    private final DeviceTableViewModel deviceVm;
    private final SourceViewModel sourceVm;
    private final DestinationsViewModel destVm;
    private final JobViewModel jobVm = new JobViewModel();
    private final BorderPane root = new BorderPane();
    private final VBox jobRows = new VBox(6);
    private final Timeline ticker;

    public MainWindow(DeviceTableViewModel deviceVm) {
        this.deviceVm = deviceVm;
        this.sourceVm = new SourceViewModel(deviceVm::roots);
        this.destVm = new DestinationsViewModel(sourceVm, deviceVm::roots);
        sourceVm.valid().addListener((o, a, b) -> destVm.validate());
        sourceVm.summary().addListener((o, a, b) -> destVm.validate());
        deviceVm.devices().addListener((javafx.collections.ListChangeListener<DeviceInfo>) c -> {
            sourceVm.validate();
            destVm.validate();
        });
        ticker = new Timeline(new KeyFrame(Duration.millis(1000.0 / UPDATES_PER_SECOND), e -> jobVm.poll()));
        ticker.setCycleCount(Timeline.INDEFINITE);
        jobVm.running().addListener((o, was, now) -> {
            if (now) {
                ticker.play();
            } else {
                ticker.stop();
            }
        });
        javafx.scene.control.ScrollPane right = new javafx.scene.control.ScrollPane(new VBox(8, sourcePane(),
                destinationsPane(), optionsPane(), jobPane()));
        right.setFitToWidth(true);
        SplitPane split = new SplitPane(deviceTable(), right);
        split.setDividerPositions(0.45);
        root.setCenter(split);
        root.getStyleClass().add("kclone");
    }

    public Parent root() {
        return root;
    }

    public JobViewModel job() {
        return jobVm;
    }

    // ---- device table ----------------------------------------------------------------------

    private Parent deviceTable() {
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
        Button refresh = new Button("Refresh");
        refresh.setId("refresh");
        refresh.setOnAction(e -> new Thread(deviceVm::refresh, "kclone-refresh").start());
        Button asSource = new Button("Use as source");
        asSource.setId("useAsSource");
        asSource.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        asSource.setOnAction(e -> sourceVm.choose(table.getSelectionModel().getSelectedItem().path()));
        Button asDest = new Button("Add as destination");
        asDest.setId("addAsDestination");
        asDest.disableProperty().bind(Bindings.createBooleanBinding(() -> {
            DeviceInfo d = table.getSelectionModel().getSelectedItem();
            return d == null || !DeviceTableViewModel.selectableAsDestination(d);
        }, table.getSelectionModel().selectedItemProperty()));
        asDest.setOnAction(e -> destVm.add(table.getSelectionModel().getSelectedItem().path()));
        Label status = new Label();
        status.textProperty().bind(deviceVm.status());
        VBox box = new VBox(6, table, new HBox(6, refresh, asSource, asDest, status));
        VBox.setVgrow(table, Priority.ALWAYS);
        box.setPadding(new Insets(8));
        return box;
    }

    private static TableColumn<DeviceInfo, String> column(String title, java.util.function.Function<DeviceInfo, String> f) {
        TableColumn<DeviceInfo, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(f.apply(cd.getValue())));
        return c;
    }

    // ---- source ----------------------------------------------------------------------------

    private Parent sourcePane() {
        TextField path = new TextField();
        path.setId("sourcePath");
        path.setPromptText("device, partition or image file");
        path.textProperty().bindBidirectional(sourceVm.path());
        Button choose = new Button("Image file…");
        choose.setId("chooseSource");
        choose.setOnAction(e -> {
            File f = new FileChooser().showOpenDialog(root.getScene().getWindow());
            if (f != null) {
                sourceVm.choose(f.getPath());
            }
        });
        TextField start = new TextField();
        start.setId("sourceStart");
        start.textProperty().bindBidirectional(sourceVm.start());
        TextField length = new TextField();
        length.setId("sourceLength");
        length.setPromptText("whole");
        length.textProperty().bindBidirectional(sourceVm.length());
        Label error = new Label();
        error.setId("sourceError");
        error.getStyleClass().add("error");
        error.textProperty().bind(Bindings.concat(sourceVm.pathError(), sourceVm.startError(), sourceVm.lengthError()));
        Label summary = new Label();
        summary.textProperty().bind(sourceVm.summary());
        ValidationSupport validation = new ValidationSupport();
        validation.registerValidator(path, false, (c, v) -> ValidationResult.fromErrorIf(c, sourceVm.pathError().get(),
                !sourceVm.pathError().get().isEmpty()));
        validation.registerValidator(start, false, (c, v) -> ValidationResult.fromErrorIf(c,
                sourceVm.startError().get(), !sourceVm.startError().get().isEmpty()));
        validation.registerValidator(length, false, (c, v) -> ValidationResult.fromErrorIf(c,
                sourceVm.lengthError().get(), !sourceVm.lengthError().get().isEmpty()));
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(6);
        g.addRow(0, new Label("Path"), path, choose);
        g.addRow(1, new Label("Start"), start, new Label("sectors, or 1M, 4K…"));
        g.addRow(2, new Label("Length"), length, summary);
        g.add(error, 0, 3, 3, 1);
        GridPane.setHgrow(path, Priority.ALWAYS);
        return titled("Source", g);
    }

    // ---- destinations ----------------------------------------------------------------------

    private Parent destinationsPane() {
        ListView<DestinationsViewModel.Row> list = new ListView<>(destVm.rows());
        list.setId("destinations");
        list.setPrefHeight(120);
        list.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(DestinationsViewModel.Row r, boolean empty) {
                super.updateItem(r, empty);
                if (empty || r == null) {
                    setGraphic(null);
                    return;
                }
                Label p = new Label(r.path().get());
                TextField start = new TextField();
                start.setPrefColumnCount(8);
                start.textProperty().bindBidirectional(r.start());
                Label err = new Label();
                err.getStyleClass().add("error");
                err.textProperty().bind(r.error());
                Button remove = new Button("Remove");
                remove.setOnAction(e -> destVm.remove(r));
                HBox line = new HBox(6, p, new Label("at"), start, remove);
                setGraphic(new VBox(2, line, err));
            }
        });
        TextField path = new TextField();
        path.setId("destPath");
        path.setPromptText("/dev/sdX or a new image file");
        Button add = new Button("Add");
        add.setId("addDest");
        add.disableProperty().bind(path.textProperty().isEmpty());
        add.setOnAction(e -> {
            destVm.add(path.getText());
            path.clear();
        });
        Button removable = new Button("Add all removable drives");
        removable.setId("addRemovable");
        removable.setOnAction(e -> destVm.addAllRemovable());
        HBox.setHgrow(path, Priority.ALWAYS);
        return titled("Destinations", new VBox(6, list, new HBox(6, path, add, removable)));
    }

    // ---- options, start, progress ----------------------------------------------------------

    private Parent optionsPane() {
        CheckBox verify = new CheckBox("Verify (read back and compare)");
        verify.setId("verify");
        verify.selectedProperty().bindBidirectional(jobVm.verify());
        CheckBox ignore = new CheckBox("Ignore read errors (write zeros)");
        ignore.setId("ignoreErrors");
        ignore.selectedProperty().bindBidirectional(jobVm.ignoreErrors());
        TextField limit = new TextField();
        limit.setId("limit");
        limit.setPromptText("no limit, or e.g. 50M");
        limit.textProperty().bindBidirectional(jobVm.limit());
        Button start = new Button("Start");
        start.setId("start");
        start.getStyleClass().add("start");
        start.disableProperty().bind(sourceVm.valid().not().or(destVm.valid().not()).or(jobVm.running()));
        start.setOnAction(e -> startClicked());
        Button cancel = new Button("Cancel");
        cancel.setId("cancel");
        cancel.disableProperty().bind(jobVm.running().not());
        cancel.setOnAction(e -> jobVm.cancel());
        start.setMinWidth(90);
        cancel.setMinWidth(90);
        return titled("Options", new VBox(6, new HBox(10, verify, ignore),
                new HBox(10, new Label("Bandwidth limit per second"), limit, start, cancel)));
    }

    private Parent jobPane() {
        ProgressBar overall = new ProgressBar();
        overall.setId("overall");
        overall.setMaxWidth(Double.MAX_VALUE);
        overall.progressProperty().bind(jobVm.overall());
        Label status = new Label();
        status.setId("jobStatus");
        status.textProperty().bind(jobVm.status());
        ListView<String> bad = new ListView<>(jobVm.unreadable());
        bad.setId("unreadable");
        bad.setPrefHeight(60);
        Button save = new Button("Save report…");
        save.setId("saveReport");
        save.disableProperty().bind(jobVm.report().isNull());
        save.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setInitialFileName("kclone-report.json");
            File f = fc.showSaveDialog(root.getScene().getWindow());
            if (f != null) {
                try {
                    jobVm.saveReport(f.toPath());
                } catch (IOException ex) {
                    new Alert(Alert.AlertType.ERROR, "Cannot save the report: " + ex.getMessage()).show();
                }
            }
        });
        jobVm.rows().addListener((javafx.collections.ListChangeListener<JobViewModel.Row>) c -> {
            jobRows.getChildren().clear();
            int i = 0;
            for (JobViewModel.Row r : jobVm.rows()) {
                ProgressBar bar = new ProgressBar();
                bar.setId("progress" + i);
                bar.setMaxWidth(Double.MAX_VALUE);
                bar.progressProperty().bind(r.progress());
                Label state = new Label();
                state.setId("state" + i);
                state.textProperty().bind(Bindings.concat(r.state(), Bindings.when(r.error().isEmpty()).then("")
                        .otherwise(Bindings.concat(": ", r.error()))));
                state.styleProperty().bind(Bindings.when(r.error().isEmpty()).then("").otherwise("-fx-text-fill: #c62828;"));
                Label detail = new Label();
                detail.textProperty().bind(r.detail());
                jobRows.getChildren().add(new VBox(2, new Label(r.path()), bar, new HBox(10, detail, state)));
                i++;
            }
        });
        javafx.scene.control.ScrollPane rowsScroll = new javafx.scene.control.ScrollPane(jobRows);
        rowsScroll.setFitToWidth(true);
        rowsScroll.setPrefViewportHeight(140);
        HBox overallLine = new HBox(8, new Label("Overall"), overall, status);
        HBox.setHgrow(overall, Priority.ALWAYS);
        return titled("Progress", new VBox(6, overallLine, rowsScroll, new Label("Unreadable source sectors"), bad,
                save));
    }

    private void startClicked() {
        CopyPlanner.Plan plan;
        try {
            jobVm.limitBytes();
            plan = destVm.plan();
        } catch (RefusedException e) {
            destVm.validate();
            new Alert(Alert.AlertType.ERROR, e.getMessage()).showAndWait();
            return;
        }
        if (!confirm(plan)) {
            return;
        }
        try {
            jobVm.start(plan);
        } catch (RefusedException e) {
            // e.g. no permission to open a device: say it plainly on the row, with what to do
            for (int i = 0; i < destVm.rows().size(); i++) {
                if (e.field().equals("DEST " + (i + 1))) {
                    destVm.rows().get(i).error().set(e.reason());
                }
            }
            new Alert(Alert.AlertType.ERROR, e.getMessage()).showAndWait();
        }
    }

    private boolean confirm(CopyPlanner.Plan plan) {
        Dialog<ButtonType> d = new Dialog<>();
        d.setTitle("Overwrite?");
        d.setHeaderText("Everything in these regions will be lost:");
        VBox body = new VBox(6);
        for (String line : JobViewModel.confirmationLines(plan)) {
            body.getChildren().add(new Label(line));
        }
        List<String> names = JobViewModel.namesToType(plan);
        TextField typed = new TextField();
        typed.setId("typeNames");
        if (!names.isEmpty()) {
            body.getChildren().addAll(new Label("Fixed disks. Type their names to confirm: " + String.join(" ", names)),
                    typed);
        }
        d.getDialogPane().setContent(body);
        ButtonType overwrite = new ButtonType("Overwrite", ButtonType.OK.getButtonData());
        d.getDialogPane().getButtonTypes().addAll(ButtonType.CANCEL, overwrite);
        d.getDialogPane().lookupButton(overwrite).setId("confirmOverwrite");
        d.getDialogPane().lookupButton(overwrite).disableProperty().bind(Bindings.createBooleanBinding(
                () -> !names.isEmpty() && !typed.getText().trim().equals(String.join(" ", names)),
                typed.textProperty()));
        return d.showAndWait().filter(overwrite::equals).isPresent();
    }

    private static TitledPane titled(String title, Parent content) {
        TitledPane t = new TitledPane(title, content);
        t.setCollapsible(false);
        return t;
    }

    /** Stops background work (device watch). */
    public void close() {
        deviceVm.stopWatching();
        ticker.stop();
    }
}
