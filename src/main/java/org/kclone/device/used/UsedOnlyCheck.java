package org.kclone.device.used;

import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.image.compress.CompressedImages;

/**
 * Refuses {@code --used-only} where it cannot work, before anything is written: a compressed
 * source (its file systems' maps would have to be read from a stream before the copy reads it
 * once) and a new compressed image as a destination (a stream is written whole, in order; a raw
 * image destination works and stays sparse where nothing was copied).
 */
public final class UsedOnlyCheck {

    private UsedOnlyCheck() {
    }

    public static void check(CopyPlanner.Plan plan) throws RefusedException {
        Endpoint src = plan.source();
        if (src != null && CompressedImages.isCompressedSource(src)) {
            throw new RefusedException("--used-only", src.path() + " is a compressed image: --used-only reads the"
                    + " source's file systems before copying, which a compressed stream cannot do; decompress it"
                    + " first or copy it whole");
        }
        for (Endpoint d : plan.destinations()) {
            if (CompressedImages.newImageFormat(d).isPresent()) {
                throw new RefusedException("--used-only", d.path() + " would be a compressed image, which is"
                        + " written whole as one stream; use a raw image (it stays sparse where nothing is copied)"
                        + " or copy without --used-only");
            }
        }
    }
}
