package org.kclone.ui;

import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RefusedException;
import org.kclone.device.resume.JobMap;
import org.kclone.device.resume.MapStore;

/**
 * An in-process window job with its automatic map ({@link MapStore}): read and checked when the
 * person chose Resume, new otherwise; deleted once the job has finished (a cancelled or failed
 * job keeps it, to be resumed). A used-blocks-only job keeps a map of its extents (resumed only as
 * used-blocks-only); one from or to a compressed image keeps no map (not resumable).
 */
final class WindowMaps {

    private WindowMaps() {
    }

    /** Starts the run (on the caller's thread: {@link StartingRun}'s). */
    static JobRun start(MapStore maps, CopyPlanner.Plan plan, CloneRun.Settings settings, boolean resume)
            throws RefusedException {
        JobMap map = maps == null || (!resume && !MapStore.canKeep(plan)) ? null
                : maps.prepare(plan, resume, settings.usedOnly()); // a compressed image's job keeps none
        CloneRun run = CloneRun.start(plan, map == null ? settings : settings.withMap(map));
        if (map != null) {
            run.completion().whenComplete((report, failure) -> maps.forgetIfFinished(map.file()));
        }
        return JobRun.of(run);
    }
}
