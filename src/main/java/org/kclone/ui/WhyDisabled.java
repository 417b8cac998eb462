package org.kclone.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.value.ObservableValue;
import javafx.scene.Node;
import javafx.scene.control.Control;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.StackPane;

/**
 * Gives a greyed control a tooltip that says why. A disabled control receives no mouse events, so
 * its own tooltip never shows: the control goes into a wrapper, and the wrapper carries a tooltip
 * with the reason ({@link DisabledReasons}) while the control is disabled and the reason is not
 * empty. While the control is usable the wrapper carries none and the control's own tooltip (if
 * any) shows as before. Start does the same with its list of blockers ({@code #startHolder}).
 */
public final class WhyDisabled {

    /** Where the wrapper keeps its tooltip (tests read it: {@link #tooltipOf}). */
    static final String KEY = "kclone.whyDisabled";

    private WhyDisabled() {
    }

    /** {@code control} in a wrapper that says {@code reason} while the control is greyed; put the wrapper in the layout. */
    public static StackPane explain(Control control, ObservableValue<String> reason) {
        StackPane holder = new StackPane(control);
        holder.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        holder.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        if (control.getId() != null) {
            holder.setId(control.getId() + "Why");
        }
        attach(holder, control, reason);
        return holder;
    }

    /**
     * Puts the reason on {@code holder}, which already contains {@code control} (a table cell around
     * its button, say): a tooltip while the control is greyed and the reason is not empty.
     */
    public static void attach(Node holder, Control control, ObservableValue<String> reason) {
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(reason);
        tip.setWrapText(true);
        tip.setMaxWidth(500);
        BooleanBinding shown = Bindings.createBooleanBinding(() -> control.isDisabled() && reason.getValue() != null
                && !reason.getValue().isEmpty(), control.disabledProperty(), reason);
        holder.getProperties().put(KEY + ".binding", shown); // kept with the holder: a binding only listened to is collected
        Runnable apply = () -> {
            if (shown.get()) {
                Tooltip.install(holder, tip);
                holder.getProperties().put(KEY, tip);
            } else {
                Tooltip.uninstall(holder, tip);
                holder.getProperties().remove(KEY);
            }
        };
        shown.addListener((o, was, now) -> apply.run());
        apply.run();
    }

    /** The reason a greyed control's wrapper shows now, or "" (none: the control is usable, or unexplained). */
    public static String reasonOf(Node control) {
        for (Node n = control.getParent(); n != null; n = n.getParent()) {
            if (n.getProperties().get(KEY) instanceof Tooltip t) {
                return t.getText();
            }
            if (n.getProperties().containsKey(KEY + ".binding")) {
                return "";
            }
        }
        return "";
    }
}
