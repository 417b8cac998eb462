package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The guards' refusals in the window's words: no CLI options, no "DEST 1", no sector arithmetic. */
class ReasonsTest {

    @Test
    void optionsTheWindowDoesNotHaveAreNotNamed() {
        assertEquals("/dev/sdc is mounted at /media/x; unmount it first",
                Reasons.forTheWindow("/dev/sdc is mounted at /media/x; unmount it first (or --force)"));
        assertEquals("/dev/sda is on the system disk /dev/sda (it holds /); the window never writes to the system disk",
                Reasons.forTheWindow("/dev/sda is on the system disk /dev/sda (it holds /); refused: only --force"
                        + " together with --allow-system-disk writes there"));
        assertEquals("the image file /t/a.img (1.0 MiB) is smaller than the copy needs (4.0 MiB): tick \"Grow image"
                + " files that are too small\" in Options, or choose a new file name",
                Reasons.forTheWindow("image file /t/a.img has 2048 sectors, 1.0 MiB but the region 0+8192 needs 8192"
                        + " sectors; pass --grow to extend the file"));
    }

    @Test
    void sizesAreSaidInHumanUnitsNotSectorArithmetic() {
        assertEquals("the image file /t/a.img (1000 bytes: 1 sector and 488 bytes) is smaller than the copy needs"
                + " (1.0 KiB): tick \"Grow image files that are too small\" in Options, or choose a new file name",
                Reasons.forTheWindow("image file /t/a.img has 1000 bytes: 1 sector and 488 bytes but the region 0+2"
                        + " needs 1024 bytes; pass --grow to extend the file"));
        assertEquals("/dev/sdc (64.0 MiB) is too small for the copy: 64.0 MiB short", Reasons.forTheWindow(
                "the region 0+262144 does not fit: /dev/sdc has 131072 sectors (64.0 MiB), the region needs 262144:"
                        + " 131072 sectors (64.0 MiB) short"));
    }

    @Test
    void overlapsAreSaidInWords() {
        assertEquals("this is the source", Reasons.forTheWindow(
                "/dev/sdb sectors 0+131072 overlap the source region (/dev/sdb 0+131072)"));
        assertEquals("/dev/sdb1 overlaps the source /dev/sdb: writing it would overwrite what is read",
                Reasons.forTheWindow("/dev/sdb1 sectors 0+2048 overlap the source region (/dev/sdb 0+131072)"));
        assertEquals("/dev/loop3 overlaps the source /t/a.img: writing it would overwrite what is read (/dev/loop3 is"
                + " a loop device on /t/a.img)", Reasons.forTheWindow("/dev/loop3 sectors 0+2048 overlap the source"
                        + " region (/t/a.img 0+2048): /dev/loop3 is a loop device on /t/a.img"));
        assertEquals("already in the list (destination 1)",
                Reasons.forTheWindow("is the same destination as DEST 1 (/dev/sdc)"));
        assertEquals("/dev/sdc1 overlaps destination 2 (/dev/sdc)",
                Reasons.forTheWindow("/dev/sdc1 overlaps DEST 2 (/dev/sdc)"));
    }

    @Test
    void aDeviceThatIsNotThereHasGoneAndFieldNamesAreTheWindows() {
        assertEquals("/dev/sdx is not there (unplugged?)", Reasons.forTheWindow("/dev/sdx does not exist"));
        assertEquals("/dev/sdx is not there (unplugged?); kclone creates image files, not devices",
                Reasons.forTheWindow("/dev/sdx does not exist (no such device; kclone creates image files, not device"
                        + " nodes)"));
        assertEquals("/t/x.img does not exist", Reasons.forTheWindow("/t/x.img does not exist"));
        assertEquals("Start 9000 is beyond the end of /t/a.img (2048 sectors, 1.0 MiB)",
                Reasons.forTheWindow("START 9000 is beyond the end of /t/a.img (2048 sectors, 1.0 MiB)"));
        assertEquals("Length 5 differs from the source's 8 sectors",
                Reasons.forTheWindow("LENGTH 5 differs from the source's 8 sectors"));
        assertEquals("in use by destination 3", Reasons.forTheWindow("in use by DEST 3"));
        assertEquals("incomplete: 512 of 1024 bytes written; the job stopped at a source read error (the option"
                + " \"Ignore read errors\" goes past it)", Reasons.forTheWindow("incomplete: 512 of 1024 bytes"
                        + " written; the job stopped at a source read error (--ignore-errors goes past it)"));
    }
}
