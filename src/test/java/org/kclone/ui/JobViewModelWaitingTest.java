package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run that waits before it starts (the helper while polkit asks for the password) and one that
 * ends without a report (refused, not authorized): the ViewModel says so from the run, whatever
 * kind of run it is.
 */
class JobViewModelWaitingTest {

    /** A run that first waits, then ends without a report. */
    static final class WaitingRun extends ViewModelTest.FakeRun {
        String waiting = "waiting for the administrator password";
        String problem;
        boolean over;

        WaitingRun() {
            super(4096, 2);
        }

        @Override
        public String waitingFor() {
            return waiting;
        }

        @Override
        public String problem() {
            return problem;
        }

        @Override
        public boolean isDone() {
            return over;
        }
    }

    @Test
    void whileTheRunWaitsTheStatusSaysForWhatAndTheRowsWait() {
        JobViewModel job = new JobViewModel();
        WaitingRun run = new WaitingRun();
        job.start(run, List.of("/dev/sdb", "/dev/sdc"), true);
        job.poll();
        assertEquals("waiting for the administrator password", job.status().get());
        assertEquals(List.of("waiting", "waiting"), job.rows().stream().map(r -> r.state().get()).toList());
        assertTrue(job.running().get());
        run.waiting = null;
        job.poll();
        assertEquals("copying", job.status().get());
        assertEquals("writing", job.rows().get(0).state().get());
    }

    @Test
    void aRunThatEndsWithoutAReportSaysWhyAndUnlocks() {
        JobViewModel job = new JobViewModel();
        WaitingRun run = new WaitingRun();
        job.start(run, List.of("/dev/sdb", "/dev/sdc"), false);
        job.poll();
        run.problem = "The administrator password was not given. Nothing was written.";
        run.over = true;
        job.poll();
        assertEquals(run.problem, job.status().get());
        assertEquals(run.problem, job.problem().get());
        assertEquals("not done", job.rows().get(1).state().get());
        assertEquals(run.problem, job.rows().get(1).error().get());
        assertFalse(job.running().get());
        assertNull(job.report().get());
    }
}
