package org.kclone.device.fs;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.kclone.device.fs.ext.ExtReader;
import org.kclone.device.fs.swap.SwapReader;

/** Every file system reader, and the one look that picks the reader for a region. */
public final class FsReaders {

    private FsReaders() {
    }

    /** Every reader, the ones with a magic string first (a FAT boot sector has none, only plausible fields). */
    public static List<FsReader> all() {
        return List.of(
                new ExtReader(),
                new SwapReader(),
                new NtfsReader(),
                new ExfatReader(),
                new FatReader());
    }

    /**
     * What the first reader that recognises {@code src} finds, or empty when none does (the
     * caller copies the region whole).
     *
     * @throws FsFormatException when the recognising reader finds inconsistent structures (the
     *     caller copies the region whole and says why)
     */
    public static Optional<FsUsage> probe(ByteSource src) throws IOException {
        for (FsReader r : all()) {
            if (r.recognises(src)) {
                return Optional.of(r.read(src));
            }
        }
        return Optional.empty();
    }
}
