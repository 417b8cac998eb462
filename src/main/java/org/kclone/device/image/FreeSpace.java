package org.kclone.device.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.Sizes;
import org.kclone.device.image.compress.CompressedImages;

/**
 * Before anything is written, an image file must fit where it goes: a new raw image needs room
 * for the bytes written into it (the region's length; what lies before its START is a hole), an
 * image grown with --grow for what is written past its old end. A full file system is refused
 * now, naming the room there is and the ways out, instead of failing mid-job. A new compressed
 * image (size unknown before it is written) is not checked, nor an image written within its
 * size (its holes cannot be told from here).
 */
public final class FreeSpace {

    /** The usable bytes of the file system holding a folder (a seam: tests give their own). */
    public interface Probe {
        long usable(Path folder) throws IOException;
    }

    /** The file system's own answer ({@code statvfs}'s blocks available to this user). */
    public static final Probe SYSTEM = folder -> Files.getFileStore(folder).getUsableSpace();

    private FreeSpace() {
    }

    /** Refuses {@code e} (a destination as planned) when its image would not fit. */
    public static void check(Endpoint e, Probe probe) throws RefusedException {
        long needed;
        Path folder;
        if (e.kind() == Endpoint.Kind.NEW_IMAGE) {
            if (CompressedImages.newImageFormat(e).isPresent()) {
                return;
            }
            needed = e.byteLength();
            folder = e.path().toAbsolutePath().getParent();
        } else if (e.kind() == Endpoint.Kind.IMAGE && e.endByte() > e.sizeBytes()) {
            needed = Math.min(e.byteLength(), e.endByte() - e.sizeBytes());
            folder = e.path().toAbsolutePath().getParent();
        } else {
            return;
        }
        long free;
        try {
            free = probe.usable(folder);
        } catch (IOException ex) {
            return; // not known here: the write itself says it if the room runs out
        }
        if (free < needed) {
            throw new RefusedException(e.field(), e.path() + " needs " + Sizes.human(needed) + " but its file system"
                    + " has " + Sizes.human(free) + " free; choose a folder with room, or write a compressed image"
                    + " (" + e.path().getFileName() + ".zst), which keeps only what the data needs; nothing was"
                    + " written");
        }
    }
}
