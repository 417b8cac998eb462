package org.kclone.ui.table;

import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;

/**
 * The desktop notification at the end of a job (ControlsFX {@link Notifications}, in the window's
 * top right corner: over the source, never over the job's rows, its summary or <em>Save
 * report...</em> at the bottom right, which the person wants right then). Without a screen to show
 * it on it is skipped: the summary in the window says the same.
 */
public final class JobEndNotice {

    /** Where in the window it shows. */
    static final Pos POSITION = Pos.TOP_RIGHT;

    private JobEndNotice() {
    }

    /** Shows the summary; false when it could not be shown (the reason is not the job's business). */
    public static boolean show(Node owner, JobSummary s) {
        if (owner == null || owner.getScene() == null || owner.getScene().getWindow() == null
                || !owner.getScene().getWindow().isShowing()) {
            return false;
        }
        try {
            Notifications n = Notifications.create().owner(owner.getScene().getWindow())
                    .position(POSITION).title(s.title())
                    .text(s.text()).hideAfter(Duration.seconds(10));
            if (s.allOk()) {
                n.showInformation();
            } else {
                n.showWarning();
            }
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false; // no desktop to show it on: the window's own summary stands
        }
    }
}
