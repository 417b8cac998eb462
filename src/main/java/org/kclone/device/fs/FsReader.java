package org.kclone.device.fs;

import java.io.IOException;

/**
 * Reads one kind of file system's allocation map from its documented on-disk structures (no
 * mounting). A reader errs towards copying: anything it cannot account for is in use.
 */
public interface FsReader {

    /** The type as blkid names it: "ext4", "vfat", "exfat", "ntfs", "swap". */
    String type();

    /** Whether {@code src} starts with this file system (its magic numbers; reads only the first blocks). */
    boolean recognises(ByteSource src) throws IOException;

    /**
     * The ranges the file system uses.
     *
     * @throws FsFormatException when its structures are inconsistent (the caller copies it whole)
     */
    FsUsage read(ByteSource src) throws IOException;
}
