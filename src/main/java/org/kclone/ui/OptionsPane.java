package org.kclone.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanExpression;
import javafx.beans.binding.StringBinding;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.controlsfx.validation.ValidationResult;
import org.controlsfx.validation.ValidationSupport;

/**
 * The window's Options pane: Verify, Ignore read errors, the fake-capacity check, Grow, Used blocks
 * only (greyed with the reason) and the limit per second (its error under it), bound to the job's
 * and the destinations' view models and locked while a job runs.
 */
final class OptionsPane {

    private OptionsPane() {
    }

    /** {@code limitError}: why the limit is not a rate ("" when it is); Start is held back by it too. */
    static TitledPane build(JobViewModel jobVm, DestinationsViewModel destVm, BooleanExpression locked,
            StringBinding limitError) {
        CheckBox verify = new CheckBox("Verify (read back and compare)");
        verify.setId("verify");
        verify.selectedProperty().bindBidirectional(jobVm.verify());
        CheckBox ignore = new CheckBox("Ignore read errors (write zeros)");
        ignore.setId("ignoreErrors");
        ignore.selectedProperty().bindBidirectional(jobVm.ignoreErrors());
        CheckBox probe = new CheckBox("Check removable drives for fake capacity");
        probe.setId("probe");
        probe.selectedProperty().bindBidirectional(jobVm.probe());
        CheckBox grow = new CheckBox(Reasons.GROW_CONTROL);
        grow.setId("grow");
        grow.selectedProperty().bindBidirectional(destVm.grow());
        grow.setTooltip(new Tooltip("An existing image file smaller than the copy is extended to fit; off, it is"
                + " refused on its row."));
        CheckBox usedOnly = new CheckBox("Used blocks only");
        usedOnly.setId("usedOnly");
        usedOnly.selectedProperty().bindBidirectional(jobVm.usedOnly());
        usedOnly.disableProperty().bind(locked.or(jobVm.usedOnlyUnavailable().isNotEmpty()));
        Label usedOnlyWhy = new Label();
        usedOnlyWhy.setId("usedOnlyWhy");
        usedOnlyWhy.textProperty().bind(jobVm.usedOnlyUnavailable());
        TextField limit = new TextField();
        limit.setId("limit");
        limit.setPromptText("no limit, or e.g. 50M");
        limit.textProperty().bindBidirectional(jobVm.limit());
        Label limitErrorLabel = new Label();
        limitErrorLabel.setId("limitError");
        limitErrorLabel.getStyleClass().add("error");
        limitErrorLabel.setWrapText(true);
        limitErrorLabel.textProperty().bind(limitError);
        limitErrorLabel.visibleProperty().bind(limitError.isNotEmpty());
        limitErrorLabel.managedProperty().bind(limitError.isNotEmpty());
        ValidationSupport validation = new ValidationSupport();
        validation.registerValidator(limit, false, (c, v) -> ValidationResult.fromErrorIf(c, limitError.get(),
                !limitError.get().isEmpty()));
        for (Node n : new Node[] {verify, ignore, probe, grow, limit}) {
            n.disableProperty().bind(locked);
        }
        for (CheckBox c : new CheckBox[] {verify, ignore, probe, grow}) {
            c.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // the whole label, never "Verify (read b..."
        }
        Label limitLabel = new Label("Limit per second");
        limitLabel.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox limitRow = new HBox(10, limitLabel, limit);
        limitRow.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        HBox usedOnlyBox = new HBox(6, WhyDisabled.explain(usedOnly, Bindings.createStringBinding(
                () -> DisabledReasons.usedOnly(jobVm.usedOnlyUnavailable().get(), locked.get()),
                jobVm.usedOnlyUnavailable(), locked)), usedOnlyWhy);
        usedOnlyBox.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        // one flowing block: the destinations table below needs the window's height (16 rows at 1280x800)
        StringBinding lockedWhy = Bindings.createStringBinding(() -> DisabledReasons.setup(locked.get()), locked);
        javafx.scene.layout.FlowPane flow = new javafx.scene.layout.FlowPane(14, 6,
                WhyDisabled.explain(verify, lockedWhy), WhyDisabled.explain(ignore, lockedWhy),
                WhyDisabled.explain(probe, lockedWhy), WhyDisabled.explain(grow, lockedWhy), usedOnlyBox, limitRow);
        return MainWindow.titled("Options", new VBox(4, flow, limitErrorLabel));
    }
}
