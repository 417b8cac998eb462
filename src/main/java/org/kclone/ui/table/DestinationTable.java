package org.kclone.ui.table;

import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.Property;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.ObservableList;
import javafx.css.PseudoClass;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;

/**
 * Destinations and progress as one table: one compact row per destination (path, model, serial,
 * size, start, a bar, bytes, speed, ETA, state), coloured by state through the row's pseudo-class
 * ({@code :failed}, {@code :cancelled}...). Start and Remove are editable before a job and locked
 * during one. Cells are bound to {@link DestinationRow}s, which the job's 30 Hz poll updates; the
 * cells' ids carry the row's index (state0, bar0, destStart0...).
 */
public final class DestinationTable {

    /** Compact rows: 16 fit at 1280x800 with the device tree and the source above. */
    public static final double ROW_HEIGHT = 24;

    private DestinationTable() {
    }

    /** The table's height for {@code rows} rows in view: the header and the rows. */
    public static double heightFor(int rows) {
        return 26 + rows * ROW_HEIGHT + 2;
    }

    public static TableView<DestinationRow> build(ObservableList<DestinationRow> rows, ObservableBooleanValue locked,
            Consumer<DestinationRow> remove) {
        TableView<DestinationRow> t = new TableView<>(rows);
        t.setId("destinationTable");
        t.getStyleClass().add("destination-table");
        t.setFixedCellSize(ROW_HEIGHT);
        t.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        Label none = new Label("No destination yet: add a device from the tree, a path below, or every removable drive.");
        none.setWrapText(true);
        none.getStyleClass().add("hint");
        t.setPlaceholder(none);
        t.setRowFactory(v -> new StateRow());
        RowTabbing.install(t); // Tab goes on to the rows scrolled out of view
        TableColumn<DestinationRow, DestinationRow> rm = new TableColumn<>("");
        rm.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyObjectWrapper<>(c.getValue()));
        rm.setCellFactory(c -> new RemoveCell(locked, remove));
        rm.setSortable(false);
        rm.setMinWidth(84);
        rm.setMaxWidth(84);
        TableColumn<DestinationRow, DestinationRow> start = new TableColumn<>("Start");
        start.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyObjectWrapper<>(c.getValue()));
        start.setCellFactory(c -> new StartCell(locked));
        start.setPrefWidth(75);
        TableColumn<DestinationRow, Number> bar = new TableColumn<>("Progress");
        bar.setCellValueFactory(c -> c.getValue().bar());
        bar.setCellFactory(c -> new BarCell());
        bar.setPrefWidth(120);
        TableColumn<DestinationRow, OverwriteStrip> strip = new TableColumn<>("Overwrites");
        strip.setCellValueFactory(c -> c.getValue().overwrite());
        strip.setCellFactory(c -> new StripCell());
        strip.setPrefWidth(95);
        strip.setMinWidth(92); // its title whole
        TableColumn<DestinationRow, String> state = text("State", DestinationRow::stateText, 190, "state");
        state.setMinWidth(160);
        // at 1280x800 the columns' preferred widths fit the window: Size, Done, Speed and ETA are never
        // cut ("465.8 GiB", "14.9 GiB of 14.9 GiB", "117.5 MiB/s", "1:23:45"); the others give way
        TableColumn<DestinationRow, String> size = text("Size", DestinationRow::size, 85, "size");
        size.setMinWidth(80);
        TableColumn<DestinationRow, String> done = text("Done", DestinationRow::bytes, 155, "bytes");
        done.setMinWidth(150);
        TableColumn<DestinationRow, String> speed = text("Speed", DestinationRow::speed, 90, "speed");
        speed.setMinWidth(88);
        TableColumn<DestinationRow, String> eta = text("ETA", DestinationRow::eta, 62, "eta");
        eta.setMinWidth(60);
        t.getColumns().setAll(java.util.List.of(rm, text("Destination", DestinationRow::path, 165, "destPath"),
                text("Model", DestinationRow::model, 105, null), text("Serial", DestinationRow::serial, 85, null),
                size, start, strip, bar, done, speed, eta, state));
        t.getColumns().forEach(c -> c.setSortable(false));
        return t;
    }

    private static TableColumn<DestinationRow, String> text(String title, Function<DestinationRow, StringProperty> p,
            double width, String id) {
        TableColumn<DestinationRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(x -> p.apply(x.getValue()));
        c.setCellFactory(x -> {
            TextCell cell = new TextCell(id);
            if ("destPath".equals(id)) { // a path's end tells sticks apart: cut its beginning, never its name
                cell.setTextOverrun(javafx.scene.control.OverrunStyle.LEADING_ELLIPSIS);
            }
            return cell;
        });
        c.setPrefWidth(width);
        return c;
    }

    /** A row coloured by its state: the pseudo-class of {@link RowState#pseudoClass()}. */
    static final class StateRow extends TableRow<DestinationRow> {
        private final ChangeListener<RowState> onKind = (o, a, b) -> mark(b);
        private DestinationRow watched;

        StateRow() {
            getStyleClass().add("destination-row");
        }

        @Override
        protected void updateItem(DestinationRow item, boolean empty) {
            super.updateItem(item, empty);
            if (watched != null) {
                watched.kind().removeListener(onKind);
            }
            watched = empty ? null : item;
            if (watched != null) {
                watched.kind().addListener(onKind);
            }
            mark(watched == null ? null : watched.kind().get());
        }

        private void mark(RowState k) {
            for (RowState s : RowState.values()) {
                pseudoClassStateChanged(PseudoClass.getPseudoClass(s.pseudoClass()), s == k);
            }
        }
    }

    /** Text, cut with an ellipsis when long, in full in its tooltip; the id carries the row's index. */
    static final class TextCell extends TableCell<DestinationRow, String> {
        private final String id;
        private final Tooltip tip = new Tooltip();

        TextCell(String id) {
            this.id = id;
            tip.setWrapText(true);
            tip.setMaxWidth(600);
            if ("state".equals(id)) {
                getStyleClass().add("state-cell");
            }
        }

        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            boolean none = empty || item == null;
            setText(none ? null : item);
            setId(none || id == null ? null : id + getIndex());
            tip.setText(none ? "" : item);
            setTooltip(none || item.isEmpty() ? null : tip);
        }
    }

    /** The row's one bar (copy, then verification from the half). */
    static final class BarCell extends TableCell<DestinationRow, Number> {
        private final ProgressBar bar = new ProgressBar(0);

        BarCell() {
            bar.setMaxWidth(Double.MAX_VALUE);
            setGraphic(bar);
            setContentDisplay(javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
        }

        @Override
        protected void updateItem(Number item, boolean empty) {
            super.updateItem(item, empty);
            bar.setVisible(!empty && item != null);
            bar.setProgress(empty || item == null ? 0 : item.doubleValue());
            bar.setId(empty ? null : "bar" + getIndex());
        }
    }

    /** The start sector, editable before a job (bound both ways to the row). */
    static final class StartCell extends TableCell<DestinationRow, DestinationRow> {
        private final TextField field = new TextField();
        private Property<String> bound;

        StartCell(ObservableBooleanValue locked) {
            field.setPrefColumnCount(6);
            field.setPromptText("0, 2048, 1M");
            field.disableProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(locked::get, locked));
            field.setTooltip(new Tooltip("The first sector written: sectors, or a size such as 1M"));
            setContentDisplay(javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
            org.kclone.ui.WhyDisabled.attach(this, field, lockedWhy(locked)); // greyed: the cell says why
        }

        @Override
        protected void updateItem(DestinationRow item, boolean empty) {
            super.updateItem(item, empty);
            if (bound != null) {
                field.textProperty().unbindBidirectional(bound);
                bound = null;
            }
            if (empty || item == null) {
                setGraphic(null);
                field.setId(null);
                return;
            }
            bound = item.start();
            field.textProperty().bindBidirectional(bound);
            field.setId("destStart" + getIndex());
            setGraphic(field);
        }
    }

    private static javafx.beans.value.ObservableValue<String> lockedWhy(ObservableBooleanValue locked) {
        return javafx.beans.binding.Bindings.createStringBinding(() -> org.kclone.ui.DisabledReasons.setup(locked.get()),
                locked);
    }

    /** Takes the row out of the list (before a job). */
    static final class RemoveCell extends TableCell<DestinationRow, DestinationRow> {
        private final Button button = new Button("Remove");

        RemoveCell(ObservableBooleanValue locked, Consumer<DestinationRow> remove) {
            button.disableProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(locked::get, locked));
            button.setOnAction(e -> {
                if (getItem() != null) {
                    remove.accept(getItem());
                }
            });
            button.getStyleClass().add("compact");
            button.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            setContentDisplay(javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
            org.kclone.ui.WhyDisabled.attach(this, button, lockedWhy(locked)); // greyed: the cell says why
        }

        @Override
        protected void updateItem(DestinationRow item, boolean empty) {
            super.updateItem(item, empty);
            setGraphic(empty || item == null ? null : button);
            button.setId(empty || item == null ? null : "destRemove" + getIndex());
        }
    }

    /**
     * The destination's partitions as they are, those the copy overwrites marked, and under them
     * where the written region lies; the tooltip names the partitions overwritten.
     */
    static final class StripCell extends TableCell<DestinationRow, OverwriteStrip> {
        /** The strip's height: it fits in a 24 px row. */
        static final double HEIGHT = 16;
        private final javafx.scene.layout.HBox parts = new javafx.scene.layout.HBox(1);
        private final javafx.scene.layout.Pane regionBar = new javafx.scene.layout.Pane();
        private final javafx.scene.layout.Region region = new javafx.scene.layout.Region();
        private final javafx.scene.layout.VBox box = new javafx.scene.layout.VBox(1, parts, regionBar);
        private final Tooltip tip = new Tooltip();

        StripCell() {
            parts.setPrefHeight(HEIGHT - 4);
            parts.setMinHeight(HEIGHT - 4);
            parts.setMaxHeight(HEIGHT - 4);
            parts.setMinWidth(10);
            parts.setPrefWidth(10); // the column's width, never its parts'
            regionBar.setPrefHeight(3);
            regionBar.setMinHeight(3);
            regionBar.setMaxHeight(3);
            region.getStyleClass().add("map-region");
            region.setPrefHeight(3);
            region.setManaged(false);
            regionBar.getChildren().add(region);
            box.setMaxHeight(HEIGHT);
            box.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
            box.getStyleClass().add("overwrite-strip");
            tip.setWrapText(true);
            tip.setMaxWidth(600);
            parts.widthProperty().addListener((o, a, b) -> layoutParts());
            setContentDisplay(javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
        }

        @Override
        protected void updateItem(OverwriteStrip item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                setId(null);
                setTooltip(null);
                return;
            }
            parts.getChildren().clear();
            if (item.isPlain()) {
                parts.getChildren().add(piece("strip-plain", 1));
            } else {
                for (OverwriteStrip.Part p : item.parts()) {
                    javafx.scene.layout.Region r = piece(p.free() ? "map-free" : "map-part", p.share());
                    if (p.hit()) {
                        r.getStyleClass().add("strip-hit");
                    }
                    parts.getChildren().add(r);
                }
            }
            tip.setText(item.tip());
            setId("strip" + getIndex());
            setTooltip(tip);
            setGraphic(box);
            layoutParts();
        }

        private static javafx.scene.layout.Region piece(String style, double share) {
            javafx.scene.layout.Region r = new javafx.scene.layout.Region();
            r.getStyleClass().addAll("strip-part", style);
            r.setUserData(share);
            r.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            r.setMaxWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            return r;
        }

        /** Widths from the shares, and the region bar in true proportion. */
        private void layoutParts() {
            double w = parts.getWidth();
            double gaps = Math.max(0, parts.getChildren().size() - 1);
            for (javafx.scene.Node n : parts.getChildren()) {
                ((javafx.scene.layout.Region) n).setPrefWidth(Math.max(2, (double) n.getUserData() * (w - gaps)));
            }
            OverwriteStrip s = getItem();
            boolean shown = s != null && s.regionTo() > s.regionFrom();
            region.setVisible(shown);
            if (shown) {
                region.resizeRelocate(s.regionFrom() * w, 0, Math.max(2, (s.regionTo() - s.regionFrom()) * w), 3);
            }
        }
    }
}
