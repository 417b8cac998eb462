package org.kclone.ui;

import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Window;

/**
 * The questions asked before a running job is stopped. "Keep copying" is the default button
 * (Enter) and the cancel button (Escape, closing the question): stopping always takes a deliberate
 * click on the other one.
 */
final class Questions {

    static final ButtonType KEEP_COPYING = new ButtonType("Keep copying", ButtonBar.ButtonData.CANCEL_CLOSE);
    static final ButtonType STOP_WRITING = new ButtonType("Stop writing", ButtonBar.ButtonData.OTHER);
    static final ButtonType CANCEL_AND_QUIT = new ButtonType("Cancel and quit", ButtonBar.ButtonData.OTHER);

    private Questions() {
    }

    /** "Stop writing?" for the Cancel button; true when the person chose to stop. */
    static boolean stopWriting(Window owner) {
        return ask(owner, "Stop writing?", "Stop writing? The destinations will be left partly overwritten.",
                STOP_WRITING, "stopWriting");
    }

    /** The question when the window is closed during a job; true for "cancel and quit". */
    static boolean cancelAndQuit(Window owner) {
        return ask(owner, "Quit while copying?", "A copy is running. Quitting cancels it: the writes in flight finish"
                + " and are flushed, the destinations are left partly overwritten, and the report is saved in your"
                + " home folder.", CANCEL_AND_QUIT, "cancelAndQuit");
    }

    private static boolean ask(Window owner, String title, String text, ButtonType stop, String stopId) {
        Alert a = new Alert(Alert.AlertType.WARNING, text, KEEP_COPYING, stop);
        a.initOwner(owner);
        a.setTitle(title);
        a.setHeaderText(title);
        Button keep = (Button) a.getDialogPane().lookupButton(KEEP_COPYING);
        Button quit = (Button) a.getDialogPane().lookupButton(stop);
        keep.setId("keepCopying");
        quit.setId(stopId);
        keep.setDefaultButton(true);
        quit.setDefaultButton(false);
        a.setOnShown(e -> keep.requestFocus());
        return a.showAndWait().filter(stop::equals).isPresent();
    }
}
