package org.kclone.device.probe;

import org.kclone.device.Endpoint;

/** Which destinations are probed for fake capacity before the copy. */
public enum ProbeMode {
    /** None. */
    OFF,
    /** Removable drives (USB sticks, SD cards: where fakes are sold): the default. */
    REMOVABLE,
    /** Every block device destination. */
    ALL;

    /** Whether {@code destination} is probed; never an image file. */
    public boolean applies(Endpoint destination) {
        if (destination.kind() != Endpoint.Kind.BLOCK || destination.device() == null) {
            return false;
        }
        return this == ALL || this == REMOVABLE && destination.device().removable();
    }
}
