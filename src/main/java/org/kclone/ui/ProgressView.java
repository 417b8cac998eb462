package org.kclone.ui;

import java.io.File;
import java.io.IOException;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * The job as it runs: an overall bar (copying, then verifying, as one job that never goes back),
 * a row per destination with a "written" bar and, when verifying, a "verified" bar of its own,
 * the state in words, and the unreadable source sectors. Every figure is bound to
 * {@link JobViewModel}, which the window's one timer polls.
 */
final class ProgressView {

    private final JobViewModel jobVm;
    private final VBox jobRows = new VBox(8);
    private final ScrollPane rowsScroll = new ScrollPane(jobRows);

    ProgressView(JobViewModel jobVm) {
        this.jobVm = jobVm;
    }

    /** Where the keyboard focus goes once a job starts: Enter and Space do nothing here. */
    Node focusTarget() {
        return rowsScroll;
    }

    Parent build() {
        ProgressBar overall = new ProgressBar(0);
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
            FileChooser.ExtensionFilter json = new FileChooser.ExtensionFilter("JSON report (*.json)", "*.json");
            FileChooser.ExtensionFilter html = new FileChooser.ExtensionFilter("Printable page (*.html)", "*.html");
            fc.getExtensionFilters().setAll(json, html);
            fc.setSelectedExtensionFilter(json);
            fc.setInitialFileName("kclone-report");
            File f = fc.showSaveDialog(save.getScene().getWindow());
            if (f != null) {
                var file = org.kclone.device.report.ReportFiles.withFormat(f.toPath(),
                        fc.getSelectedExtensionFilter() == html);
                try {
                    jobVm.saveReport(file);
                } catch (IOException | RuntimeException ex) {
                    new Alert(Alert.AlertType.ERROR, jobVm.reportSaved().get()).show();
                }
            }
        });
        Label saved = new Label();
        saved.setId("reportSaved");
        saved.setWrapText(true);
        saved.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(saved, Priority.ALWAYS);
        saved.textProperty().bind(jobVm.reportSaved());
        jobVm.rows().addListener((ListChangeListener<JobViewModel.Row>) c -> rebuildRows());
        rowsScroll.setFitToWidth(true);
        rowsScroll.setPrefViewportHeight(150);
        rowsScroll.setId("jobRows");
        rowsScroll.setFocusTraversable(false);
        HBox overallLine = new HBox(8, new Label("Overall"), overall, status);
        HBox.setHgrow(overall, Priority.ALWAYS);
        return MainWindow.titled("Progress", new VBox(6, overallLine, rowsScroll,
                new Label("Unreadable source sectors"), bad, new HBox(8, save, saved)));
    }

    /** Rows are made when a job starts (the list is set once per job), never per poll. */
    private void rebuildRows() {
        jobRows.getChildren().clear();
        int i = 0;
        for (JobViewModel.Row r : jobVm.rows()) {
            ProgressBar bar = bar("progress" + i);
            bar.progressProperty().bind(r.progress());
            ProgressBar check = bar("verifyProgress" + i);
            check.progressProperty().bind(r.verifyProgress());
            Label writtenLabel = new Label("written");
            Label checkLabel = new Label("verified");
            GridPane bars = new GridPane();
            bars.setHgap(6);
            bars.addRow(0, writtenLabel, bar);
            bars.addRow(1, checkLabel, check);
            GridPane.setHgrow(bar, Priority.ALWAYS);
            GridPane.setHgrow(check, Priority.ALWAYS);
            for (Node n : new Node[] {check, checkLabel}) {
                n.visibleProperty().bind(jobVm.verifyRequested());
                n.managedProperty().bind(jobVm.verifyRequested());
            }
            Label state = new Label();
            state.setId("state" + i);
            state.setWrapText(true);
            state.textProperty().bind(Bindings.concat(r.state(), Bindings.when(r.error().isEmpty()).then("")
                    .otherwise(Bindings.concat(": ", r.error()))));
            state.styleProperty().bind(Bindings.when(r.error().isEmpty()).then("")
                    .otherwise("-fx-text-fill: #c62828;"));
            Label detail = new Label();
            detail.setId("detail" + i);
            detail.textProperty().bind(r.detail());
            detail.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            Label path = new Label(r.path());
            path.setStyle("-fx-font-weight: bold;");
            jobRows.getChildren().add(new VBox(2, path, bars, new HBox(10, detail, state)));
            i++;
        }
    }

    private static ProgressBar bar(String id) {
        ProgressBar b = new ProgressBar(0);
        b.setId(id);
        b.setMaxWidth(Double.MAX_VALUE);
        return b;
    }
}
