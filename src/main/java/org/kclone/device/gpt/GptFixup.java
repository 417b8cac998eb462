package org.kclone.device.gpt;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.SectorRange;

/**
 * What {@link GptRelocator} decided for one destination: nothing (no GPT, or not a larger whole
 * disk), a GPT left as it is with the reason ({@link #skipped()}), or the sectors to rewrite so
 * that the GPT fills the larger disk. {@link #rewritten()} names those sectors for verification,
 * which compares them with {@link GptCheck} instead of with the source.
 */
public final class GptFixup {

    /** {@code data} to write at byte {@code offset}; {@code what} names it in messages. */
    public record Write(String what, long offset, byte[] data) {
    }

    private static final GptFixup NONE = new GptFixup(0, List.of(), null, false, -1, 0, 0);

    private final int sectorSize;
    private final List<Write> writes;
    private final String note;
    private final boolean skipped;
    private final int grownPartition;
    private final long grownTo;
    private final long diskSectors;

    GptFixup(int sectorSize, List<Write> writes, String note, boolean skipped, int grownPartition, long grownTo,
            long diskSectors) {
        this.sectorSize = sectorSize;
        this.writes = List.copyOf(writes);
        this.note = note;
        this.skipped = skipped;
        this.grownPartition = grownPartition;
        this.grownTo = grownTo;
        this.diskSectors = diskSectors;
    }

    /** Nothing to say or do: no GPT there, or the destination is no larger. */
    public static GptFixup none() {
        return NONE;
    }

    /** A GPT that is left as it is; {@code why} says so. */
    static GptFixup skipped(String why) {
        return new GptFixup(0, List.of(), why, true, -1, 0, 0);
    }

    /** Whether there are sectors to rewrite. */
    public boolean relocates() {
        return !writes.isEmpty();
    }

    /** Whether a GPT was found but is left as it is (damaged, or of another sector size): {@link #note()} says why. */
    public boolean skipped() {
        return skipped;
    }

    /** For the person and the report: what was (or will be) done, or why not; null when there is nothing to say. */
    public String note() {
        return note;
    }

    /** The GPT's logical sector size (512 or 4096); 0 when nothing is rewritten. */
    public int sectorSize() {
        return sectorSize;
    }

    /** Logical sectors of the destination the GPT was fitted to. */
    public long diskSectors() {
        return diskSectors;
    }

    /** The grown partition's number (1-based) with --grow-last, else -1. */
    public int grownPartition() {
        return grownPartition;
    }

    /** The grown partition's new last LBA (inclusive), with --grow-last. */
    public long grownTo() {
        return grownTo;
    }

    public List<Write> writes() {
        return writes;
    }

    /** The rewritten sectors, in 512-byte sectors of the device, ascending and coalesced. */
    public List<SectorRange> rewritten() {
        List<SectorRange> out = new ArrayList<>();
        for (Write w : writes) {
            long first = w.offset() / 512;
            long end = (w.offset() + w.data().length + 511) / 512;
            out.add(new SectorRange(first, end - first));
        }
        return SectorRange.coalesce(out);
    }

    /** Writes every sector (past the page cache where the device allows it) and flushes; nothing when none. */
    public void apply(BlockDevice device) throws IOException {
        if (writes.isEmpty()) {
            return; // nothing to write: no second flush
        }
        for (Write w : writes) {
            SectorIo.write(device, w.offset(), w.data());
        }
        device.flush();
    }
}
