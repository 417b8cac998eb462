package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kclone.engine.SectorRange;

/** Sizes, Report's exit code, Endpoint's and DeviceInfo's descriptions: each edge pinned. */
class SizesMutationTest {

    private static String refusal(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void everyUnitAndItsLongName() {
        assertEquals(7, Sizes.toSectors(" 7 "), "surrounding blanks are ignored");
        assertEquals(1, Sizes.toSectors("512B"));
        assertEquals(4, Sizes.toSectors("2K"));
        assertEquals(6L << 11, Sizes.toSectors("6MiB"));
        assertEquals(3L << 21, Sizes.toSectors("3GiB"));
        assertEquals(5L << 31, Sizes.toSectors("5T"));
        assertEquals(0, Sizes.toSectors("0"));
    }

    @Test
    void theLargestSizesThatFitAndTheFirstThatDoesNot() {
        long maxT = Long.MAX_VALUE / (1L << 40);
        assertEquals(maxT << 31, Sizes.toSectors(maxT + "T"));
        assertTrue(refusal(() -> Sizes.toSectors((maxT + 1) + "T")).contains("too large"));
        long maxS = Long.MAX_VALUE / 512;
        assertEquals(maxS, Sizes.toSectors(maxS + "s"));
        assertTrue(refusal(() -> Sizes.toSectors((maxS + 1) + "")).contains("too large"));
        assertTrue(refusal(() -> Sizes.toSectors("99999999999999999999")).contains("'99999999999999999999' is too large"));
        assertTrue(refusal(() -> Sizes.toBytes("99999999999999999999")).contains("too large"));
        assertEquals(Long.MAX_VALUE, Sizes.toBytes(Long.MAX_VALUE + "B"));
    }

    @Test
    void messagesNameTheTextAndTheReason() {
        assertEquals("'12x' has an unknown unit 'x' (use s, B, K, M, G or T; all binary)",
                refusal(() -> Sizes.toSectors("12x")));
        assertEquals("'1000B' is not a whole number of 512-byte sectors", refusal(() -> Sizes.toSectors("1000B")));
        assertTrue(refusal(() -> Sizes.toSectors("")).startsWith("'' is not a size"));
        assertTrue(refusal(() -> Sizes.toSectors("K")).startsWith("'K' is not a size"));
        assertTrue(refusal(() -> Sizes.toBytes("fast")).startsWith("'fast' is not a size"));
        assertEquals("'8s' must be in bytes or K, M, G, T, not sectors", refusal(() -> Sizes.toBytes("8s")));
    }

    @Test
    void bytesForRatesAndChunks() {
        assertEquals(1 << 20, Sizes.toBytes("1M"));
        assertEquals(3 << 10, Sizes.toBytes(" 3K/s "));
        assertEquals(2L << 30, Sizes.toBytes("2GiB/s"));
        assertEquals(7, Sizes.toBytes("7/s"));
        assertEquals(0, Sizes.toBytes("0"));
    }

    @Test
    void humanSizesAtEveryStep() {
        assertEquals("0 B", Sizes.human(0));
        assertEquals("1023 B", Sizes.human(1023));
        assertEquals("1.0 KiB", Sizes.human(1024));
        assertEquals("1.5 KiB", Sizes.human(1536));
        assertEquals("1024.0 KiB", Sizes.human((1 << 20) - 1));
        assertEquals("1.0 MiB", Sizes.human(1 << 20));
        assertEquals("1.0 GiB", Sizes.human(1L << 30));
        assertEquals("1.0 TiB", Sizes.human(1L << 40));
        assertEquals("1.0 PiB", Sizes.human(1L << 50));
        assertEquals("8192.0 PiB", Sizes.human(Long.MAX_VALUE), "PiB is the largest unit");
    }

    // ---- Report: the exit code ------------------------------------------------------------------

    private static Report.Destination dest(String status) {
        return new Report.Destination("/tmp/d.img", 0, 8, status, null, List.of());
    }

    private static Report report(boolean cancelled, List<Report.Range> readErrors, Report.Destination... dests) {
        return new Report("copy", new Report.Region("/tmp/s.img", 0, 8), 4096, 1.0, cancelled, readErrors,
                List.of(dests));
    }

    @Test
    void exitCodeZeroOnlyWhenEverythingIsOk() {
        assertEquals(0, report(false, List.of(), dest("ok"), dest("ok")).exitCode());
        assertEquals(1, report(true, List.of(), dest("ok")).exitCode(), "cancelled");
        assertEquals(1, report(false, List.of(new Report.Range(3, 1)), dest("ok")).exitCode(), "a read error");
        assertEquals(1, report(false, List.of(), dest("ok"), dest("failed")).exitCode(), "a failed destination");
        assertEquals(1, report(false, List.of(), dest("mismatch"), dest("ok")).exitCode(), "a mismatch");
    }

    @Test
    void rangesCarryStartAndCount() {
        assertEquals(List.of(new Report.Range(5, 2), new Report.Range(100, 1)),
                Report.Range.of(List.of(new SectorRange(5, 2), new SectorRange(100, 1))));
        assertEquals(List.of(), Report.Range.of(List.of()));
    }
}
