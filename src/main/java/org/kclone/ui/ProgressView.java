package org.kclone.ui;

import java.io.File;
import java.io.IOException;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.ListChangeListener;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.kclone.ui.table.DestinationRow;
import org.kclone.ui.table.DestinationTable;
import org.kclone.ui.table.JobEndNotice;

/**
 * Destinations and the job as one pane: the overall line (bar, phase, counts, elapsed, total
 * throughput, ETA), the {@link DestinationTable} (one row per destination, before and during a
 * job), the full reason of the selected (or first failed) row, the end summary with
 * <em>Save report...</em>, and the unreadable source sectors when there are any. Every figure is
 * bound to {@link JobViewModel}, which the window's one timer polls.
 */
final class ProgressView {

    private final JobViewModel jobVm;
    private TableView<DestinationRow> table;

    ProgressView(JobViewModel jobVm) {
        this.jobVm = jobVm;
    }

    /** Where the keyboard focus goes once a job starts: Enter and Space do nothing here. */
    Node focusTarget() {
        return table;
    }

    /**
     * @param addBar the controls that add destinations (above the table)
     * @param startCancel Start and Cancel, at the end of that line
     * @param locked true while a job runs: Start and Remove in the rows are locked
     * @param remove takes a row out of the list of destinations
     */
    Parent build(Node addBar, Node startCancel, ObservableBooleanValue locked, Consumer<DestinationRow> remove) {
        ProgressBar overall = new ProgressBar(0);
        overall.setId("overall");
        overall.setPrefWidth(160);
        overall.progressProperty().bind(jobVm.overall());
        Label status = new Label();
        status.setId("jobStatus");
        status.getStyleClass().add("job-status");
        status.textProperty().bind(jobVm.status());
        Label line = new Label();
        line.setId("overallLine");
        line.textProperty().bind(jobVm.overallLine());
        line.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(line, Priority.ALWAYS);
        HBox overallLine = new HBox(8, new Label("Overall"), overall, status, line);
        overallLine.setAlignment(javafx.geometry.Pos.CENTER_LEFT);

        table = DestinationTable.build(jobVm.rows(), locked, remove);
        table.setFocusTraversable(true);
        VBox.setVgrow(table, Priority.ALWAYS);

        Label reason = new Label();
        reason.setId("rowReason");
        reason.setWrapText(true);
        reason.getStyleClass().add("error");
        reason.setMaxWidth(Double.MAX_VALUE);
        Runnable why = () -> reason.setText(reasonText());
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> why.run());
        jobVm.rows().addListener((ListChangeListener<DestinationRow>) c -> {
            while (c.next()) {
                c.getAddedSubList().forEach(r -> r.stateText().addListener((o, a, b) -> why.run()));
            }
            why.run();
        });
        reason.setMaxHeight(36); // two lines; the cell's tooltip has it too
        HBox.setHgrow(reason, Priority.ALWAYS);

        Label summary = new Label();
        summary.setId("summary");
        summary.getStyleClass().add("summary");
        summary.textProperty().bind(Bindings.createStringBinding(
                () -> jobVm.summary().get() == null ? "" : jobVm.summary().get().text(), jobVm.summary()));
        summary.managedProperty().bind(jobVm.summary().isNotNull());
        summary.visibleProperty().bind(jobVm.summary().isNotNull());
        jobVm.summary().addListener((o, a, s) -> {
            summary.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("bad"), s != null && !s.allOk());
            if (s != null) {
                JobEndNotice.show(table, s); // skipped where there is no desktop: the summary says the same
            }
        });
        Button save = saveButton();
        Label saved = new Label();
        saved.setId("reportSaved");
        saved.setWrapText(true);
        saved.setMaxWidth(420);
        saved.setMaxHeight(36);
        saved.textProperty().bind(jobVm.reportSaved());
        saved.managedProperty().bind(saved.textProperty().isNotEmpty());
        summary.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        save.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox end = new HBox(10, reason, summary, WhyDisabled.explain(save,
                javafx.beans.binding.Bindings.createStringBinding(() -> DisabledReasons.saveReport(
                        jobVm.running().get(), jobVm.report().get() != null, !jobVm.status().get().isEmpty()),
                        jobVm.running(), jobVm.report(), jobVm.status())), saved);
        end.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        end.setMinHeight(36);
        end.setPrefHeight(36);
        // before a job the add bar, during one the overall line: one line's height for both
        addBar.visibleProperty().bind(jobVm.running().not());
        addBar.managedProperty().bind(jobVm.running().not());
        overallLine.visibleProperty().bind(jobVm.running());
        overallLine.managedProperty().bind(jobVm.running());

        ListView<String> bad = new ListView<>(jobVm.unreadable());
        bad.setId("unreadable");
        bad.setPrefHeight(48);
        Label badLabel = new Label("Unreadable source sectors");
        for (Node n : new Node[] {bad, badLabel}) {
            n.managedProperty().bind(Bindings.isNotEmpty(jobVm.unreadable()));
            n.visibleProperty().bind(Bindings.isNotEmpty(jobVm.unreadable()));
        }
        HBox.setHgrow(addBar, Priority.ALWAYS);
        HBox.setHgrow(overallLine, Priority.ALWAYS);
        HBox top = new HBox(10, addBar, overallLine, startCancel);
        top.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        VBox box = new VBox(4, top, table, end, badLabel, bad);
        box.setId("destinationsAndProgress");
        box.setPadding(new javafx.geometry.Insets(4));
        return box;
    }

    /** The height the pane wants for {@code rows} rows in view (4 to 16): a line above the table, the table, the end line. */
    static double preferredHeight(int rows) {
        return 8 + 32 + 4 + DestinationTable.heightFor(Math.max(4, Math.min(16, rows))) + 4 + 36;
    }

    /** The selected row's reason in full, else the first failed row's; "" when every row is fine. */
    private String reasonText() {
        DestinationRow pick = table.getSelectionModel().getSelectedItem();
        if (pick == null || pick.error().get().isEmpty()) {
            pick = jobVm.rows().stream().filter(r -> r.kind().get().bad()).findFirst().orElse(null);
        }
        return pick == null || pick.error().get().isEmpty() ? "" : pick.path().get() + ": " + pick.stateText().get();
    }

    private Button saveButton() {
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
        return save;
    }
}
