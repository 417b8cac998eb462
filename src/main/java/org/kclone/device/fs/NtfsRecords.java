package org.kclone.device.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of NTFS's MFT records that the reader needs, after the documented layouts (as the
 * Linux ntfs3 driver and ntfs-3g's layout.h describe them): the update sequence fixups, the
 * attribute headers, and the data runs of a non-resident attribute.
 */
final class NtfsRecords {

    static final int ATTRIBUTE_LIST = 0x20;
    static final int DATA = 0x80;
    private static final int END = 0xFFFFFFFF;
    /** The update sequence protects the last two bytes of every 512 bytes, whatever the sector size. */
    private static final int STRIDE = 512;

    private NtfsRecords() {
    }

    /** One run: {@code length} clusters from virtual cluster {@code vcn} at logical cluster {@code lcn}, or a sparse run ({@code lcn} -1). */
    record Run(long vcn, long lcn, long length) {
        boolean sparse() {
            return lcn < 0;
        }
    }

    /** An attribute's header fields that the reader uses; {@code runs} only for a non-resident one, {@code value} only for a resident one. */
    record Attribute(int type, boolean named, boolean nonResident, long startVcn, long lastVcn, long allocatedSize,
            long dataSize, List<Run> runs, ByteBuffer value) {
    }

    /**
     * Checks the record's magic and applies its update sequence fixups in place.
     *
     * @param what names the record in messages ("MFT record 6")
     */
    static void fixup(ByteBuffer rec, String what) throws FsFormatException {
        rec.order(ByteOrder.LITTLE_ENDIAN);
        int magic = rec.getInt(0);
        if (magic != 0x454C4946) { // "FILE"
            throw new FsFormatException("NTFS: " + what + " has no FILE magic (0x" + Integer.toHexString(magic) + ")");
        }
        int usaOffset = rec.getShort(4) & 0xffff;
        int usaCount = rec.getShort(6) & 0xffff;
        int blocks = rec.capacity() / STRIDE;
        if (usaCount != blocks + 1 || (usaOffset & 1) != 0 || usaOffset + usaCount * 2 > rec.capacity()) {
            throw new FsFormatException("NTFS: " + what + "'s update sequence (offset " + usaOffset + ", " + usaCount
                    + " entries) does not fit a " + rec.capacity() + "-byte record");
        }
        short usn = rec.getShort(usaOffset);
        for (int i = 1; i <= blocks; i++) {
            int at = i * STRIDE - 2;
            if (rec.getShort(at) != usn) {
                throw new FsFormatException("NTFS: " + what + " is torn: the update sequence number at byte " + at
                        + " does not match");
            }
            rec.putShort(at, rec.getShort(usaOffset + i * 2));
        }
        if ((rec.getShort(22) & 1) == 0) {
            throw new FsFormatException("NTFS: " + what + " is not in use");
        }
    }

    /** Applies the update sequence fixups of a $LogFile page ("RSTR"), in place; a torn page is refused. */
    static void fixupPage(ByteBuffer page, String what) throws FsFormatException {
        page.order(ByteOrder.LITTLE_ENDIAN);
        int usaOffset = page.getShort(4) & 0xffff;
        int usaCount = page.getShort(6) & 0xffff;
        int blocks = page.capacity() / STRIDE;
        if (usaCount != blocks + 1 || (usaOffset & 1) != 0 || usaOffset + usaCount * 2 > page.capacity()) {
            throw new FsFormatException("NTFS: " + what + "'s update sequence does not fit the page");
        }
        short usn = page.getShort(usaOffset);
        for (int i = 1; i <= blocks; i++) {
            int at = i * STRIDE - 2;
            if (page.getShort(at) != usn) {
                throw new FsFormatException("NTFS: " + what + " is torn");
            }
            page.putShort(at, page.getShort(usaOffset + i * 2));
        }
    }

    /** The attributes of a fixed-up record, in order. */
    static List<Attribute> attributes(ByteBuffer rec, String what) throws FsFormatException {
        List<Attribute> out = new ArrayList<>();
        int at = rec.getShort(20) & 0xffff;
        int usedBytes = rec.getInt(24);
        int limit = Math.min(rec.capacity(), usedBytes > 0 ? usedBytes : rec.capacity());
        while (true) {
            if (at < 0 || at + 4 > limit) {
                throw new FsFormatException("NTFS: " + what + "'s attributes run past its used bytes");
            }
            int type = rec.getInt(at);
            if (type == END) {
                return out;
            }
            if (at + 16 > limit) {
                throw new FsFormatException("NTFS: " + what + "'s attributes run past its used bytes");
            }
            int length = rec.getInt(at + 4);
            if (length < 24 || (length & 7) != 0 || at + length > limit) {
                throw new FsFormatException("NTFS: " + what + " has an attribute of bad length " + length + " at " + at);
            }
            boolean nonResident = rec.get(at + 8) != 0;
            boolean named = rec.get(at + 9) != 0;
            ByteBuffer a = rec.slice(at, length).order(ByteOrder.LITTLE_ENDIAN);
            if (nonResident) {
                if (length < 64) {
                    throw new FsFormatException("NTFS: " + what + " has a non-resident attribute of " + length + " bytes");
                }
                long startVcn = a.getLong(16);
                long lastVcn = a.getLong(24);
                int runsAt = a.getShort(32) & 0xffff;
                if (runsAt >= length) {
                    throw new FsFormatException("NTFS: " + what + "'s data runs start past the attribute");
                }
                List<Run> runs = runs(a.slice(runsAt, length - runsAt), startVcn, what);
                out.add(new Attribute(type, named, true, startVcn, lastVcn, a.getLong(40), a.getLong(48), runs, null));
            } else {
                int valueLength = a.getInt(16);
                int valueAt = a.getShort(20) & 0xffff;
                if (valueLength < 0 || valueAt + (long) valueLength > length) {
                    throw new FsFormatException("NTFS: " + what + " has a resident value past its attribute");
                }
                ByteBuffer value = a.slice(valueAt, valueLength).order(ByteOrder.LITTLE_ENDIAN);
                out.add(new Attribute(type, named, false, 0, -1, valueLength, valueLength, List.of(), value));
            }
            at += length;
        }
    }

    /**
     * Decodes a mapping pairs array: each run is a header byte (low nibble: bytes of the length,
     * high nibble: bytes of the signed LCN delta, 0 for a sparse run), then those numbers little
     * endian; a 0 header ends it.
     */
    static List<Run> runs(ByteBuffer b, long startVcn, String what) throws FsFormatException {
        List<Run> out = new ArrayList<>();
        int at = 0;
        long vcn = startVcn;
        long lcn = 0;
        while (true) {
            if (at >= b.limit()) {
                throw new FsFormatException("NTFS: " + what + "'s data runs have no end mark");
            }
            int header = b.get(at++) & 0xff;
            if (header == 0) {
                return out;
            }
            int lengthBytes = header & 0x0f;
            int offsetBytes = header >>> 4;
            if (lengthBytes == 0 || lengthBytes > 8 || offsetBytes > 8 || at + lengthBytes + offsetBytes > b.limit()) {
                throw new FsFormatException("NTFS: " + what + " has a bad data run header 0x" + Integer.toHexString(header));
            }
            long length = number(b, at, lengthBytes, false);
            at += lengthBytes;
            if (length <= 0) {
                throw new FsFormatException("NTFS: " + what + " has a data run of " + length + " clusters");
            }
            if (offsetBytes == 0) {
                out.add(new Run(vcn, -1, length));
            } else {
                lcn += number(b, at, offsetBytes, true);
                at += offsetBytes;
                if (lcn < 0) {
                    throw new FsFormatException("NTFS: " + what + " has a data run at cluster " + lcn);
                }
                out.add(new Run(vcn, lcn, length));
            }
            vcn += length;
        }
    }

    private static long number(ByteBuffer b, int at, int bytes, boolean signed) {
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = v << 8 | (b.get(at + i) & 0xff);
        }
        if (signed && bytes < 8 && (b.get(at + bytes - 1) & 0x80) != 0) {
            v |= -1L << (bytes * 8);
        }
        return v;
    }

    /** The unnamed $DATA attribute of a record, which must hold all of its runs (not spread by an attribute list). */
    static Attribute unnamedData(List<Attribute> attrs, String what) throws FsFormatException {
        boolean list = false;
        for (Attribute a : attrs) {
            list |= a.type() == ATTRIBUTE_LIST;
            if (a.type() == DATA && !a.named()) {
                if (a.nonResident() && a.startVcn() != 0) {
                    throw new FsFormatException("NTFS: " + what + "'s $DATA starts at VCN " + a.startVcn()
                            + ": its first runs are in another record of its attribute list, which is not read");
                }
                return a;
            }
        }
        throw new FsFormatException("NTFS: " + what + " has no unnamed $DATA"
                + (list ? " in its own record (it is in an attribute list, which is not read)" : ""));
    }

    /**
     * Reads {@code dst.remaining()} bytes of a non-resident attribute's data from byte {@code offset},
     * through its runs. A sparse run or a part past the runs fails: the structures read this way
     * (the MFT, the cluster bitmap) always have clusters of their own.
     */
    static void read(ByteSource src, List<Run> runs, long clusterBytes, long offset, ByteBuffer dst, String what)
            throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            long vcn = pos / clusterBytes;
            Run run = null;
            for (Run r : runs) {
                if (vcn >= r.vcn() && vcn < r.vcn() + r.length()) {
                    run = r;
                    break;
                }
            }
            if (run == null) {
                throw new FsFormatException("NTFS: " + what + " has no data run for byte " + pos);
            }
            if (run.sparse()) {
                throw new FsFormatException("NTFS: " + what + " has a sparse run at byte " + pos);
            }
            long runEnd = (run.vcn() + run.length()) * clusterBytes;
            int n = (int) Math.min(dst.remaining(), runEnd - pos);
            long clusters = src.length() / clusterBytes;
            if (run.lcn() > clusters || run.length() > clusters - run.lcn()) {
                throw new FsFormatException("NTFS: " + what + " has a data run (cluster " + run.lcn() + ", "
                        + run.length() + " clusters) past the region's " + clusters + " clusters");
            }
            ByteBuffer part = dst.slice(dst.position(), n);
            src.read(part, (run.lcn() + (vcn - run.vcn())) * clusterBytes + pos % clusterBytes);
            dst.position(dst.position() + n);
            pos += n;
        }
    }
}
