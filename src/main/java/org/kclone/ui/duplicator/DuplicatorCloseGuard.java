package org.kclone.ui.duplicator;

import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Window;
import javafx.stage.WindowEvent;

/**
 * Closing the window while duplicator jobs write: asks first (a drive cut off mid-copy holds half a
 * copy, and its row could no longer say when it is safe to remove). "Stop them and close" cancels
 * them; once each is flushed and closed, the close request is made again, so whatever else guards
 * the window (the main job's question) still has its say. Sits in front of the window's own close
 * handling as an event filter.
 */
final class DuplicatorCloseGuard {

    static final ButtonType KEEP = new ButtonType("Keep writing", ButtonBar.ButtonData.CANCEL_CLOSE);
    static final ButtonType STOP = new ButtonType("Stop them and close", ButtonBar.ButtonData.OK_DONE);

    private final DuplicatorViewModel vm;
    private Window window;
    private boolean closing;
    private final javafx.event.EventHandler<WindowEvent> filter = this::requested;

    private DuplicatorCloseGuard(DuplicatorViewModel vm) {
        this.vm = vm;
    }

    /** Guards the window {@code node} is shown in, once it has one. */
    static void install(DuplicatorViewModel vm, Node node) {
        DuplicatorCloseGuard g = new DuplicatorCloseGuard(vm);
        javafx.beans.value.ChangeListener<Window> windowChanged = (o2, a2, w) -> g.attach(w);
        node.sceneProperty().addListener((o, a, scene) -> {
            if (a != null) {
                a.windowProperty().removeListener(windowChanged);
            }
            if (scene != null) {
                scene.windowProperty().addListener(windowChanged);
            }
            g.attach(scene == null ? null : scene.getWindow());
        });
        vm.active().addListener((o, was, now) -> {
            if (!now && g.closing && g.window != null) {
                g.closing = false;
                // after this poll: ask to close again, through every guard of the window
                Platform.runLater(() -> g.window.fireEvent(new WindowEvent(g.window, WindowEvent.WINDOW_CLOSE_REQUEST)));
            }
        });
    }

    /**
     * Guards {@code w} (null: none), no longer the window it guarded before: a scene moved to another
     * window, or a window given another scene, leaves no guard behind asking about drives it no longer shows.
     */
    private void attach(Window w) {
        if (w == window) {
            return;
        }
        if (window != null) {
            window.removeEventFilter(WindowEvent.WINDOW_CLOSE_REQUEST, filter);
        }
        window = w;
        if (w != null) {
            w.addEventFilter(WindowEvent.WINDOW_CLOSE_REQUEST, filter);
        }
    }

    private void requested(WindowEvent e) {
        int n = vm.running();
        if (n == 0 && !closing) {
            return; // nothing of ours runs: the window's own handling decides
        }
        e.consume();
        if (closing) {
            return; // already stopping; the window closes when the drives are flushed
        }
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, "Duplicator mode is writing " + n + " drive"
                + (n == 1 ? "" : "s") + ". Stopped now, each is flushed and holds an incomplete copy; its row then"
                + " says it is safe to remove.", KEEP, STOP);
        a.initOwner(window);
        a.setHeaderText("Stop the duplicator's jobs and close?");
        a.getDialogPane().setId("dupCloseQuestion");
        javafx.scene.control.Button keep = (javafx.scene.control.Button) a.getDialogPane().lookupButton(KEEP);
        javafx.scene.control.Button stop = (javafx.scene.control.Button) a.getDialogPane().lookupButton(STOP);
        keep.setId("dupKeepWriting");
        stop.setId("dupStopAndClose");
        stop.setDefaultButton(false);
        keep.setDefaultButton(true); // Enter keeps writing
        if (a.showAndWait().orElse(KEEP) != STOP) {
            return;
        }
        closing = true;
        vm.stopAll();
    }
}
