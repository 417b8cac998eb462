package org.kclone.ui;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.ListChangeListener;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The destination rows and the fields to add more. Each row's controls are built once, when the
 * row is added, and stay bound to it: a change of a row's start or error (which the row list
 * reports as an update) never rebuilds them, so a field keeps its focus while someone types.
 * Locked during a job.
 */
final class DestinationsView {

    private final DestinationsViewModel destVm;
    private final ObservableBooleanValue locked;
    private final VBox rowsBox = new VBox(4);
    private final Map<DestinationsViewModel.Row, RowNodes> built = new IdentityHashMap<>();

    private DestinationsView(DestinationsViewModel destVm, ObservableBooleanValue locked) {
        this.destVm = destVm;
        this.locked = locked;
    }

    static Parent build(DestinationsViewModel destVm, ObservableBooleanValue locked) {
        return new DestinationsView(destVm, locked).pane();
    }

    private Parent pane() {
        rowsBox.setId("destinations");
        destVm.rows().addListener((ListChangeListener<DestinationsViewModel.Row>) c -> {
            boolean structural = false;
            while (c.next()) {
                structural |= c.wasAdded() || c.wasRemoved() || c.wasPermutated();
            }
            if (structural) {
                layoutRows();
            }
        });
        layoutRows();
        ScrollPane scroll = new ScrollPane(rowsBox);
        scroll.setFitToWidth(true);
        scroll.setPrefViewportHeight(110);
        TextField path = new TextField();
        path.setId("destPath");
        path.setPromptText("/dev/sdX or a new image file");
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
        Label note = new Label(); // why the last add added nothing
        note.setId("destNote");
        note.setWrapText(true);
        note.textProperty().bind(destVm.note());
        note.managedProperty().bind(destVm.note().isNotEmpty());
        note.visibleProperty().bind(destVm.note().isNotEmpty());
        return MainWindow.titled("Destinations", new VBox(6, scroll, new HBox(6, path, add, newImage, removable),
                note));
    }

    /** Puts the rows' nodes in list order, building only those of new rows; ids follow the order. */
    private void layoutRows() {
        Set<DestinationsViewModel.Row> current = Collections.newSetFromMap(new IdentityHashMap<>());
        current.addAll(destVm.rows());
        built.keySet().retainAll(current);
        rowsBox.getChildren().clear();
        int i = 0;
        for (DestinationsViewModel.Row r : destVm.rows()) {
            RowNodes n = built.computeIfAbsent(r, this::rowNodes);
            n.start().setId("destStart" + i);
            n.remove().setId("destRemove" + i);
            n.error().setId("destError" + i);
            rowsBox.getChildren().add(n.box());
            i++;
        }
        if (destVm.rows().isEmpty()) {
            Label none = new Label("No destination yet: add a device from the table, a path below, or every"
                    + " removable drive.");
            none.getStyleClass().add("hint");
            none.setWrapText(true);
            rowsBox.getChildren().add(none);
        }
    }

    /** A row's controls, made once. */
    private record RowNodes(Node box, TextField start, Button remove, Label error) {
    }

    private RowNodes rowNodes(DestinationsViewModel.Row r) {
        Label p = new Label();
        p.textProperty().bind(r.path());
        TextField start = new TextField();
        start.setPrefColumnCount(8);
        start.textProperty().bindBidirectional(r.start());
        start.disableProperty().bind(locked);
        Label unit = new Label("sectors, or 1M…");
        Button remove = new Button("Remove");
        remove.disableProperty().bind(locked);
        remove.setOnAction(e -> destVm.remove(r));
        Label err = new Label();
        err.getStyleClass().add("error");
        err.textProperty().bind(r.error());
        err.managedProperty().bind(r.error().isNotEmpty());
        err.visibleProperty().bind(r.error().isNotEmpty());
        err.setWrapText(true);
        HBox line = new HBox(6, p, new Label("at"), start, unit, remove);
        line.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return new RowNodes(new VBox(2, line, err), start, remove, err);
    }
}
