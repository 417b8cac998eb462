package org.kclone.device.fs.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BitmapRunsTest {

    private static List<String> runs(byte[] bitmap, int bits) {
        List<String> out = new ArrayList<>();
        BitmapRuns.forEach(ByteBuffer.wrap(bitmap), bits, (from, to) -> out.add(from + "-" + to));
        return out;
    }

    @Test
    void bitNIsBitNMod8OfByteNDiv8() {
        // byte 0 = 0b0000_0110: bits 1 and 2; byte 1 = 0b1000_0000: bit 15; byte 2 = 0x01: bit 16
        assertEquals(List.of("1-3", "15-17"), runs(new byte[] {0x06, (byte) 0x80, 0x01}, 24));
    }

    @Test
    void emptyAndFullBitmaps() {
        assertEquals(List.of(), runs(new byte[16], 128));
        byte[] full = new byte[16];
        java.util.Arrays.fill(full, (byte) 0xff);
        assertEquals(List.of("0-128"), runs(full, 128));
    }

    @Test
    void bitsPastTheCountAreIgnoredAndARunEndsThere() {
        byte[] full = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertEquals(List.of("0-13"), runs(full, 13));
        assertEquals(List.of(), runs(new byte[] {0, (byte) 0xf0}, 12));
        assertEquals(List.of("8-12"), runs(new byte[] {0, (byte) 0xff}, 12));
        assertEquals(List.of(), runs(new byte[] {(byte) 0xff}, 0));
    }

    @Test
    void startsAtTheBuffersPosition() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {(byte) 0xff, 0x01, 0x00});
        b.position(1);
        List<String> out = new ArrayList<>();
        BitmapRuns.forEach(b, 16, (from, to) -> out.add(from + "-" + to));
        assertEquals(List.of("0-1"), out);
    }

    @Test
    void moreBitsThanTheBufferHoldsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> runs(new byte[2], 17));
    }

    @Test
    void agreesWithABitByBitScanOnRandomBitmaps() {
        Random r = new Random(12);
        for (int round = 0; round < 200; round++) {
            byte[] b = new byte[1 + r.nextInt(64)];
            for (int i = 0; i < b.length; i++) {
                // runs of 0x00 and 0xff as well as mixed bytes
                int k = r.nextInt(4);
                b[i] = (byte) (k == 0 ? 0 : k == 1 ? 0xff : r.nextInt(256));
            }
            int bits = r.nextInt(b.length * 8 + 1);
            List<String> expected = new ArrayList<>();
            int i = 0;
            while (i < bits) {
                if ((b[i / 8] >> (i % 8) & 1) == 0) {
                    i++;
                    continue;
                }
                int j = i;
                while (j < bits && (b[j / 8] >> (j % 8) & 1) == 1) {
                    j++;
                }
                expected.add(i + "-" + j);
                i = j;
            }
            assertEquals(expected, runs(b, bits), "round " + round);
        }
    }
}
