package org.kclone.device.fs;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.kclone.device.fs.ext.ExtReader;
import org.kclone.device.fs.swap.SwapReader;

/** The file system readers kclone has, and the one that recognises a region. */
public final class FsReaders {

    private FsReaders() {
    }

    /** Every reader, the ones with a magic string first (a FAT boot sector has none, only plausible fields). */
    public static List<FsReader> all() {
        return List.of(new NtfsReader(), new ExfatReader(), new ExtReader(), new SwapReader(), new FatReader());
    }

    /**
     * The usage of the file system {@code src} holds, read by the first reader that recognises it;
     * empty where none does (the caller copies the region whole).
     *
     * @throws FsFormatException where a reader recognises it but its structures are inconsistent
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
