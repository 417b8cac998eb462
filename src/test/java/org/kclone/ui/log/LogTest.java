package org.kclone.ui.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Details pane's feed without a toolkit: the bounded buffer, the stderr tee, the job's lines. */
class LogTest {

    @Test
    void theBufferIsBoundedAndTheDrainSaysWhatWasDropped() {
        LogBuffer b = new LogBuffer(3);
        assertEquals(List.of(), b.drain());
        b.append("one");
        b.append("two\nthree");
        b.append("four");
        b.append("five");
        assertEquals(List.of("(2 earlier lines not shown)", "three", "four", "five"), b.drain());
        assertEquals(List.of(), b.drain(), "taken once");
        b.append("six");
        assertEquals(List.of("six"), b.drain());
        assertThrows(IllegalArgumentException.class, () -> new LogBuffer(0));
    }

    @Test
    void theTeePassesEverythingOnAndHandsOverWholeLines() throws Exception {
        LogBuffer b = new LogBuffer();
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(new LineTee(terminal, b), true, StandardCharsets.UTF_8);
        err.print("[kcopyd] WARN region 3 slow");
        assertEquals(List.of(), b.drain(), "no line before its line break");
        err.println(" (retrying)");
        err.print("kclone: report saved in /root/r.json\r\nüber\n");
        err.print("no break at the end");
        assertEquals(List.of("[kcopyd] WARN region 3 slow (retrying)", "kclone: report saved in /root/r.json", "über"),
                b.drain());
        err.close();
        assertEquals(List.of("no break at the end"), b.drain());
        assertEquals("[kcopyd] WARN region 3 slow (retrying)" + System.lineSeparator()
                + "kclone: report saved in /root/r.json\r\nüber\nno break at the end",
                terminal.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aLongLineIsCutNotKeptWhole() throws Exception {
        LogBuffer b = new LogBuffer();
        LineTee t = new LineTee(new ByteArrayOutputStream(), b);
        t.write(("x".repeat(LineTee.MAX_LINE + 100) + "\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(LineTee.MAX_LINE, b.drain().get(0).length());
    }

    @Test
    void theJobsLinesAreItsPhasesAndStatesNotItsCounters() {
        JobLines j = new JobLines();
        LocalTime t = LocalTime.of(1, 2, 3);
        List<JobLines.Seen> writing = List.of(new JobLines.Seen("/dev/sdb", "writing", ""),
                new JobLines.Seen("/dev/sdc", "writing", ""));
        assertEquals(List.of("01:02:03  copying", "01:02:03  /dev/sdb: writing", "01:02:03  /dev/sdc: writing"),
                j.changes(t, "copying", writing));
        assertEquals(List.of(), j.changes(t, "copying", writing), "nothing changed, nothing said");
        assertEquals(List.of("01:02:03  /dev/sdc: failed: write error at 1.0 MiB"), j.changes(t, "copying",
                List.of(new JobLines.Seen("/dev/sdb", "writing", ""),
                        new JobLines.Seen("/dev/sdc", "failed", "write error at 1.0 MiB"))));
        List<JobLines.Seen> verifying = List.of(new JobLines.Seen("/dev/sdb", "verifying", ""),
                new JobLines.Seen("/dev/sdc", "failed", "write error at 1.0 MiB"));
        assertEquals(List.of("01:02:03  verifying: 1.0 MiB of 64.0 MiB", "01:02:03  /dev/sdb: verifying"),
                j.changes(t, "verifying: 1.0 MiB of 64.0 MiB", verifying));
        assertEquals(List.of(), j.changes(t, "verifying: 2.0 MiB of 64.0 MiB", verifying), "counters are not lines");
        j.reset();
        assertEquals(3, j.changes(t, "verifying: 3.0 MiB of 64.0 MiB", verifying).size(), "a new job says it all");
    }
}
