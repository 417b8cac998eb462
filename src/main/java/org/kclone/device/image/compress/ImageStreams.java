package org.kclone.device.image.compress;

import java.io.IOException;
import java.util.List;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.Report;
import org.kclone.engine.BlockDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One opened plan's compressed and checksummed images: the source's stream or hashing device (so
 * the run can tell a broken stream or a checksum mismatch from a bad sector), the compressed
 * destinations (whose stored SHA-256 is known once flushed), and the sidecars written at the end.
 */
public final class ImageStreams {

    private static final Logger LOG = LoggerFactory.getLogger(ImageStreams.class);

    private final CompressedImageDevice[] compressed;
    private StreamSourceDevice stream;
    private HashingSourceDevice hashed;

    public ImageStreams(int destinations) {
        this.compressed = new CompressedImageDevice[destinations];
    }

    /**
     * Opens the compressed source {@code source} as a stream, the file opened at {@code at} (its
     * own path, or the helper's pinned descriptor).
     */
    public BlockDevice openSource(Endpoint source, java.nio.file.Path at) throws RefusedException {
        stream = CompressedImages.openStreamSource(source, at);
        return stream;
    }

    /** The compressed source opened by {@link #openSource}, or null (a raw source, or none yet). */
    public BlockDevice stream() {
        return stream;
    }

    /** A raw source, hashed as it is read when a checksum file lists it. */
    public BlockDevice checked(Endpoint source, BlockDevice raw) throws RefusedException {
        BlockDevice d = CompressedImages.checked(source, raw);
        hashed = d instanceof HashingSourceDevice h ? h : null;
        return d;
    }

    /** Opens new image {@code i} for writing compressed. */
    /** Opens new image {@code i} for writing compressed, the file opened at {@code at}. */
    public BlockDevice openDestination(int i, Endpoint e, Format f, java.nio.file.Path at) throws RefusedException {
        compressed[i] = CompressedImages.openDestination(e, f, at);
        return compressed[i];
    }

    /**
     * Why the source cannot be trusted (its compressed stream broke, or it does not match its
     * checksum), or null. Such a failure fails every destination: what they got came from a bad image.
     */
    public String sourceFailure() {
        CorruptStreamException e = stream != null ? stream.failure() : hashed != null ? hashed.failure() : null;
        return e == null ? null : e.getMessage();
    }

    /** Removes the sidecars of the image files about to be written: they describe the old bytes. */
    public void removeStaleSidecars(CopyPlanner.Plan plan) {
        for (Endpoint e : plan.destinations()) {
            if (e.isFile()) {
                try {
                    ImageChecksum.remove(e.path());
                } catch (IOException ex) {
                    LOG.warn("cannot remove the stale checksum file of {}: {}", e.path(), ex.toString());
                }
            }
        }
    }

    /**
     * After the run (flushed, verified when asked): writes {@code NAME.sha256} beside each image file
     * that was written completely ({@code ok}, or {@code unverified}: written and flushed); none
     * beside one that failed or was cancelled. A compressed image's hash was taken as it was written;
     * a raw image is read back once, in order, from its start.
     *
     * @return per destination, a warning when its sidecar could not be written (else null)
     */
    public String[] writeSidecars(CopyPlanner.Plan plan, List<Report.Destination> outcome) {
        String[] warnings = new String[outcome.size()];
        for (int i = 0; i < outcome.size(); i++) {
            Endpoint e = plan.destinations().get(i);
            String status = outcome.get(i).status();
            if (!e.isFile() || !("ok".equals(status) || "unverified".equals(status))) {
                continue;
            }
            try {
                String hex = i < compressed.length && compressed[i] != null ? compressed[i].storedSha256() : null;
                ImageChecksum.write(e.path(), hex != null ? hex : ImageChecksum.hashFile(e.path()));
            } catch (IOException ex) {
                warnings[i] = "the checksum file " + ImageChecksum.sidecarOf(e.path()) + " could not be written: "
                        + Lengths.message(ex);
                LOG.warn(warnings[i]);
            }
        }
        return warnings;
    }
}
