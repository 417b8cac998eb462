package org.kclone.ui;

import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The controls that add destinations: a path (Enter adds), a new image file, every removable
 * drive. The destinations themselves are the rows of the table ({@link ProgressView},
 * {@link org.kclone.ui.table.DestinationTable}), with their start, Remove and the guard each breaks.
 * Locked during a job.
 */
final class DestinationsView {

    private DestinationsView() {
    }

    static Parent build(DestinationsViewModel destVm, ObservableBooleanValue locked) {
        TextField path = new TextField();
        path.setId("destPath");
        path.setPromptText("/dev/sdX or ~/backup.img");
        path.disableProperty().bind(locked);
        Button add = new Button("Add");
        add.setId("addDest");
        add.disableProperty().bind(path.textProperty().isEmpty().or(locked));
        add.setOnAction(e -> {
            if (destVm.offer(path.getText()) != null) {
                path.clear(); // refused (already in the list): the text stays, the note says why
            }
        });
        path.setOnAction(e -> add.fire());
        path.textProperty().addListener((o, was, now) -> destVm.typing()); // a stale "already in the list" goes
        Button newImage = new Button("New image file…");
        newImage.setId("chooseNewImage");
        newImage.disableProperty().bind(locked);
        newImage.setOnAction(e -> {
            javafx.stage.FileChooser fc = ImageFileChoosers.forNewImage();
            java.io.File f = fc.showSaveDialog(newImage.getScene().getWindow());
            if (f != null) {
                ImageFileChoosers.chosen(f);
                destVm.offer(ImageFileChoosers.withSuffix(f, fc.getSelectedExtensionFilter()));
            }
        });
        Button removable = new Button("Add all removable drives");
        removable.setId("addRemovable");
        removable.disableProperty().bind(locked);
        removable.setOnAction(e -> destVm.addAllRemovable());
        HBox.setHgrow(path, Priority.ALWAYS);
        Label title = new Label("Add destination");
        for (javafx.scene.control.Control c : new javafx.scene.control.Control[] {title, add, newImage, removable}) {
            c.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        path.setMinWidth(120);
        // a greyed button says why in its tooltip (on a wrapper: a disabled button shows none)
        javafx.beans.value.ObservableValue<String> lockedWhy = javafx.beans.binding.Bindings.createStringBinding(
                () -> DisabledReasons.setup(locked.get()), locked);
        HBox bar = new HBox(6, title, path,
                WhyDisabled.explain(add, javafx.beans.binding.Bindings.createStringBinding(
                        () -> DisabledReasons.add(path.getText(), locked.get()), path.textProperty(), locked)),
                WhyDisabled.explain(newImage, lockedWhy), WhyDisabled.explain(removable, lockedWhy));
        bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        Label note = new Label(); // why the last add added nothing
        note.setId("destNote");
        note.setWrapText(true);
        note.setMinWidth(0);
        note.setMaxWidth(Double.MAX_VALUE);
        note.setPrefWidth(0); // wraps at the bar's width, never widens it (the bar's buttons would be cut to "...")
        note.textProperty().bind(destVm.note());
        javafx.scene.control.Tooltip whole = new javafx.scene.control.Tooltip(); // the note when cut with "..."
        whole.textProperty().bind(destVm.note());
        whole.setWrapText(true);
        whole.setMaxWidth(600);
        note.setTooltip(whole);
        note.managedProperty().bind(destVm.note().isNotEmpty());
        note.visibleProperty().bind(destVm.note().isNotEmpty());
        return new VBox(2, bar, note);
    }
}
