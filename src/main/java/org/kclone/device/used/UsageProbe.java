package org.kclone.device.used;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;
import org.kclone.device.fs.ByteSource;
import org.kclone.device.fs.FsFormatException;
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

    /**
     * The readers of {@code org.kclone.device.fs} ({@code FsReaders.probe}), looked up by name: they
     * are written beside this package at the same time, and until they are there every region is
     * copied whole ({@link #NONE}).
     */
    static UsageProbe system() {
        Method m;
        try {
            m = Class.forName("org.kclone.device.fs.FsReaders").getMethod("probe", ByteSource.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            return NONE;
        }
        return src -> {
            try {
                @SuppressWarnings("unchecked")
                Optional<FsUsage> found = (Optional<FsUsage>) m.invoke(null, src);
                return found;
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw new FsFormatException("the reader failed: " + re);
                }
                throw new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        };
    }
}
