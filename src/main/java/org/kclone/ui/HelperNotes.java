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
        Thread t = new Thread(() -> follow(maps, plan, run), "kclone-helper-note");
        t.setDaemon(true);
        t.start();
        return run;
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
}
