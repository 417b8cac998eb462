package org.kclone.ui;

import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.scene.control.TextArea;
import javafx.scene.control.TitledPane;
import org.kclone.ui.log.JobLines;
import org.kclone.ui.log.LogBuffer;

/**
 * The collapsible Details pane (collapsed by default): the job's log lines, as the command line
 * prints them to stderr, for technicians who want them. Fed only by {@link #poll}, which the
 * window's 30 Hz timer calls: lines from other threads wait in a {@link LogBuffer}, never one
 * {@code runLater} per line. Keeps the last {@link #MAX_LINES} lines.
 */
final class DetailsPane {

    static final int MAX_LINES = 1000;

    private final LogBuffer buffer;
    private final JobLines jobLines = new JobLines();
    private final ArrayDeque<String> shown = new ArrayDeque<>();
    private final TextArea text = new TextArea();
    private final TitledPane pane = new TitledPane("Details", text);

    DetailsPane(LogBuffer buffer) {
        this.buffer = buffer;
        text.setId("detailsLog");
        text.setEditable(false);
        text.setWrapText(true);
        text.setPrefRowCount(8);
        text.getStyleClass().add("details-log");
        pane.setId("details");
        pane.setExpanded(false);
        pane.setAnimated(false);
    }

    TitledPane node() {
        return pane;
    }

    BooleanProperty expanded() {
        return pane.expandedProperty();
    }

    /** A job starts: its plan's lines (what the command line prints before writing) lead its log. */
    void jobStarted(List<String> planLines) {
        jobLines.reset();
        buffer.append("");
        planLines.forEach(buffer::append);
        String engineLog = System.getProperty("org.slf4j.simpleLogger.logFile"); // set by org.kclone.Logging
        if (engineLog != null && !engineLog.startsWith("System.")) {
            buffer.append("(the engine's own log lines go to " + engineLog + ")");
        }
    }

    /** Takes what came since the last poll: lines from stderr, then the job's phase and state changes. */
    void poll(JobViewModel job) {
        List<String> lines = buffer.drain();
        List<JobLines.Seen> seen = job.rows().stream()
                .map(r -> new JobLines.Seen(r.path().get(), r.state().get(), r.error().get())).toList();
        List<String> changes = job.rows().isEmpty() ? List.of()
                : jobLines.changes(LocalTime.now(), job.status().get(), seen);
        if (lines.isEmpty() && changes.isEmpty()) {
            return;
        }
        shown.addAll(lines);
        shown.addAll(changes);
        while (shown.size() > MAX_LINES) {
            shown.removeFirst();
        }
        text.setText(String.join("\n", shown));
        text.positionCaret(text.getLength()); // follow the end, as a terminal does
    }
}
