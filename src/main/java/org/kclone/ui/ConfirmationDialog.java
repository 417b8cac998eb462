package org.kclone.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.Sizes;

/**
 * The question before anything is written: what is read (the source) and what is overwritten
 * (every destination), each region from its first to its last sector with the offset and length
 * in human units; fixed disks must be typed by name.
 */
final class ConfirmationDialog {

    private ConfirmationDialog() {
    }

    /** The lines shown: the source, then every destination, each followed by its region. */
    static List<String> lines(CopyPlanner.Plan plan) {
        List<String> out = new ArrayList<>();
        if (plan.source() != null) {
            out.add("Read from: " + what(plan.source()));
            out.add("    " + region(plan.source()));
        }
        for (Endpoint e : plan.destinations()) {
            out.add("Overwrite: " + what(e));
            out.add("    " + region(e));
        }
        return out;
    }

    /** The device (model, serial, size) or file. */
    static String what(Endpoint e) {
        return switch (e.kind()) {
            case BLOCK -> e.device().describe();
            case IMAGE -> e.path() + "  image file  " + Sizes.human(e.sizeBytes())
                    + (e.endByte() > e.sizeBytes() ? ", grown to " + Sizes.human(e.endByte()) : "");
            case NEW_IMAGE -> e.path() + "  new image file (created now)";
        };
    }

    /** "sectors 2048 → 133119, at 1.0 MiB, 64.0 MiB". */
    static String region(Endpoint e) {
        long last = e.start() + e.count() - 1;
        String at = e.start() == 0 ? "at the start" : "at " + Sizes.human(e.start() * Sizes.SECTOR);
        return "sectors " + e.start() + " → " + last + ", " + at + ", " + Sizes.human(e.count() * Sizes.SECTOR);
    }

    /** The width (px) at which the dialog's sentences wrap; its region lines may make it wider. */
    static final double WRAP_AT = 640;

    /** Shows the question and waits; true only for Overwrite (with the names typed where asked). */
    static boolean ask(Window owner, CopyPlanner.Plan plan) {
        return ask(owner, plan, null);
    }

    /**
     * The same for Resume: {@code resuming} (null for Start) says what the interrupted job left on the
     * destinations, which is kept; the rest of each region is overwritten.
     */
    static boolean ask(Window owner, CopyPlanner.Plan plan, String resuming) {
        Dialog<ButtonType> d = new Dialog<>();
        d.initOwner(owner);
        d.setTitle(resuming == null ? "Overwrite?" : "Resume and overwrite the rest?");
        d.setHeaderText(resuming == null ? "Everything in the regions to overwrite will be lost."
                : "Everything in the regions to overwrite that the interrupted job did not copy will be lost.");
        VBox body = new VBox(4);
        body.setId("confirmation");
        if (resuming != null) {
            Label r = new Label(resuming);
            r.setId("confirmResuming");
            r.setWrapText(true);
            r.setPrefWidth(WRAP_AT); // wraps: its one line made the dialog as wide as the screen, cut with "..."
            r.setMinHeight(Region.USE_PREF_SIZE);
            body.getChildren().add(r);
        }
        for (String line : lines(plan)) {
            Label l = new Label(line);
            if (line.startsWith("Overwrite")) {
                l.getStyleClass().add("overwrite");
            }
            body.getChildren().add(l);
        }
        List<String> names = JobViewModel.namesToType(plan);
        ConfirmationMatcher matcher = new ConfirmationMatcher(names);
        TextField typed = new TextField();
        typed.setId("typeNames");
        typed.setPromptText("e.g. " + String.join(", ", names));
        Label stillMissing = new Label();
        stillMissing.setId("typeNamesHint");
        stillMissing.setWrapText(true);
        stillMissing.textProperty().bind(Bindings.createStringBinding(() -> matcher.hint(typed.getText()),
                typed.textProperty()));
        if (!names.isEmpty()) {
            Label ask = new Label("Fixed disks. Type their names to confirm (any order, with or without /dev/): "
                    + String.join(" ", names));
            ask.setWrapText(true);
            ask.setPrefWidth(WRAP_AT);
            ask.setMinHeight(Region.USE_PREF_SIZE);
            body.getChildren().addAll(ask, typed, stillMissing);
        }
        d.getDialogPane().setContent(body);
        if (owner != null && owner.getScene() != null) {
            d.getDialogPane().getStylesheets().addAll(owner.getScene().getStylesheets());
            d.getDialogPane().getStyleClass().add("kclone");
        }
        if (!names.isEmpty()) {
            d.setOnShown(e -> typed.requestFocus());
        }
        ButtonType overwrite = new ButtonType("Overwrite", ButtonType.OK.getButtonData());
        d.getDialogPane().getButtonTypes().addAll(ButtonType.CANCEL, overwrite);
        d.getDialogPane().lookupButton(overwrite).setId("confirmOverwrite");
        d.getDialogPane().lookupButton(ButtonType.CANCEL).setId("confirmCancel");
        d.getDialogPane().lookupButton(overwrite).disableProperty().bind(Bindings.createBooleanBinding(
                () -> !names.isEmpty() && !matcher.complete(typed.getText()),
                typed.textProperty()));
        return d.showAndWait().filter(overwrite::equals).isPresent();
    }
}
