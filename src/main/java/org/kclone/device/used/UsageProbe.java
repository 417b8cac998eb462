package org.kclone.device.used;

import java.io.IOException;
import java.util.Optional;
import org.kclone.device.fs.ByteSource;
import org.kclone.device.fs.FsFormatException;
import org.kclone.device.fs.FsReaders;
import org.kclone.device.fs.FsUsage;

/**
 * Finds the file system in a region and what it uses: empty when no supported one is there.
 *
 * @see #system()
 */
@FunctionalInterface
public interface UsageProbe {

    /**
     * @throws FsFormatException when a supported file system is there but its structures are inconsistent
     */
    Optional<FsUsage> probe(ByteSource src) throws IOException;

    /** Knows no file system: everything is copied whole. */
    UsageProbe NONE = src -> Optional.empty();

    /** The readers of {@code org.kclone.device.fs} ({@link FsReaders#probe}). */
    static UsageProbe system() {
        return FsReaders::probe;
    }
}
