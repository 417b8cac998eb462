package org.kclone.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import javafx.beans.value.ChangeListener;
import javafx.scene.control.Alert;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;

/**
 * Closing the window during a job: asks (keep copying, or cancel and quit). Quitting cancels
 * cleanly, waits until the run has flushed and reported (the window's poll sees it), saves the
 * report as {@code kclone-report-<time>.json} in the given folder, says where, then exits.
 */
final class CloseGuard {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final JobViewModel job;
    private final Path reportDir;
    private final Runnable exit;
    private Stage stage;
    private boolean quitting;

    /**
     * @param reportDir where the report of a job cancelled by quitting goes (the user's home)
     * @param exit ends the application (Platform::exit in the app)
     */
    CloseGuard(JobViewModel job, Path reportDir, Runnable exit) {
        this.job = job;
        this.reportDir = reportDir;
        this.exit = exit;
    }

    void install(Stage s) {
        this.stage = s;
        s.setOnCloseRequest(this::closeRequested);
    }

    private void closeRequested(WindowEvent e) {
        if (!job.running().get() && !quitting) {
            return; // nothing running: close as usual
        }
        e.consume();
        if (quitting) {
            return; // already cancelling; it quits when the flush is done
        }
        if (!Questions.cancelAndQuit(stage)) {
            return;
        }
        quitting = true;
        stage.setTitle("kclone: cancelling, quits when the destinations are flushed");
        if (!job.running().get()) {
            saveAndExit(); // it ended while the question was open
            return;
        }
        job.cancel();
        job.running().addListener(new ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends Boolean> o, Boolean was, Boolean now) {
                if (!now) {
                    job.running().removeListener(this);
                    // after the listeners of this change (the report is set before running goes false)
                    javafx.application.Platform.runLater(CloseGuard.this::saveAndExit);
                }
            }
        });
    }

    private void saveAndExit() {
        String text;
        Alert.AlertType type = Alert.AlertType.INFORMATION;
        if (job.report().get() == null) {
            text = "The job ended without a report.";
            type = Alert.AlertType.WARNING;
        } else {
            Path file = reportDir.resolve("kclone-report-" + LocalDateTime.now().format(STAMP) + ".json");
            try {
                job.saveReport(file);
                text = "The job was " + (job.report().get().cancelled() ? "cancelled" : "finished")
                        + " and the destinations flushed. The report is saved in " + file;
                System.err.println("kclone: report saved in " + file);
            } catch (IOException ex) {
                text = "The report could not be saved in " + file + ": " + ex.getMessage();
                type = Alert.AlertType.WARNING;
            }
        }
        Alert said = new Alert(type, text);
        said.initOwner(stage);
        said.setTitle("kclone");
        said.setHeaderText("Quitting");
        said.getDialogPane().setId("quitReport");
        said.setOnHidden(ev -> exit.run());
        said.show();
    }
}
