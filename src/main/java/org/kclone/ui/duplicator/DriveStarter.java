package org.kclone.ui.duplicator;

import java.nio.file.Files;
import java.util.function.Supplier;
import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceOpener;
import org.kclone.device.RefusedException;
import org.kclone.device.hotplug.SharedEngine;

/**
 * Starts the copy to one plugged drive. The window's ({@link #inProcess}) runs every drive in this
 * process on one {@link SharedEngine}: duplicator mode needs the window to be able to open the
 * drives itself (run as root). It does not go through the privileged helper, which would ask for
 * the administrator's password once per drive; a drive this process cannot open is refused on its
 * row, saying so.
 */
public interface DriveStarter {

    DriveJob start(CopyPlanner.Plan plan) throws RefusedException;

    /** The engine is no longer needed once the running jobs end (disarmed, window closing). */
    default void closeWhenIdle() {
    }

    /** In this process, every drive's run on {@code engine}, with the settings {@code settings} gives at each start. */
    static DriveStarter inProcess(SharedEngine engine, Supplier<CloneRun.Settings> settings) {
        return new DriveStarter() {
            @Override
            public DriveJob start(CopyPlanner.Plan plan) throws RefusedException {
                if (!Files.isReadable(plan.source().path())) {
                    throw new RefusedException("SOURCE", "this window cannot read " + plan.source().path()
                            + ": duplicator mode needs the window started as root");
                }
                var dest = plan.destinations().get(0);
                if (!Files.isWritable(dest.path())) {
                    throw new RefusedException(dest.field(), "this window cannot write " + dest.path()
                            + ": duplicator mode needs the window started as root");
                }
                return DriveJob.of(engine.start(plan, DeviceOpener.BY_PATH, settings.get()));
            }

            @Override
            public void closeWhenIdle() {
                engine.closeWhenIdle();
            }
        };
    }
}
