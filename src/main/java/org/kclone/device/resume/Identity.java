package org.kclone.device.resume;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;
import org.kclone.device.LoopBacking;

/**
 * What makes a device or file the same one on another run, as one token for the map: a block
 * device's size and its serial (its /dev/disk/by-id name where it has one, which holds the serial
 * and a partition's number), or for a loop device the file behind it (device and inode, offset);
 * an image file's device and inode, and for a source file also its size and modification time.
 * A block device with none of those is known by its path and size only.
 */
final class Identity {

    private Identity() {
    }

    static String of(Endpoint e, boolean source) throws IOException {
        if (e.kind() == Endpoint.Kind.BLOCK) {
            DeviceInfo d = e.device();
            long size = d != null ? d.size() : e.sizeBytes();
            String which;
            if (d != null && d.stableId() != null && !d.stableId().isBlank()) {
                which = "byid=" + d.stableId();
            } else if (d != null && d.serial() != null && !d.serial().isBlank()) {
                which = "serial=" + d.serial().strip();
            } else {
                Optional<LoopBacking.Backing> b = d != null ? LoopBacking.system().of(d.name()) : Optional.empty();
                which = b.isPresent() && b.get().id() != null
                        ? "loop=" + b.get().id().device() + "." + b.get().id().inode() + "+" + b.get().offset()
                        : "path=" + e.path();
            }
            return token("block:size=" + size + ":" + which);
        }
        LoopBacking.FileId id = LoopBacking.idOf(e.path());
        String s = "file:" + id.device() + "." + id.inode();
        if (source) {
            s += ":size=" + Files.size(e.path()) + ":mtime=" + Files.getLastModifiedTime(e.path()).toMillis();
        }
        return token(s);
    }

    /** Without white space, so it stays one word of its line. */
    private static String token(String s) {
        return s.replaceAll("\\s", "_");
    }
}
