package org.kclone.device.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * NTFS, from its documented on-disk layout (as ntfs-3g's layout.h and the Linux ntfs3 driver
 * describe it): the boot sector gives the MFT's cluster; MFT record 0 ($MFT) maps the MFT through
 * its $DATA runs, record 6 is $Bitmap, whose unnamed $DATA is the cluster bitmap (bit set =
 * cluster used). Every metadata file ($MFT, its mirror, $LogFile, $Boot ...) is in the bitmap.
 * The boot sector is used, and so is its backup in the volume's last sector, which lies past the
 * boot sector's "total sectors" and is taken where the region holds it. A volume marked dirty in
 * $Volume or whose $LogFile has changes to replay, and a $Bitmap whose runs are in an attribute list, or sparse, are refused with
 * {@link FsFormatException}.
 */
public final class NtfsReader implements FsReader {

    private static final int BITMAP_RECORD = 6;
    private static final int VOLUME_RECORD = 3;
    private static final int LOGFILE_RECORD = 2;
    /** $VOLUME_INFORMATION: 8 reserved bytes, major and minor version, then the flags (le16). */
    private static final int VOLUME_INFORMATION = 0x70;
    private static final int VOLUME_IS_DIRTY = 0x0001;
    private static final int CHUNK = 1 << 20;

    @Override
    public String type() {
        return "ntfs";
    }

    @Override
    public boolean recognises(ByteSource src) throws IOException {
        return BootSectors.named(src, "NTFS    ");
    }

    @Override
    public FsUsage read(ByteSource src) throws IOException {
        if (!recognises(src)) {
            throw new FsFormatException("NTFS: no \"NTFS    \" boot sector with the 0x55AA signature");
        }
        Boot b = Boot.parse(src.read(0, 512));
        long fsBytes = b.sectors * b.bytesPerSector;
        if (fsBytes > src.length()) {
            throw new FsFormatException("NTFS: the boot sector's " + b.sectors + " sectors (" + fsBytes
                    + " bytes) are more than the region's " + src.length() + " bytes");
        }
        boolean backup = src.length() - fsBytes >= b.bytesPerSector;
        long size = backup ? fsBytes + b.bytesPerSector : fsBytes;

        ByteBuffer mft = ByteBuffer.allocate(b.recordBytes);
        src.read(mft, b.mftCluster * b.clusterBytes);
        NtfsRecords.fixup(mft, "MFT record 0 ($MFT)");
        NtfsRecords.Attribute mftData = NtfsRecords.unnamedData(NtfsRecords.attributes(mft, "MFT record 0 ($MFT)"),
                "MFT record 0 ($MFT)");
        if (!mftData.nonResident()) {
            throw new FsFormatException("NTFS: $MFT's $DATA is resident");
        }
        checkClean(src, b, mftData);
        checkLogClean(src, b, mftData);
        ByteBuffer rec = ByteBuffer.allocate(b.recordBytes);
        NtfsRecords.read(src, mftData.runs(), b.clusterBytes, (long) BITMAP_RECORD * b.recordBytes, rec, "$MFT");
        rec.flip();
        String what = "MFT record 6 ($Bitmap)";
        NtfsRecords.fixup(rec, what);
        long number = rec.getInt(44) & 0xffffffffL; // NTFS 3.1 records carry their own number; 0 in older ones
        if (number != 0 && number != BITMAP_RECORD) {
            throw new FsFormatException("NTFS: the MFT's record 6 says it is record " + number);
        }
        NtfsRecords.Attribute data = NtfsRecords.unnamedData(NtfsRecords.attributes(rec, what), what);

        long clusters = b.sectors / b.sectorsPerCluster;
        long bitmapBytes = (clusters + 7) / 8;
        if (data.dataSize() < bitmapBytes) {
            throw new FsFormatException("NTFS: $Bitmap is " + data.dataSize() + " bytes, too short for " + clusters
                    + " clusters");
        }
        ExtentCollector used = new ExtentCollector();
        used.add(0, b.bytesPerSector);
        BitmapRuns runs = new BitmapRuns(used, 0, b.clusterBytes, clusters);
        if (!data.nonResident()) {
            runs.scan(data.value(), 0);
        } else {
            if ((data.lastVcn() + 1) * b.clusterBytes < bitmapBytes) {
                throw new FsFormatException("NTFS: $Bitmap's runs end at VCN " + data.lastVcn()
                        + " and the rest is in an attribute list, which is not read");
            }
            for (long at = 0; at < bitmapBytes; at += CHUNK) {
                ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, bitmapBytes - at));
                NtfsRecords.read(src, data.runs(), b.clusterBytes, at, chunk, "$Bitmap");
                chunk.flip();
                runs.scan(chunk, at * 8);
            }
        }
        if (backup) {
            used.add(fsBytes, b.bytesPerSector);
        }
        return new FsUsage(type(), size, used.extents(size));
    }

    /**
     * Refuses a volume marked dirty in $Volume (record 3): Windows sets the mark while the volume
     * is in use and clears it when it is cleanly unmounted. Marked, the volume was not unmounted
     * cleanly (or chkdsk is due): its $LogFile may still have to set bits in $Bitmap for clusters
     * that already hold data, so $Bitmap cannot say what is free. ntfsclone and partclone.ntfs
     * refuse such a volume too (without --force / -I).
     */
    private static void checkClean(ByteSource src, Boot b, NtfsRecords.Attribute mftData) throws IOException {
        String what = "MFT record 3 ($Volume)";
        ByteBuffer rec = ByteBuffer.allocate(b.recordBytes);
        NtfsRecords.read(src, mftData.runs(), b.clusterBytes, (long) VOLUME_RECORD * b.recordBytes, rec, "$MFT");
        rec.flip();
        NtfsRecords.fixup(rec, what);
        for (NtfsRecords.Attribute a : NtfsRecords.attributes(rec, what)) {
            if (a.type() == VOLUME_INFORMATION && !a.nonResident()) {
                if (a.value().limit() < 12) {
                    throw new FsFormatException("NTFS: " + what + "'s $VOLUME_INFORMATION is "
                            + a.value().limit() + " bytes, too short for its flags");
                }
                int flags = a.value().getShort(10) & 0xffff;
                if ((flags & VOLUME_IS_DIRTY) != 0) {
                    throw new FsFormatException("NTFS: the volume is marked dirty (not cleanly unmounted, or"
                            + " chkdsk is due): its cluster bitmap may miss clusters in use; run chkdsk /f in"
                            + " Windows (or ntfsfix) first to copy only the used clusters");
                }
                return;
            }
        }
        throw new FsFormatException("NTFS: " + what + " has no resident $VOLUME_INFORMATION: whether the volume"
                + " was cleanly unmounted cannot be told");
    }

    /**
     * Refuses a volume whose $LogFile (record 2) still has changes to replay: the newer of its two
     * restart pages (by current LSN, as ntfs-3g chooses) names a log client in use without
     * RESTART_VOLUME_IS_CLEAN. Windows' Fast Startup and hibernation leave volumes so without the
     * dirty mark ("unclean file system (0, 0)" in ntfs-3g): the on-disk $Bitmap may lag. A log of
     * 0xFF bytes only (emptied by mkntfs or ntfs-3g) is clean.
     */
    private static void checkLogClean(ByteSource src, Boot b, NtfsRecords.Attribute mftData) throws IOException {
        String what = "MFT record 2 ($LogFile)";
        ByteBuffer rec = ByteBuffer.allocate(b.recordBytes);
        NtfsRecords.read(src, mftData.runs(), b.clusterBytes, (long) LOGFILE_RECORD * b.recordBytes, rec, "$MFT");
        rec.flip();
        NtfsRecords.fixup(rec, what);
        NtfsRecords.Attribute log = NtfsRecords.unnamedData(NtfsRecords.attributes(rec, what), what);
        if (!log.nonResident() || log.dataSize() < 2 * 4096) {
            throw new FsFormatException("NTFS: $LogFile's $DATA is resident or too short for its restart pages");
        }
        long newest = -1;
        boolean clean = true;
        long page = 0;
        for (int k = 0; k < 2; k++) {
            ByteBuffer head = ByteBuffer.allocate(512);
            NtfsRecords.read(src, log.runs(), b.clusterBytes, page, head, "$LogFile");
            head.flip().order(ByteOrder.LITTLE_ENDIAN);
            int magic = head.getInt(0);
            if (magic == 0xFFFFFFFF) { // an empty page
                page = page == 0 ? 4096 : page;
                continue;
            }
            if (magic != 0x52545352) { // "RSTR"; "CHKD" or anything else: chkdsk's or unknown state
                throw new FsFormatException("NTFS: $LogFile's restart page at " + page + " is not a restart page"
                        + " (0x" + Integer.toHexString(magic) + "): whether the log is clean cannot be told");
            }
            int pageSize = head.getInt(16);
            if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1
                    || page + pageSize > log.dataSize()) {
                throw new FsFormatException("NTFS: $LogFile's restart page size " + pageSize + " is not valid");
            }
            ByteBuffer p = ByteBuffer.allocate(pageSize);
            NtfsRecords.read(src, log.runs(), b.clusterBytes, page, p, "$LogFile");
            p.flip();
            NtfsRecords.fixupPage(p, "$LogFile's restart page at " + page);
            int areaAt = p.getShort(24) & 0xffff;
            if (areaAt + 16 > pageSize) {
                throw new FsFormatException("NTFS: $LogFile's restart area lies past its page");
            }
            long lsn = p.getLong(areaAt);
            int inUse = p.getShort(areaAt + 12) & 0xffff;
            int flags = p.getShort(areaAt + 14) & 0xffff;
            if (lsn > newest) {
                newest = lsn;
                clean = inUse == 0xFFFF || (flags & 0x0002) != 0;
            }
            page = pageSize; // the second restart page follows the first
        }
        if (!clean) {
            throw new FsFormatException("NTFS: $LogFile has changes not yet applied (Windows hibernated, Fast"
                    + " Startup, or not shut down cleanly): its cluster bitmap may miss clusters in use; shut Windows"
                    + " down fully (or run chkdsk /f) first to copy only the used clusters");
        }
    }

    /** The boot sector's fields. */
    record Boot(int bytesPerSector, long sectorsPerCluster, long clusterBytes, long sectors, long mftCluster,
            int recordBytes) {

        static Boot parse(ByteBuffer s) throws FsFormatException {
            s.order(ByteOrder.LITTLE_ENDIAN);
            int bps = s.getShort(11) & 0xffff;
            if (bps < 256 || bps > 4096 || Integer.bitCount(bps) != 1) {
                throw new FsFormatException("NTFS: bytes per sector " + bps + " is not a power of two in 256..4096");
            }
            int raw = s.get(13) & 0xff;
            long spc;
            if (raw <= 0x80) {
                spc = raw;
            } else if (raw >= 0xF4) { // 2^(256-raw) sectors, for clusters of 64 KiB and more (up to 2 MiB)
                spc = 1L << (256 - raw);
            } else {
                throw new FsFormatException("NTFS: sectors per cluster byte 0x" + Integer.toHexString(raw) + " is not valid");
            }
            if (spc == 0 || Long.bitCount(spc) != 1 || spc * bps > (2 << 20)) {
                throw new FsFormatException("NTFS: sectors per cluster " + spc + " is not a power of two up to 2 MiB");
            }
            long clusterBytes = spc * bps;
            long sectors = s.getLong(40);
            if (sectors <= 0 || sectors / spc < 1 || sectors > Long.MAX_VALUE / bps) {
                throw new FsFormatException("NTFS: total sectors " + sectors + " is not valid");
            }
            long mft = s.getLong(48);
            if (mft < 0 || mft >= sectors / spc) {
                throw new FsFormatException("NTFS: the MFT's cluster " + mft + " is past the volume's "
                        + sectors / spc + " clusters");
            }
            int perRecord = s.get(64);
            long recordBytes = perRecord > 0 ? perRecord * clusterBytes : perRecord < 0 && perRecord > -32 ? 1L << -perRecord : 0;
            if (recordBytes < 512 || recordBytes > 65536 || Long.bitCount(recordBytes) != 1) {
                throw new FsFormatException("NTFS: the MFT record size byte " + perRecord + " gives " + recordBytes
                        + " bytes, not a power of two in 512..65536");
            }
            return new Boot(bps, spc, clusterBytes, sectors, mft, (int) recordBytes);
        }
    }
}
