package org.kclone.ui.log;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's log lines as the Details pane shows them, made from what the window's poll sees: one
 * line when the job's status or a destination's state changes (the state, and the reason when
 * it failed), never one per progress update. Needs no toolkit.
 */
public final class JobLines {

    /** A destination as the poll saw it. */
    public record Seen(String path, String state, String error) {
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private String lastStatus = "";
    private final Map<String, String> lastState = new HashMap<>();

    /** The lines for what changed since the last call, each stamped with {@code now}. */
    public List<String> changes(LocalTime now, String status, List<Seen> rows) {
        List<String> out = new ArrayList<>();
        String stamp = TIME.format(now) + "  ";
        String s = status == null ? "" : status;
        // "copying 12 MiB of 64 MiB" style counters change every poll: only the first word is a phase
        String phase = s.split("[\\s:]", 2)[0];
        if (!phase.isEmpty() && !phase.equals(lastStatus)) {
            out.add(stamp + s);
        }
        lastStatus = phase;
        for (Seen r : rows) {
            String state = (r.state() == null ? "" : r.state())
                    + (r.error() == null || r.error().isEmpty() ? "" : ": " + r.error());
            if (!state.isEmpty() && !state.equals(lastState.put(r.path(), state))) {
                out.add(stamp + r.path() + ": " + state);
            }
        }
        return out;
    }

    /** Forgets what was seen (a new job starts). */
    public void reset() {
        lastStatus = "";
        lastState.clear();
    }
}
