package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The terminal's progress: a resumed job's bytes from earlier runs are shown as done, never as speed. */
class ProgressPrinterTest {

    private static final long MIB = 1 << 20;

    private static String lastDraw(ProgressPrinter.Snapshot s) {
        StringWriter out = new StringWriter();
        try (ProgressPrinter p = new ProgressPrinter(new PrintWriter(out), true, List.of("/dev/sdc"), 64 * MIB,
                () -> s)) {
            // closing draws the last state on a terminal
        }
        return out.toString();
    }

    @Test
    void bytesFromEarlierRunsAreDoneButNotSpeed() {
        List<ProgressPrinter.Row> rows = List.of(ProgressPrinter.Row.active(32 * MIB));
        String resumed = lastDraw(new ProgressPrinter.Snapshot("copied", rows, 32 * MIB));
        assertTrue(resumed.contains("copied 32.0 MiB of 64.0 MiB (50%) to 1 destination(s), 0 B/s"), resumed);
        assertTrue(resumed.contains(" 50% ") && resumed.contains("0 B/s ETA --:--"), resumed);

        String fresh = lastDraw(new ProgressPrinter.Snapshot("copied", rows));
        assertFalse(fresh.contains("0 B/s"), "32 MiB written by this run have a speed: " + fresh);
        assertFalse(fresh.contains("ETA --:--"), fresh);
    }
}
