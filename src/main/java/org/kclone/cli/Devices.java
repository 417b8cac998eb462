package org.kclone.cli;

import java.io.IOException;
import java.util.List;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;
import org.kclone.device.RefusedException;

/** Discovery for the commands that write: without lsblk no guard can be checked, so nothing is written. */
final class Devices {

    private Devices() {
    }

    static List<DeviceInfo> discover() throws RefusedException {
        try {
            return Lsblk.discover();
        } catch (IOException e) {
            throw new RefusedException("lsblk", "cannot list the block devices (" + e.getMessage()
                    + "), so the guards against the wrong disk cannot be checked; nothing was written");
        }
    }
}
