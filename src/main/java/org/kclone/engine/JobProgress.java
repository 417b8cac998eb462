package org.kclone.engine;

/** A snapshot of a job's progress, in bytes. */
public record JobProgress(long totalBytes, long bytesRead, long[] bytesWritten) {

    public JobProgress {
        bytesWritten = bytesWritten.clone();
    }

    /** Bytes written to destination {@code i}. */
    public long bytesWritten(int i) {
        return bytesWritten[i];
    }

    @Override
    public long[] bytesWritten() {
        return bytesWritten.clone();
    }
}
