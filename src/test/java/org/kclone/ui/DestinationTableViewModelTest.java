package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.kclone.device.CloneRun;
import org.kclone.device.Report;
import org.kclone.ui.table.DestinationRow;
import org.kclone.ui.table.JobSummary;
import org.kclone.ui.table.RowState;

/**
 * The table's rows as the job's poll sets them, without a toolkit: states, one bar that never goes
 * back, speed and ETA (with the verification pass), a failed row without speed and ETA, the
 * cancelled row's words, the overall line and the end summary. A fake run and a clock the test moves.
 */
class DestinationTableViewModelTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MIB = 1 << 20;

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final JobViewModel job = new JobViewModel();

    {
        job.clock(now::get);
    }

    private ViewModelTest.FakeRun start(long total, int rows, boolean verify) {
        ViewModelTest.FakeRun run = new ViewModelTest.FakeRun(total, rows);
        run.errors = new String[rows];
        List<String> paths = new java.util.ArrayList<>();
        for (int i = 0; i < rows; i++) {
            paths.add("/dev/loop" + (10 + i));
        }
        job.start(run, paths, verify);
        return run;
    }

    @Test
    void rowsGoFromWritingToVerifyingToDoneOnOneBarThatNeverGoesBack() {
        ViewModelTest.FakeRun run = start(64 * MIB, 2, true);
        assertEquals(RowState.WAITING, job.rows().get(0).kind().get());
        now.addAndGet(2 * SECOND);
        run.written = new long[] {32 * MIB, 16 * MIB};
        job.poll();
        DestinationRow a = job.rows().get(0);
        assertEquals(RowState.WRITING, a.kind().get());
        assertEquals(0.25, a.bar().get(), "copy fills the first half");
        assertEquals("32 MiB of 64 MiB", a.bytes().get());
        assertEquals("16 MiB/s", a.speed().get());
        // 32 MiB left at 16 MiB/s = 2 s, then 64 MiB of read-back at the same speed = 4 s
        assertEquals("0:06", a.eta().get());
        assertTrue(job.overallLine().get().startsWith("copying: 0 of 2 written; 0:02 elapsed; 24 MiB/s total; ETA "),
                job.overallLine().get());
        now.addAndGet(2 * SECOND);
        run.written = new long[] {64 * MIB, 64 * MIB};
        run.phase = CloneRun.Phase.VERIFYING;
        job.poll();
        assertEquals(RowState.VERIFYING, a.kind().get());
        assertEquals(0.5, a.bar().get(), "verification starts at the half: the bar does not run backwards");
        assertTrue(job.overallLine().get().startsWith("verifying: 0 of 2 verified"), job.overallLine().get());
        assertFalse(a.eta().get().equals("0:00"), "work is left: " + a.eta().get());
        now.addAndGet(SECOND);
        run.verified = 16 * MIB;
        job.poll();
        assertEquals(0.625, a.bar().get());
        assertEquals("16 MiB/s", a.speed().get());
        assertEquals("0:03", a.eta().get(), "48 MiB left at the read-back's 16 MiB/s");
        run.verified = 64 * MIB;
        run.report = report(false, dest("ok", null), dest("ok", null));
        job.poll();
        assertEquals(RowState.DONE, a.kind().get());
        assertEquals("✓ done, verified", a.stateText().get());
        assertEquals(1.0, a.bar().get());
        assertEquals("", a.eta().get());
    }

    @Test
    void aResumedJobsSpeedAndEtaCountOnlyWhatThisRunWrote() {
        ViewModelTest.FakeRun run = start(64 * MIB, 2, false);
        run.before = 32 * MIB; // on both destinations from the interrupted run
        now.addAndGet(2 * SECOND);
        run.written = new long[] {40 * MIB, 40 * MIB};
        job.poll();
        DestinationRow a = job.rows().get(0);
        assertEquals("40 MiB of 64 MiB", a.bytes().get(), "Done counts the whole job");
        assertEquals("4 MiB/s", a.speed().get(), "8 MiB in 2 s, not 40");
        assertEquals("0:06", a.eta().get(), "24 MiB left at 4 MiB/s");
        assertTrue(job.overallLine().get().contains("; 8 MiB/s total; ETA 0:06"), job.overallLine().get());
        now.addAndGet(4 * SECOND);
        run.written = new long[] {64 * MIB, 64 * MIB};
        run.report = report(false, 64 * MIB, 2, dest("ok", null), dest("ok", null));
        job.poll();
        assertEquals("Done in 0:06: 2 ok, 0 failed, 0 mismatch; 64 MiB (32 MiB of them copied before the"
                + " interruption) at 5.3 MiB/s average", job.summary().get().text(), "32 MiB in 6 s");
    }

    @Test
    void aFailedRowDropsItsSpeedAndEtaAndSaysWhyInItsStateCell() {
        ViewModelTest.FakeRun run = start(64 * MIB, 3, true);
        now.addAndGet(SECOND);
        run.written = new long[] {8 * MIB, 8 * MIB, 8 * MIB};
        job.poll();
        assertEquals("8 MiB/s", job.rows().get(1).speed().get());
        run.errors[1] = "Input/output error";
        now.addAndGet(SECOND);
        run.written = new long[] {16 * MIB, 8 * MIB, 16 * MIB};
        job.poll();
        DestinationRow failed = job.rows().get(1);
        assertEquals(RowState.FAILED, failed.kind().get());
        assertEquals("", failed.speed().get());
        assertEquals("", failed.eta().get());
        assertEquals("✗ failed: Input/output error", failed.stateText().get());
        assertEquals(0.0625, failed.bar().get(), "the bar stays where the row stopped");
        assertTrue(job.overallLine().get().contains("1 failed"), job.overallLine().get());
        assertEquals(RowState.WRITING, job.rows().get(0).kind().get());
    }

    @Test
    void aCancelledDestinationSaysHowMuchWasWrittenInItsOwnState() {
        ViewModelTest.FakeRun run = start(64 * MIB, 2, true);
        now.addAndGet(SECOND);
        run.written = new long[] {14 * MIB, 0};
        job.poll();
        job.cancel();
        run.report = report(true, dest("cancelled", "incomplete: 14680064 of 67108864 bytes written; the job stopped"
                + " when it was cancelled"), dest("cancelled", "incomplete: 0 of 67108864 bytes written"));
        job.poll();
        DestinationRow a = job.rows().get(0);
        assertEquals(RowState.CANCELLED, a.kind().get());
        assertEquals("cancelled", a.state().get());
        assertEquals("14 MiB of 64 MiB written, partly overwritten", a.error().get());
        assertEquals("■ cancelled: 14 MiB of 64 MiB written, partly overwritten", a.stateText().get());
        assertFalse(a.kind().get().bad(), "cancel is not failure");
        assertEquals("nothing written", job.rows().get(1).error().get());
        assertEquals("cancelled", job.status().get());
        assertTrue(job.summary().get().text().startsWith("Cancelled after 0:01: 0 ok, 0 failed, 0 mismatch,"
                + " 2 cancelled;"), job.summary().get().text());
    }

    @Test
    void aRowsReasonIsInTheWindowsWordsNotTheCommandLines() {
        ViewModelTest.FakeRun run = start(64 * MIB, 2, false);
        now.addAndGet(SECOND);
        run.written = new long[] {3 * MIB, 3 * MIB};
        run.report = report(false, 3 * MIB, 1, dest("failed", "incomplete: 3145728 of 67108864 bytes written; the job"
                + " stopped at a source read error (--ignore-errors goes past it)"), dest("ok", null));
        job.poll();
        String why = job.rows().get(0).error().get();
        assertTrue(why.endsWith("(the option \"Ignore read errors\" goes past it)"), why);
        assertFalse(why.contains("--"), why);
    }

    @Test
    void theEndSummaryCountsEveryVerdictWithElapsedAndAverageSpeed() {
        ViewModelTest.FakeRun run = start(64 * MIB, 4, true);
        run.errors[1] = "Input/output error";
        now.addAndGet(4 * SECOND);
        run.written = new long[] {64 * MIB, 3 * MIB, 64 * MIB, 64 * MIB};
        run.verified = 64 * MIB;
        run.report = report(false, 64 * MIB, 4, dest("ok", null), dest("failed", "Input/output error"),
                "{\"path\":\"c\",\"start\":0,\"length\":8,\"status\":\"mismatch\",\"error\":null,"
                        + "\"mismatches\":[{\"start\":7048,\"count\":1,\"sourceStart\":7048}]}", dest("ok", null));
        job.poll();
        JobSummary s = job.summary().get();
        assertNotNull(s);
        assertEquals(2, s.ok());
        assertEquals(1, s.failed());
        assertEquals(1, s.mismatch());
        assertEquals(4, s.seconds());
        assertEquals(16 * MIB, s.averageSpeed());
        assertFalse(s.allOk());
        assertEquals("Done in 0:04: 2 ok, 1 failed, 1 mismatch; 64 MiB at 16 MiB/s average", s.text());
        assertEquals(s.text(), job.overallLine().get());
        assertEquals(RowState.MISMATCH, job.rows().get(2).kind().get());
        assertTrue(job.rows().get(2).stateText().get().startsWith("✗ mismatch: differs from the source at sector 7048"),
                job.rows().get(2).stateText().get());
    }

    @Test
    void beforeAJobARowIsQueuedOrRefusedWithTheGuardItBreaks() {
        DestinationRow r = new DestinationRow("/dev/sdc");
        assertEquals(RowState.QUEUED, r.kind().get());
        r.guard().set("this is the source disk");
        assertEquals(RowState.REFUSED, r.kind().get());
        assertEquals("✗ cannot start: this is the source disk", r.stateText().get());
        r.guard().set("");
        assertEquals("queued", r.stateText().get());
        r.describe("Ultra Fit ", null, 16L << 30);
        assertEquals("Ultra Fit", r.model().get());
        assertEquals("16 GiB", r.size().get());
    }

    private static String dest(String status, String error) {
        return "{\"path\":\"d\",\"start\":0,\"length\":8,\"status\":\"" + status + "\",\"error\":"
                + (error == null ? "null" : "\"" + error + "\"") + ",\"mismatches\":[]}";
    }

    private static Report report(boolean cancelled, String... destinations) {
        return report(cancelled, 4096, 1, destinations);
    }

    private static Report report(boolean cancelled, long bytes, double seconds, String... destinations) {
        String json = "{\"command\":\"copy\",\"source\":{\"path\":\"s\",\"start\":0,\"length\":8},"
                + "\"bytes\":" + bytes + ",\"seconds\":" + seconds + ",\"cancelled\":" + cancelled
                + ",\"readErrors\":[],\"destinations\":[" + String.join(",", destinations) + "]}";
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Report.class);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
