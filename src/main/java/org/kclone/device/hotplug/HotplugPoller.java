package org.kclone.device.hotplug;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.kclone.device.DeviceInfo;

/**
 * Lists the devices about once a second on its own daemon thread and hands each snapshot to
 * {@code sink} on that thread (never on the window's): a {@link HotplugWatcher} there turns them
 * into appeared and gone drives. A listing that fails (or a sink that throws) is handed to
 * {@code failed} and the next one is tried a period later.
 */
public final class HotplugPoller implements AutoCloseable {

    private final ScheduledExecutorService timer;

    /**
     * Starts at once.
     *
     * @param discovery lists the devices (lsblk; a test gives its own)
     * @param periodMillis pause between the end of one listing and the next
     */
    public HotplugPoller(Callable<List<DeviceInfo>> discovery, long periodMillis, Consumer<List<DeviceInfo>> sink,
            Consumer<Exception> failed) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kclone-hotplug");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            List<DeviceInfo> found;
            try {
                found = discovery.call();
            } catch (Exception e) {
                failed.accept(e);
                return;
            }
            try {
                sink.accept(found);
            } catch (RuntimeException e) {
                failed.accept(e); // said, and the next listing comes: a task that throws would never run again
            }
        }, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops polling; a listing under way finishes, none starts after. */
    @Override
    public void close() {
        timer.shutdown();
    }
}
