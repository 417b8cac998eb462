package org.kclone.device.fs;

/** A byte range of a file system, relative to the file system's first byte. */
public record Extent(long offset, long length) {

    public Extent {
        if (offset < 0 || length <= 0 || offset > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("bad extent: offset " + offset + " length " + length);
        }
    }

    /** One past the last byte. */
    public long end() {
        return offset + length;
    }
}
