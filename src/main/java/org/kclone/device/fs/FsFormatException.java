package org.kclone.device.fs;

import java.io.IOException;

/**
 * A file system's structures are not what its format says (a bad superblock, a bitmap past the
 * end): the reader names what it found. Whoever asked copies that region whole.
 */
public class FsFormatException extends IOException {

    public FsFormatException(String message) {
        super(message);
    }
}
