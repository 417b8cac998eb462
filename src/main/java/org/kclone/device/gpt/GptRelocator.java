package org.kclone.device.gpt;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.kclone.engine.BlockDevice;

/**
 * Fits a whole GPT disk's partition table to a larger disk, as {@code sgdisk -e} does: the backup
 * partition entries and header go to the disk's end (header at the last LBA, entries right
 * before it), the primary header's AlternateLBA and LastUsableLBA follow (CRCs recomputed), the
 * protective MBR's 0xEE entry grows ({@link ProtectiveMbr}), and the stale backup at the old end
 * is zeroed (it is no longer at any place a reader looks, and would mislead a recovery tool).
 * With grow-last the partition that ends last is extended to the new LastUsableLBA; the file
 * system inside it is not touched.
 *
 * <p>It reads only the first sectors and the old backup, of the disk that holds the GPT: the
 * source (to show the plan) or the destination after the copy (to fix it). A GPT that is not
 * valid (a CRC that does not match, a header out of range) is left alone, saying why.
 */
public final class GptRelocator {

    private GptRelocator() {
    }

    /**
     * @param disk holds the GPT as made for {@code oldBytes}: the source, or a finished copy of it
     * @param deviceSectorSize the logical sector size of a block device, or 0 for an image file
     *     (then a GPT of 512- and of 4096-byte sectors are both looked for)
     * @param oldBytes the size the GPT was made for (the whole source)
     * @param newBytes the size of the destination it is fitted to
     * @param growLast also extend the partition that ends last to the new last usable LBA
     * @throws IOException when the disk cannot be read
     */
    public static GptFixup plan(BlockDevice disk, int deviceSectorSize, long oldBytes, long newBytes,
            boolean growLast) throws IOException {
        return plan(disk, deviceSectorSize, deviceSectorSize, oldBytes, newBytes, growLast);
    }

    /**
     * As {@link #plan(BlockDevice, int, long, long, boolean)} for a copy onto a device whose logical
     * sector size may differ from the source's ({@code destSectorSize}; 0 for an image file).
     */
    public static GptFixup plan(BlockDevice disk, int sourceSectorSize, int destSectorSize, long oldBytes,
            long newBytes, boolean growLast) throws IOException {
        if (newBytes <= oldBytes) {
            return GptFixup.none();
        }
        int s = sectorSize(disk, sourceSectorSize, oldBytes);
        if (s == 0) {
            return GptFixup.none();
        }
        if (destSectorSize != 0 && destSectorSize != s) {
            return GptFixup.skipped("GPT not relocated: it is made for " + s + "-byte sectors and this disk has "
                    + destSectorSize + "-byte sectors, so its LBAs do not fit it; the backup GPT is not at the end");
        }
        if (oldBytes % s != 0) {
            return GptFixup.skipped("GPT not relocated: the source's " + oldBytes + " bytes are not whole " + s
                    + "-byte sectors; the backup GPT is not at the end");
        }
        try {
            return relocate(disk, s, oldBytes / s, newBytes / s, growLast);
        } catch (GptException e) {
            return GptFixup.skipped("GPT not relocated: it is not valid (" + e.getMessage() + "); it was copied as"
                    + " it is, and its backup is not at the end of this disk (repair it with gdisk or sgdisk -e)");
        }
    }

    /** The logical sector size of the GPT on {@code disk} (its header's signature at LBA 1), or 0. */
    static int sectorSize(BlockDevice disk, int deviceSectorSize, long bytes) throws IOException {
        int[] candidates = deviceSectorSize != 0 ? new int[] {deviceSectorSize} : new int[] {512, 4096};
        for (int s : candidates) {
            if (2L * s <= bytes && GptHeader.hasSignature(SectorIo.read(disk, s, 8))) {
                return s;
            }
        }
        return 0;
    }

    private static GptFixup relocate(BlockDevice disk, int s, long oldSectors, long newSectors, boolean growLast)
            throws IOException, GptException {
        GptHeader primary;
        try {
            primary = GptHeader.parse(SectorIo.read(disk, s, s));
        } catch (GptException e) {
            throw new GptException("primary header at LBA 1: " + e.getMessage());
        }
        long es = primary.entriesSectors(s);
        if (primary.myLba() != 1) {
            throw new GptException("the primary header says it is at LBA " + primary.myLba() + ", not 1");
        }
        if (primary.entriesLba() < 2 || primary.entriesLba() + es > primary.firstUsableLba()) {
            throw new GptException("the partition entries at LBA " + primary.entriesLba() + " (" + es
                    + " sectors) overlap the usable area from LBA " + primary.firstUsableLba());
        }
        if (primary.lastUsableLba() >= oldSectors) {
            throw new GptException("the last usable LBA " + primary.lastUsableLba() + " is past the source's "
                    + oldSectors + " sectors");
        }
        byte[] entrySectors = SectorIo.read(disk, primary.entriesLba() * s, (int) (es * s));
        byte[] entryBytes = java.util.Arrays.copyOf(entrySectors, (int) primary.entriesBytes());
        GptEntries entries = new GptEntries(entryBytes, (int) primary.entrySize());
        if (entries.crc() != primary.entriesCrc()) {
            throw new GptException(String.format("partition entries CRC32 is %08x, the header says %08x",
                    entries.crc(), primary.entriesCrc()));
        }
        String outside = entries.outside(primary.firstUsableLba(), primary.lastUsableLba());
        if (outside != null) {
            throw new GptException(outside);
        }
        long lastLba = newSectors - 1;
        long backupEntries = lastLba - es;
        long lastUsable = backupEntries - 1;
        if (lastUsable < primary.lastUsableLba()) {
            return GptFixup.none(); // no room gained: leave it as sgdisk -e would have nothing to do
        }

        // In an order that leaves a readable GPT if it stops half-way: the new backup first (past the
        // old disk's end), then the primary pointing at it, and the old backup zeroed only at the end.
        List<GptFixup.Write> writes = new ArrayList<>();
        List<GptFixup.Write> atTheEnd = new ArrayList<>();
        String stale = zeroOldBackup(disk, s, primary, oldSectors, backupEntries, atTheEnd);

        int grown = -1;
        long grownTo = 0;
        GptEntries fitted = entries;
        if (growLast) {
            grown = entries.lastPartition();
            if (grown >= 0) {
                grownTo = lastUsable;
                fitted = entries.withLastLba(grown, lastUsable);
            }
        }
        byte[] fittedSectors = entrySectors.clone();
        System.arraycopy(fitted.bytes(), 0, fittedSectors, 0, entryBytes.length);
        GptHeader newPrimary = primary.withAlternateLba(lastLba).withLastUsableLba(lastUsable)
                .withEntriesCrc(fitted.crc());
        GptHeader backup = newPrimary.withMyLba(lastLba).withAlternateLba(1).withEntriesLba(backupEntries);

        writes.add(new GptFixup.Write("backup partition entries", backupEntries * s, fittedSectors));
        writes.add(new GptFixup.Write("backup GPT header", lastLba * s, backup.toSector(s)));
        if (grown >= 0) {
            writes.add(new GptFixup.Write("primary partition entries", primary.entriesLba() * s, fittedSectors));
        }
        writes.add(new GptFixup.Write("primary GPT header", s, newPrimary.toSector(s)));
        byte[] mbr = SectorIo.read(disk, 0, 512);
        byte[] newMbr = ProtectiveMbr.grown(mbr, oldSectors, newSectors);
        if (!java.util.Arrays.equals(mbr, newMbr)) {
            writes.add(new GptFixup.Write("protective MBR", 0, newMbr));
        }
        writes.addAll(atTheEnd);

        StringBuilder note = new StringBuilder("GPT backup moved to the end of the disk (LBA " + lastLba + ")");
        if (grown >= 0) {
            long sectors = grownTo - entries.firstLba(grown) + 1;
            note.append("; last partition (").append(grown + 1).append(") grown to ").append(sectors)
                    .append(" sectors (").append(human(sectors * s)).append(", to LBA ").append(grownTo)
                    .append("): the file system inside is not resized");
        } else if (growLast) {
            note.append("; no partition to grow (the table is empty)");
        }
        if (stale != null) {
            note.append("; ").append(stale);
        }
        return new GptFixup(s, writes, note.toString(), false, grown >= 0 ? grown + 1 : -1, grownTo, newSectors);
    }

    /**
     * Adds writes of zeros over the old backup (header and entries) when it is a valid backup of
     * this table past the usable area; else says why it was left (null when there was none to find).
     */
    private static String zeroOldBackup(BlockDevice disk, int s, GptHeader primary, long oldSectors,
            long newEntries, List<GptFixup.Write> writes) throws IOException {
        long at = primary.alternateLba();
        if (at <= primary.lastUsableLba() || at >= oldSectors) {
            return null;
        }
        GptHeader old;
        try {
            old = GptHeader.parse(SectorIo.read(disk, at * s, s));
        } catch (GptException e) {
            return "the source's backup GPT header (LBA " + at + ") was not valid (" + e.getMessage()
                    + "): rebuilt from the primary";
        }
        long es = old.entriesSectors(s);
        if (old.myLba() != at || old.entriesLba() <= primary.lastUsableLba() || old.entriesLba() + es > at) {
            return null; // not a backup laid out as expected: leave those bytes alone
        }
        long from = old.entriesLba();
        long to = Math.min(at + 1, newEntries); // never over the new backup (a disk grown by a few sectors)
        if (from < to) {
            writes.add(new GptFixup.Write("old backup GPT (zeroed)", from * s, new byte[(int) ((to - from) * s)]));
        }
        return null;
    }

    static String human(long bytes) {
        return org.kclone.device.Sizes.human(bytes);
    }
}
