package org.kclone.ui;

import java.util.Locale;
import java.util.Set;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.image.compress.CompressedImages;

/**
 * Whether "Used blocks only" applies to a source, and its default: on for a whole disk and for a
 * whole partition whose file system kclone reads; off (the person may turn it on) for a raw image
 * file and for a partition lsblk names no file system on, whose file systems are found when the
 * copy starts; greyed, with the reason, otherwise.
 * No toolkit: the view model asks it.
 */
final class UsedOnlyChoice {

    /** File systems kclone reads the allocation of, as lsblk names them. */
    static final Set<String> SUPPORTED = Set.of("ext2", "ext3", "ext4", "vfat", "exfat", "ntfs", "swap");

    /** Why "Used blocks only" is not offered for {@code source} (null: it is). */
    static String unavailable(Endpoint source) {
        if (source == null) {
            return "pick a source first";
        }
        if (source.kind() == Endpoint.Kind.IMAGE) {
            try {
                if (CompressedImages.isCompressedSource(source)) {
                    return "a compressed image is copied whole";
                }
            } catch (RefusedException e) {
                return e.reason();
            }
            return source.start() == 0 ? null : "only for a whole image, disk or partition (not a region inside)";
        }
        DeviceInfo d = source.device();
        if (d == null || source.start() != 0 || source.count() * 512 != d.size()) {
            return "only for a whole disk or partition (not a region inside)";
        }
        String fs = fsType(d);
        if (d.isPartition() && !fs.isEmpty() && !SUPPORTED.contains(fs)) {
            return "kclone does not read " + fs + " (ext2/3/4, FAT, exFAT, NTFS and swap): copied whole";
        }
        // a partition lsblk names no file system on (no udev to ask, or a new one): offered, off; the
        // copy reads it when it starts and copies it whole where it finds none (the window, run as
        // the user, cannot read the partition itself; "no file system found" was not true)
        return null;
    }

    /** Whether the box starts ticked for {@code source}: a whole disk or a supported partition. */
    static boolean defaultOn(Endpoint source) {
        return unavailable(source) == null && source.kind() == Endpoint.Kind.BLOCK
                && !(source.device().isPartition() && fsType(source.device()).isEmpty());
    }

    private static String fsType(DeviceInfo d) {
        return d.fsType() == null ? "" : d.fsType().toLowerCase(Locale.ROOT);
    }

    private UsedOnlyChoice() {
    }
}
