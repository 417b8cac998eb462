package org.kclone.ui;

import java.util.List;
import org.kclone.device.CloneRun;
import org.kclone.device.RefusedException;
import org.kclone.device.Report;
import org.kclone.engine.SectorRange;

/**
 * A run that starts on its own thread, not the caller's (the window's FX thread): reading the
 * job's map and checking it against the devices, and a used-blocks-only job's planning (it reads
 * the source's file systems: seconds on a large disk), happen there. Until the run exists it says
 * what it waits for; a refusal there ends it with {@link #problem()} (nothing was written).
 */
final class StartingRun implements JobRun {

    /** Makes the run (on the starting thread). */
    interface Starter {
        JobRun start() throws RefusedException;
    }

    private final int destinations;
    private final String waiting;
    private volatile JobRun run;
    private volatile String problem;
    private volatile boolean cancelled;

    private StartingRun(int destinations, String waiting) {
        this.destinations = destinations;
        this.waiting = waiting;
    }

    static StartingRun start(int destinations, String waiting, Starter starter) {
        StartingRun r = new StartingRun(destinations, waiting);
        Thread t = new Thread(() -> r.run(starter), "kclone-start");
        t.setDaemon(true);
        t.start();
        return r;
    }

    private void run(Starter starter) {
        try {
            JobRun made = starter.start();
            run = made;
            if (cancelled) {
                made.cancel();
            }
        } catch (RefusedException e) {
            problem = "Not started, nothing was written: " + words(e);
        } catch (RuntimeException | Error e) {
            problem = "Not started: " + e;
        }
    }

    /** A refusal in the window's words: the row it names, why; a map's refusal says the job cannot resume. */
    static String words(RefusedException e) {
        if (org.kclone.ui.resume.ResumeText.aboutTheMap(e.field())) {
            return org.kclone.ui.resume.ResumeText.refused(e.reason());
        }
        String f = e.field();
        String row = "SOURCE".equals(f) ? "the source" : f.startsWith("DEST ") ? "destination " + f.substring(5) : f;
        return row + ": " + Reasons.forTheWindow(e.reason());
    }

    @Override
    public CloneRun.Phase phase() {
        JobRun r = run;
        return r != null ? r.phase() : problem != null ? CloneRun.Phase.DONE : CloneRun.Phase.COPYING;
    }

    @Override
    public long totalBytes() {
        JobRun r = run;
        return r != null ? r.totalBytes() : 0;
    }

    @Override
    public boolean probing() {
        JobRun r = run;
        return r != null && r.probing();
    }

    @Override
    public long[] written() {
        JobRun r = run;
        return r != null ? r.written() : new long[destinations];
    }

    @Override
    public long copiedBefore() {
        JobRun r = run;
        return r != null ? r.copiedBefore() : 0;
    }

    @Override
    public long verifiedBytes() {
        JobRun r = run;
        return r != null ? r.verifiedBytes() : 0;
    }

    @Override
    public String error(int i) {
        JobRun r = run;
        return r != null ? r.error(i) : null;
    }

    @Override
    public List<SectorRange> unreadableSoFar() {
        JobRun r = run;
        return r != null ? r.unreadableSoFar() : List.of();
    }

    @Override
    public boolean isDone() {
        JobRun r = run;
        return r != null ? r.isDone() : problem != null;
    }

    @Override
    public Report report() {
        JobRun r = run;
        return r != null ? r.report() : null;
    }

    @Override
    public void cancel() {
        cancelled = true;
        JobRun r = run;
        if (r != null) {
            r.cancel();
        }
    }

    @Override
    public String waitingFor() {
        JobRun r = run;
        if (r != null) {
            return r.waitingFor();
        }
        return problem != null ? null : waiting;
    }

    @Override
    public String problem() {
        JobRun r = run;
        return r != null ? r.problem() : problem;
    }
}
