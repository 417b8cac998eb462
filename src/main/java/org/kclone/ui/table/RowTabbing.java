package org.kclone.ui.table;

import javafx.event.Event;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;

/**
 * Tab and Shift+Tab through every row of the destination table, those scrolled out of view too. The
 * table makes cells only for the rows in view, so the toolkit's own Tab order ends at the last row
 * shown: from a row's last control (its start field) Tab scrolls the next row into view and goes to
 * its first (Remove); Shift+Tab from a row's first control goes back to the row above's last. Past
 * the last row (or before the first) the toolkit's order goes on to the rest of the window. Rows whose
 * controls are greyed (during a job) are left to the toolkit: the table itself takes the focus,
 * and the arrow keys move through the rows.
 */
public final class RowTabbing {

    /** The id prefixes of a row's controls, first to last, followed by the row's index. */
    static final String FIRST = "destRemove";
    static final String LAST = "destStart";

    private RowTabbing() {
    }

    public static void install(TableView<DestinationRow> table) {
        table.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() != KeyCode.TAB || e.isControlDown() || e.isAltDown() || e.isMetaDown()) {
                return;
            }
            Scene scene = table.getScene();
            Node owner = scene == null ? null : scene.getFocusOwner();
            String id = owner == null ? null : owner.getId();
            if (id == null) {
                return;
            }
            int row = index(id, e.isShiftDown() ? FIRST : LAST);
            int next = e.isShiftDown() ? row - 1 : row + 1;
            if (row < 0 || next < 0 || next >= table.getItems().size()) {
                return;
            }
            String want = (e.isShiftDown() ? LAST : FIRST) + next;
            Node target = find(table, want);
            if (target == null || !fullyShown(table, target)) {
                // forward: the next row at the bottom of the view; backward: at its top
                table.scrollTo(Math.max(0, e.isShiftDown() ? next : next - visibleRows(table) + 1));
                table.applyCss();
                table.layout();
                target = find(table, want);
            }
            if (target != null && !target.isDisabled()) {
                target.requestFocus();
                e.consume();
            }
        });
    }

    /** The shown control with this id (the table keeps spare cells out of view; they are not it). */
    private static Node find(TableView<?> table, String id) {
        for (Node n : table.lookupAll("#" + id)) {
            boolean shown = true;
            for (Node p = n; p != null && p != table; p = p.getParent()) {
                shown &= p.isVisible();
            }
            if (shown) {
                return n;
            }
        }
        return null;
    }

    /** Whether {@code n} lies wholly inside the table's rows area (below its header). */
    private static boolean fullyShown(TableView<?> table, Node n) {
        javafx.geometry.Bounds b = n.localToScene(n.getBoundsInLocal());
        javafx.geometry.Bounds t = table.localToScene(table.getBoundsInLocal());
        return b.getMinY() >= t.getMinY() + DestinationTable.heightFor(0) - 2 && b.getMaxY() <= t.getMaxY();
    }

    /** The row index in {@code id} when it starts with {@code prefix} ("destStart7": 7), else -1. */
    static int index(String id, String prefix) {
        if (!id.startsWith(prefix)) {
            return -1;
        }
        try {
            return Integer.parseInt(id.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int visibleRows(TableView<?> table) {
        return Math.max(1, (int) ((table.getHeight() - DestinationTable.heightFor(0)) / DestinationTable.ROW_HEIGHT));
    }
}
