package org.kclone.ui.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The time left counts the verification pass, and never says 0:00 while work is left. */
class EtaTest {

    @Test
    void whileCopyingTheVerificationStillToComeIsCountedAtTheCopysSpeed() {
        // 50 of 100 bytes in 5 s: 10 B/s; 5 s of copy left, then 10 s of read-back
        assertEquals(15, Eta.seconds(100, 50, 0, true, false, 5, 0));
        assertEquals(5, Eta.seconds(100, 50, 0, false, false, 5, 0), "no verification asked for");
    }

    @Test
    void aResumedJobsEarlierBytesAreNotItsSpeed() {
        // 50 bytes were there from earlier runs; 60 of 100 after 5 s: 2 B/s, 40 bytes left
        assertEquals(20, Eta.seconds(100, 60, 0, false, false, 5, 0, 50));
        assertEquals(70, Eta.seconds(100, 60, 0, true, false, 5, 0, 50), "and the whole read-back at 2 B/s");
        assertEquals(Eta.UNKNOWN, Eta.seconds(100, 50, 0, false, false, 5, 0, 50), "nothing new yet: no speed");
    }

    @Test
    void whileVerifyingTheReadBacksOwnSpeedCounts() {
        // copy ran 10 s (10 B/s); read-back 25 of 100 in 5 s: 5 B/s, 75 bytes left
        assertEquals(15, Eta.seconds(100, 100, 25, true, true, 10, 5));
        // no read-back speed yet: the copy's speed stands in
        assertEquals(10, Eta.seconds(100, 100, 0, true, true, 10, 0));
    }

    @Test
    void neverZeroWithWorkLeftAndZeroWhenThereIsNone() {
        assertEquals(1, Eta.seconds(1_000_000, 999_999, 0, false, false, 1, 0));
        assertEquals("0:01", Eta.format(Eta.seconds(1_000_000, 999_999, 0, false, false, 1, 0)));
        // everything written, the verification to come: not done
        assertEquals(1, Eta.seconds(1_000, 1_000, 0, true, false, 1, 0));
        assertEquals(0, Eta.seconds(100, 100, 0, false, false, 10, 0));
        assertEquals(0, Eta.seconds(100, 100, 100, true, true, 10, 10));
        assertEquals(Eta.UNKNOWN, Eta.seconds(100, 0, 0, true, false, 3, 0), "nothing written yet: no speed");
        assertEquals("--", Eta.format(Eta.UNKNOWN));
    }

    @Test
    void formats() {
        assertEquals("1:05", Eta.format(65));
        assertEquals("1:02:03", Eta.format(3723));
        assertEquals("14 MiB", Eta.bytes(14L << 20));
        assertEquals("1.5 GiB", Eta.bytes(3L << 29));
    }
}
