package org.kclone.ui.duplicator;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.kclone.device.DeviceInfo;

/**
 * The drives this window has written and verified, so that one plugged in again is not written
 * again. A drive is known by its serial (else its {@code /dev/disk/by-id} name), model and size;
 * its kernel name does not count (a stick plugged in again may get another one). A drive with
 * neither serial nor by-id name cannot be recognised and is written as a new one. Only a drive
 * whose copy was verified is remembered; one whose copy failed, did not verify or was cancelled is
 * forgotten, so plugging it in again retries it. What it was written with counts too: the memory
 * lasts as long as the window (disarming and arming again keeps it), but a drive written with
 * another source (another path or length) is written with the new one. Thread-safe: the poller
 * thread looks up, the FX thread remembers.
 */
final class WrittenDrives {

    /** Who a drive is, whatever kernel name it has now; null parts are not known. */
    record Identity(String id, String model, long size) {
        /** The drive's identity, or null when it reports neither serial nor by-id name. */
        static Identity of(DeviceInfo d) {
            String id = blankToNull(d.serial());
            if (id == null) {
                id = blankToNull(d.stableId());
                if (id == null) {
                    return null;
                }
                id = "by-id:" + id;
            }
            return new Identity(id, blankToNull(d.model()), d.size());
        }
    }

    /** A drive written and verified at {@code at} with the source {@code source}. */
    record Written(LocalDateTime at, String source) {
        private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm");

        /** "already written at 10:42 (verified)". */
        String text() {
            return "already written at " + at.format(HM) + " (verified)";
        }
    }

    private final Map<Identity, Written> written = new ConcurrentHashMap<>();

    /** What a source is for this memory: its path and length (another source is another job). */
    static String sourceKey(String path, long bytes) {
        return path + " (" + bytes + " bytes)";
    }

    /** The drive was written with {@code source} and verified at {@code at}. */
    void remember(DeviceInfo d, String source, LocalDateTime at) {
        Identity id = Identity.of(d);
        if (id != null) {
            written.put(id, new Written(at, source));
        }
    }

    /** The drive's copy failed (or was cancelled): it holds no good copy, so it may be written again. */
    void forget(DeviceInfo d) {
        Identity id = Identity.of(d);
        if (id != null) {
            written.remove(id);
        }
    }

    /** When this drive was written with {@code source}, if it was. */
    Optional<Written> find(DeviceInfo d, String source) {
        Identity id = Identity.of(d);
        Written w = id == null ? null : written.get(id);
        return w != null && w.source().equals(source) ? Optional.of(w) : Optional.empty();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
