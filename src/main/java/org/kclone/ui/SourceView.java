package org.kclone.ui;

import java.io.File;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import org.controlsfx.validation.ValidationResult;
import org.controlsfx.validation.ValidationSupport;

/** The source fields: path (or Image file…), start and length, each with its error. Locked during a job. */
final class SourceView {

    private SourceView() {
    }

    static Parent build(SourceViewModel sourceVm, ObservableBooleanValue locked, Node owner) {
        TextField path = new TextField();
        path.setId("sourcePath");
        path.setPromptText("device, partition or image file");
        path.textProperty().bindBidirectional(sourceVm.path());
        Button choose = new Button("Image file…");
        choose.setId("chooseSource");
        choose.setOnAction(e -> {
            File f = ImageFileChoosers.forSource().showOpenDialog(owner.getScene().getWindow());
            if (f != null) {
                ImageFileChoosers.chosen(f);
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
        for (Node n : new Node[] {path, choose, start, length}) {
            n.disableProperty().bind(locked);
        }
        Label error = new Label();
        error.setId("sourceError");
        error.getStyleClass().add("error");
        error.setWrapText(true); // a refusal names the way out at its end: never cut it off with "..."
        error.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
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
        // the marks follow the view model, which may change without a key typed (a refresh)
        sourceVm.pathError().addListener((o, a, b) -> validation.revalidate());
        sourceVm.startError().addListener((o, a, b) -> validation.revalidate());
        sourceVm.lengthError().addListener((o, a, b) -> validation.revalidate());
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(6);
        // compact: the destinations table below needs the window's height (16 rows at 1280x800)
        start.setPromptText("sectors, or 1M, 4K…");
        start.setTooltip(new javafx.scene.control.Tooltip("In 512-byte sectors, or with a unit: 1M, 4K, 2G"));
        start.setPrefColumnCount(10);
        length.setPrefColumnCount(10);
        error.managedProperty().bind(error.textProperty().isNotEmpty());
        summary.managedProperty().bind(summary.textProperty().isNotEmpty());
        g.add(new Label("Path"), 0, 0);
        g.add(path, 1, 0, 3, 1);
        g.add(WhyDisabled.explain(choose, Bindings.createStringBinding(() -> DisabledReasons.setup(locked.get()),
                locked)), 4, 0);
        g.addRow(1, new Label("Start"), start, new Label("Length"), length);
        g.add(summary, 0, 2, 5, 1);
        g.add(error, 0, 3, 5, 1);
        GridPane.setHgrow(path, Priority.ALWAYS);
        return MainWindow.titled("Source", g);
    }
}
