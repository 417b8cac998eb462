package org.kclone.device.fs;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * FAT12, FAT16 and FAT32 ("vfat"), from Microsoft's FAT specification (fatgen103): the boot
 * sector's BIOS parameter block gives the reserved sectors (boot sector, FAT32's FSInfo and backup
 * boot sector), the FATs and FAT12/16's fixed root directory, all used; a data cluster is used
 * where its entry in the FAT is not 0 (free). Bad-cluster marks count as used, which only copies a
 * few more bytes. FAT32 with mirroring off reads the active FAT; otherwise the first.
 */
public final class FatReader implements FsReader {

    /** FAT entries read at a time from FAT32's large FATs. */
    private static final int CHUNK = 1 << 20;

    @Override
    public String type() {
        return "vfat";
    }

    @Override
    public boolean recognises(ByteSource src) throws IOException {
        if (src.length() < 512) {
            return false;
        }
        try {
            ByteBuffer boot = src.read(0, 512);
            Bpb b = Bpb.parse(boot);
            // FAT[0] holds the media byte in its low 8 bits (fatgen103): boot code that happens to
            // look like a BIOS parameter block is not taken for a FAT (its free space would be skipped)
            long fat0 = (long) (b.reservedSectors + (long) b.activeFat * b.fatSectors) * b.bytesPerSector;
            return b.totalSectors * b.bytesPerSector <= src.length()
                    && src.read(fat0, 1).get(0) == boot.get(21);
        } catch (FsFormatException e) {
            return false;
        }
    }

    @Override
    public FsUsage read(ByteSource src) throws IOException {
        if (src.length() < 512) {
            throw new FsFormatException("FAT: the region (" + src.length() + " bytes) is smaller than a boot sector");
        }
        Bpb b = Bpb.parse(src.read(0, 512));
        long size = b.totalSectors * b.bytesPerSector;
        if (size > src.length()) {
            throw new FsFormatException("FAT: the boot sector's " + b.totalSectors + " sectors (" + size
                    + " bytes) are more than the region's " + src.length() + " bytes");
        }
        ExtentCollector used = new ExtentCollector();
        // boot sector, reserved sectors, every FAT, the FAT12/16 root directory
        used.add(0, b.firstDataSector * b.bytesPerSector);
        long fatStart = (b.reservedSectors + (long) b.activeFat * b.fatSectors) * b.bytesPerSector;
        long clusterBytes = (long) b.sectorsPerCluster * b.bytesPerSector;
        BitmapRuns clusters = new BitmapRuns(used, b.firstDataSector * b.bytesPerSector, clusterBytes, b.clusters);
        long entries = b.clusters + 2;
        if (b.bits == 12) {
            ByteBuffer fat = src.read(fatStart, (int) ((entries * 3 + 1) / 2));
            for (long n = 2; n < entries; n++) {
                int at = (int) (n + n / 2);
                int word = (fat.get(at) & 0xff) | (fat.get(at + 1) & 0xff) << 8;
                int v = (n & 1) == 0 ? word & 0xfff : word >>> 4;
                if (v != 0) {
                    clusters.used(n - 2, 1);
                }
            }
        } else {
            int entryBytes = b.bits / 8;
            int perChunk = CHUNK / entryBytes;
            for (long first = 0; first < entries; first += perChunk) {
                int count = (int) Math.min(perChunk, entries - first);
                ByteBuffer fat = src.read(fatStart + first * entryBytes, count * entryBytes);
                int perLong = 8 / entryBytes;
                for (int i = 0; i < count; i++) {
                    if (i % perLong == 0 && count - i >= perLong && fat.getLong(i * entryBytes) == 0) {
                        i += perLong - 1; // a long of free entries at once: most of a large FAT
                        continue;
                    }
                    long n = first + i;
                    long v = b.bits == 16 ? fat.getShort(i * 2) & 0xffff : fat.getInt(i * 4) & 0x0fffffff;
                    if (n >= 2 && v != 0) {
                        clusters.used(n - 2, 1);
                    }
                }
            }
        }
        return new FsUsage(type(), size, used.extents(size));
    }

    /** The boot sector's fields that place the FATs and the clusters, checked as the kernel and dosfstools check them. */
    record Bpb(int bytesPerSector, int sectorsPerCluster, int reservedSectors, int fats, int rootEntries,
            long totalSectors, long fatSectors, int activeFat, long firstDataSector, long clusters, int bits) {

        static Bpb parse(ByteBuffer s) throws FsFormatException {
            int jump = s.get(0) & 0xff;
            if (jump != 0xEB && jump != 0xE9 && jump != 0xE8) {
                throw new FsFormatException("FAT: no jump instruction at the boot sector's start (0x"
                        + Integer.toHexString(jump) + ")");
            }
            int bps = s.getShort(11) & 0xffff;
            if (bps < 512 || bps > 4096 || Integer.bitCount(bps) != 1) {
                throw new FsFormatException("FAT: bytes per sector " + bps + " is not 512, 1024, 2048 or 4096");
            }
            int spc = s.get(13) & 0xff;
            if (spc == 0 || Integer.bitCount(spc) != 1) {
                throw new FsFormatException("FAT: sectors per cluster " + spc + " is not a power of two");
            }
            int reserved = s.getShort(14) & 0xffff;
            if (reserved == 0) {
                throw new FsFormatException("FAT: no reserved sectors");
            }
            int fats = s.get(16) & 0xff;
            if (fats == 0) {
                throw new FsFormatException("FAT: no FATs");
            }
            int media = s.get(21) & 0xff;
            if (media != 0xF0 && media < 0xF8) {
                throw new FsFormatException("FAT: media byte 0x" + Integer.toHexString(media) + " is not a FAT media type");
            }
            int rootEntries = s.getShort(17) & 0xffff;
            long total = s.getShort(19) & 0xffff;
            if (total == 0) {
                total = s.getInt(32) & 0xffffffffL;
            }
            long fatSectors = s.getShort(22) & 0xffff;
            boolean fat32 = fatSectors == 0;
            int active = 0;
            if (fat32) {
                fatSectors = s.getInt(36) & 0xffffffffL;
                int extFlags = s.getShort(40) & 0xffff;
                if ((extFlags & 0x80) != 0) {
                    active = extFlags & 0x0f;
                    if (active >= fats) {
                        throw new FsFormatException("FAT: the active FAT " + active + " is not one of the " + fats);
                    }
                }
                if (rootEntries != 0) {
                    throw new FsFormatException("FAT32: root directory entries " + rootEntries + " should be 0");
                }
            }
            if (fatSectors == 0) {
                throw new FsFormatException("FAT: the FATs are 0 sectors long");
            }
            long rootSectors = ((long) rootEntries * 32 + bps - 1) / bps;
            long firstData = reserved + fats * fatSectors + rootSectors;
            if (total <= firstData) {
                throw new FsFormatException("FAT: " + total + " sectors leave no room for data after the "
                        + firstData + " sectors of boot area, FATs and root directory");
            }
            long clusters = (total - firstData) / spc;
            int bits = fat32 ? 32 : clusters <= 4084 ? 12 : 16;
            long entries = clusters + 2;
            long fatBytesNeeded = bits == 12 ? (entries * 3 + 1) / 2 : entries * (bits / 8);
            if (fatBytesNeeded > fatSectors * bps) {
                throw new FsFormatException("FAT: " + clusters + " clusters need " + fatBytesNeeded
                        + " bytes of FAT" + bits + ", but each FAT has " + fatSectors * bps);
            }
            if (fat32 && clusters > 0x0FFFFFF5L) {
                throw new FsFormatException("FAT32: " + clusters + " clusters are more than 28-bit entries can name");
            }
            return new Bpb(bps, spc, reserved, fats, rootEntries, total, fatSectors, active, firstData, clusters, bits);
        }
    }
}
