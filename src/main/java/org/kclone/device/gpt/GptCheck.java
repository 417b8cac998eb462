package org.kclone.device.gpt;

import java.io.IOException;
import java.util.Arrays;
import org.kclone.engine.BlockDevice;

/**
 * Verification of the sectors a {@link GptFixup} rewrote, which cannot be compared with the source:
 * each is read back (past the page cache) and compared with what was written, then the GPT is
 * parsed from the device as a reader would: both headers valid (CRCs), the backup at the last LBA
 * with its entries right before it, each header pointing at the other, both entry arrays matching
 * their CRC, every partition inside the usable area, and a protective MBR covering the disk.
 */
public final class GptCheck {

    private GptCheck() {
    }

    /** What is wrong with the GPT on {@code device} after {@code fixup} was applied, or null when nothing is. */
    public static String verify(BlockDevice device, GptFixup fixup) throws IOException {
        for (GptFixup.Write w : fixup.writes()) {
            byte[] got = SectorIo.read(device, w.offset(), w.data().length);
            if (!Arrays.equals(got, w.data())) {
                return "the " + w.what() + " (512-byte sectors " + w.offset() / 512 + "+"
                        + (w.data().length + 511) / 512 + ") does not read back as written";
            }
        }
        if (!fixup.relocates()) {
            return null;
        }
        return problem(device, fixup.sectorSize());
    }

    /** What is wrong with the GPT of {@code sectorSize}-byte sectors on {@code device} as a whole disk, or null. */
    public static String problem(BlockDevice device, int sectorSize) throws IOException {
        int s = sectorSize;
        long sectors = device.size() / s;
        long last = sectors - 1;
        GptHeader primary;
        GptHeader backup;
        try {
            primary = GptHeader.parse(SectorIo.read(device, s, s));
        } catch (GptException e) {
            return "primary GPT header: " + e.getMessage();
        }
        try {
            backup = GptHeader.parse(SectorIo.read(device, last * s, s));
        } catch (GptException e) {
            return "backup GPT header at the last LBA " + last + ": " + e.getMessage();
        }
        if (primary.myLba() != 1 || primary.alternateLba() != last) {
            return "the primary GPT header is at LBA " + primary.myLba() + " and points at a backup at LBA "
                    + primary.alternateLba() + ", not " + last;
        }
        if (!primary.mirrors(backup)) {
            return "the backup GPT header does not match the primary";
        }
        long es = primary.entriesSectors(s);
        if (backup.entriesLba() + es != last || backup.entriesLba() <= primary.lastUsableLba()) {
            return "the backup partition entries at LBA " + backup.entriesLba() + " do not lie between the last usable"
                    + " LBA " + primary.lastUsableLba() + " and the backup header";
        }
        GptEntries a = entries(device, s, primary);
        GptEntries b = entries(device, s, backup);
        if (a.crc() != primary.entriesCrc()) {
            return "the primary partition entries do not match their CRC32";
        }
        if (b.crc() != backup.entriesCrc()) {
            return "the backup partition entries do not match their CRC32";
        }
        String outside = a.outside(primary.firstUsableLba(), primary.lastUsableLba());
        if (outside != null) {
            return outside;
        }
        return ProtectiveMbr.problem(SectorIo.read(device, 0, 512), sectors);
    }

    private static GptEntries entries(BlockDevice device, int s, GptHeader h) throws IOException {
        return new GptEntries(SectorIo.read(device, h.entriesLba() * s, (int) h.entriesBytes()), (int) h.entrySize());
    }
}
