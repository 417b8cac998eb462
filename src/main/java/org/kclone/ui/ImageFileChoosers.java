package org.kclone.ui;

import java.io.File;
import java.util.List;
import java.util.Locale;
import javafx.stage.FileChooser;

/**
 * The window's file choosers for image files: opening one as a source (raw or compressed: the
 * format is recognised by its content, the filters only help to find it), and saving a new one,
 * whose name suffix picks the format ({@code .zst}, {@code .xz}, {@code .gz}, else raw).
 */
final class ImageFileChoosers {

    private ImageFileChoosers() {
    }

    /** Where the folder of the last image chosen is kept (the app's preferences); none in tests. */
    private static volatile org.kclone.ui.prefs.WindowPrefs prefs;

    /** Remember chosen folders in {@code p} (the app calls this once; tests leave it unset). */
    static void remember(org.kclone.ui.prefs.WindowPrefs p) {
        prefs = p;
    }

    /** Notes the folder of a file chosen in one of these choosers, so the next one opens there. */
    static void chosen(File f) {
        org.kclone.ui.prefs.WindowPrefs p = prefs;
        if (p != null) {
            p.rememberImageFolder(f);
        }
    }

    private static FileChooser inLastFolder(FileChooser fc) {
        org.kclone.ui.prefs.WindowPrefs p = prefs;
        if (p != null) {
            p.imageFolder().ifPresent(fc::setInitialDirectory);
        }
        return fc;
    }

    static FileChooser forSource() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Image file to copy from");
        fc.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Disk images (raw or compressed)", "*.img", "*.iso", "*.raw",
                        "*.bin", "*.zst", "*.xz", "*.gz", "*.bz2", "*.zip"),
                new FileChooser.ExtensionFilter("All files", "*"));
        return inLastFolder(fc);
    }

    /** The save filters, in order: raw, zstd, xz, gzip. */
    static final List<FileChooser.ExtensionFilter> SAVE_FILTERS = List.of(
            new FileChooser.ExtensionFilter("Raw image (.img)", "*.img"),
            new FileChooser.ExtensionFilter("zstd-compressed image (.img.zst)", "*.img.zst"),
            new FileChooser.ExtensionFilter("xz-compressed image (.img.xz)", "*.img.xz"),
            new FileChooser.ExtensionFilter("gzip-compressed image (.img.gz)", "*.img.gz"));

    static FileChooser forNewImage() {
        FileChooser fc = new FileChooser();
        fc.setTitle("New image file to write");
        fc.getExtensionFilters().addAll(SAVE_FILTERS);
        fc.setSelectedExtensionFilter(SAVE_FILTERS.get(1));
        return inLastFolder(fc);
    }

    /**
     * The path to write: the name as typed when it already ends in a suffix kclone knows, else with
     * the chosen filter's suffix added (the toolkit's dialog does not add it).
     */
    static String withSuffix(File chosen, FileChooser.ExtensionFilter filter) {
        String name = chosen.getName().toLowerCase(Locale.ROOT);
        for (String s : List.of(".zst", ".xz", ".gz", ".img", ".raw", ".iso", ".bin")) {
            if (name.endsWith(s)) {
                return chosen.getPath();
            }
        }
        String suffix = filter == null ? ".img" : filter.getExtensions().get(0).substring(1);
        return chosen.getPath() + suffix;
    }
}
