package org.kclone.ui;

import java.io.IOException;
import java.util.List;
import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Report;
import org.kclone.device.resume.MapStore;

/**
 * A window job run by the privileged helper: the helper keeps the job's map in its own folder
 * (which this user cannot read), so the window keeps a note of the job in its own ({@link
 * MapStore#noteHelperJob}) and offers Resume for it until the job ends well. Written and removed on
 * a thread of its own, never the FX thread.
 */
final class HelperNotes {

    private HelperNotes() {
    }

    static JobRun start(MapStore maps, List<String> command, CopyPlanner.Plan plan, CloneRun.Settings settings,
            boolean resume) {
        return start(maps, command, plan, settings, resume, line -> { });
    }

    /** As above, the helper's standard error lines handed to {@code log} (the Details pane). */
    static JobRun start(MapStore maps, List<String> command, CopyPlanner.Plan plan, CloneRun.Settings settings,
            boolean resume, java.util.function.Consumer<String> log) {
        JobRun run = HelperJobRun.start(command, plan, settings, resume, log);
        if (!MapStore.canKeep(plan)) {
            return run; // the helper keeps no map of such a job
        }
        return noted(maps, plan, run);
    }

    /**
     * {@code run} with its note kept, done only once the note is settled (removed when the job ended
     * well): the window looks at the maps as soon as the job is done, and found the note of a job that
     * had ended well still there (this thread looks every 250 ms), offering to resume it.
     */
    static JobRun noted(MapStore maps, CopyPlanner.Plan plan, JobRun run) {
        java.util.concurrent.CountDownLatch settled = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                follow(maps, plan, run);
            } finally {
                settled.countDown();
            }
        }, "kclone-helper-note");
        t.setDaemon(true);
        t.start();
        return new Settled(run, settled);
    }

    private static void follow(MapStore maps, CopyPlanner.Plan plan, JobRun run) {
        try {
            maps.noteHelperJob(plan);
            while (!run.isDone()) {
                Thread.sleep(250);
            }
            Report r = run.report();
            boolean ended = r != null && !r.cancelled() && r.exitCode() == 0
                    && r.destinations().stream().allMatch(d -> "ok".equals(d.status()));
            String problem = run.problem();
            boolean nothingToResume = problem != null && problem.contains("no unfinished map of this job");
            if (ended || nothingToResume) {
                maps.forgetHelperJob(plan);
            }
        } catch (IOException e) {
            // no note: the job runs, the window just will not offer to resume it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A run that is done once it is and its note is settled; everything else is the run's. */
    private record Settled(JobRun run, java.util.concurrent.CountDownLatch settled) implements JobRun {
        public CloneRun.Phase phase() {
            return run.phase();
        }

        public long totalBytes() {
            return run.totalBytes();
        }

        @Override
        public boolean probing() {
            return run.probing();
        }

        public long[] written() {
            return run.written();
        }

        @Override
        public long copiedBefore() {
            return run.copiedBefore();
        }

        public long verifiedBytes() {
            return run.verifiedBytes();
        }

        public String error(int i) {
            return run.error(i);
        }

        public List<org.kclone.engine.SectorRange> unreadableSoFar() {
            return run.unreadableSoFar();
        }

        public boolean isDone() {
            return run.isDone() && settled.getCount() == 0;
        }

        public Report report() {
            return run.report();
        }

        public void cancel() {
            run.cancel();
        }

        @Override
        public String waitingFor() {
            return run.waitingFor();
        }

        @Override
        public String problem() {
            return run.problem();
        }
    }
}
