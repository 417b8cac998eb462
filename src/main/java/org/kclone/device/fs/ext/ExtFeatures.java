package org.kclone.device.fs.ext;

import java.util.ArrayList;
import java.util.List;
import org.kclone.device.fs.FsFormatException;

/**
 * The ext feature flags the reader knows (names as e2fsprogs prints them). A flag that changes
 * where blocks are or whether the bitmaps tell the truth, and any flag it does not know, makes
 * the reader refuse: the caller copies the file system whole.
 */
final class ExtFeatures {

    static final int COMPAT_HAS_JOURNAL = 0x4;
    static final int COMPAT_SPARSE_SUPER2 = 0x200;

    static final int INCOMPAT_COMPRESSION = 0x1;
    static final int INCOMPAT_FILETYPE = 0x2;
    static final int INCOMPAT_RECOVER = 0x4;
    static final int INCOMPAT_JOURNAL_DEV = 0x8;
    static final int INCOMPAT_META_BG = 0x10;
    static final int INCOMPAT_64BIT = 0x80;

    static final int RO_COMPAT_SPARSE_SUPER = 0x1;
    static final int RO_COMPAT_LARGE_FILE = 0x2;
    static final int RO_COMPAT_BTREE_DIR = 0x4;
    static final int RO_COMPAT_GDT_CSUM = 0x10;
    static final int RO_COMPAT_BIGALLOC = 0x200;
    static final int RO_COMPAT_METADATA_CSUM = 0x400;

    /** Incompat flags (bit 0 first); null = bit without a name. */
    private static final String[] INCOMPAT_NAMES = {"compression", "filetype", "needs_recovery", "journal_dev",
        "meta_bg", null, "extent", "64bit", "mmp", "flex_bg", "ea_inode", null, "dirdata", "metadata_csum_seed",
        "large_dir", "inline_data", "encrypt", "casefold"};
    private static final String[] RO_COMPAT_NAMES = {"sparse_super", "large_file", "btree_dir", "huge_file",
        "uninit_bg", "dir_nlink", "extra_isize", "snapshot", "quota", "bigalloc", "metadata_csum", "replica",
        "read-only", "project", "shared_blocks", "verity", "orphan_present"};

    /** Incompat flags that leave the bitmaps right and the layout as this reader computes it. */
    private static final int INCOMPAT_OK = 0x2 | 0x10 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x1000 | 0x2000
            | 0x4000 | 0x8000 | 0x10000 | 0x20000;
    /** Ro-compat flags likewise (not snapshot, replica, or unknown ones). */
    private static final int RO_COMPAT_OK = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | 0x100 | 0x200 | 0x400
            | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000;

    private ExtFeatures() {
    }

    /** Refuses what the reader cannot vouch for, naming each feature. */
    static void check(int incompat, int roCompat) throws FsFormatException {
        if ((incompat & INCOMPAT_RECOVER) != 0) {
            throw new FsFormatException("ext: the journal needs recovery (needs_recovery): the bitmaps may be stale"
                    + " (mounted, or not cleanly unmounted)");
        }
        if ((incompat & INCOMPAT_JOURNAL_DEV) != 0) {
            throw new FsFormatException("ext: an external journal device (journal_dev), not a file system");
        }
        List<String> bad = new ArrayList<>();
        bad.addAll(names(incompat & ~INCOMPAT_OK, INCOMPAT_NAMES, "incompat"));
        bad.addAll(names(roCompat & ~RO_COMPAT_OK, RO_COMPAT_NAMES, "ro_compat"));
        if (!bad.isEmpty()) {
            throw new FsFormatException("ext: unsupported feature" + (bad.size() > 1 ? "s " : " ") + String.join(", ", bad));
        }
    }

    /** The flags set in {@code bits}, by name or as "incompat 0x..." for unnamed ones. */
    static List<String> names(int bits, String[] names, String kind) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            int bit = 1 << i;
            if ((bits & bit) != 0) {
                String n = i < names.length ? names[i] : null;
                out.add(n != null ? n : kind + " 0x" + Integer.toHexString(bit));
            }
        }
        return out;
    }

    /** blkid's distinction: ext4 as soon as a feature beyond ext3's is set; else ext3 with a journal, ext2 without. */
    static String type(int compat, int incompat, int roCompat) {
        int ext3Incompat = INCOMPAT_FILETYPE | INCOMPAT_RECOVER | INCOMPAT_META_BG;
        int ext3RoCompat = RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE | RO_COMPAT_BTREE_DIR;
        if ((incompat & ~ext3Incompat) != 0 || (roCompat & ~ext3RoCompat) != 0) {
            return "ext4";
        }
        return (compat & COMPAT_HAS_JOURNAL) != 0 ? "ext3" : "ext2";
    }
}
