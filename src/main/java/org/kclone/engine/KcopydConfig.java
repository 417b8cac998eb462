package org.kclone.engine;

/**
 * A client's tuning: the chunk (kcopyd's sub-job) size and how many chunks of one job may be in
 * flight. See {@link #DEFAULT} for how the defaults were chosen.
 */
public record KcopydConfig(int chunkBytes, int maxChunksInFlight) {

    /** The chunk size limit: 64 MiB. */
    public static final int MAX_CHUNK_BYTES = 64 << 20;

    /**
     * 1 MiB chunks, 8 in flight. The kernel's starting point is 512 KiB and 8; measured here
     * (README, "Engine defaults") 1 MiB chunks copy loop devices with O_DIRECT markedly faster
     * than 512 KiB and larger chunks add little, while 8 in flight keeps every device busy.
     */
    public static final KcopydConfig DEFAULT = new KcopydConfig(1 << 20, 8);

    public KcopydConfig {
        if (chunkBytes < KcopydClient.PAGE_SIZE || chunkBytes % KcopydClient.PAGE_SIZE != 0
                || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunk size must be a multiple of 4096 bytes between 4 KiB and 64 MiB, not "
                    + chunkBytes);
        }
        if (maxChunksInFlight < 1) {
            throw new IllegalArgumentException("chunks in flight must be at least 1, not " + maxChunksInFlight);
        }
    }

    public KcopydConfig withChunkBytes(int bytes) {
        return new KcopydConfig(bytes, maxChunksInFlight);
    }

    public KcopydConfig withMaxChunksInFlight(int n) {
        return new KcopydConfig(chunkBytes, n);
    }

    /** Pages one chunk takes from the client's budget. */
    public int pagesPerChunk() {
        return chunkBytes / KcopydClient.PAGE_SIZE;
    }
}
