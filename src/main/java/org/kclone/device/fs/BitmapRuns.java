package org.kclone.device.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns an allocation bitmap (bit {@code i} set = unit {@code i} in use, least significant bit
 * first, as exFAT and NTFS keep theirs) into byte ranges: unit {@code i} is the
 * {@code unitBytes} bytes at {@code base + i * unitBytes}. The bitmap may arrive in pieces; whole
 * words of zeros or ones are taken at once.
 */
final class BitmapRuns {

    private final ExtentCollector out;
    private final long base;
    private final long unitBytes;
    private final long units;

    /**
     * @param units how many units the bitmap describes: bits past it are ignored (bitmaps are
     *     padded to a byte, a cluster or a sector)
     */
    BitmapRuns(ExtentCollector out, long base, long unitBytes, long units) {
        this.out = out;
        this.base = base;
        this.unitBytes = unitBytes;
        this.units = units;
    }

    /** Takes the bitmap's bytes in {@code chunk} (position to limit), whose first bit is unit {@code firstUnit}. */
    void scan(ByteBuffer chunk, long firstUnit) {
        ByteBuffer b = chunk.slice().order(ByteOrder.LITTLE_ENDIAN);
        long unit = firstUnit;
        int i = 0;
        int n = b.remaining();
        while (i < n && unit < units) {
            if ((i & 7) == 0 && n - i >= 8 && units - unit >= 64) {
                long w = b.getLong(i);
                if (w == 0) {
                    i += 8;
                    unit += 64;
                    continue;
                }
                if (w == -1L) {
                    used(unit, 64);
                    i += 8;
                    unit += 64;
                    continue;
                }
            }
            int v = b.get(i) & 0xff;
            for (int bit = 0; bit < 8 && unit < units; bit++, unit++) {
                if ((v & (1 << bit)) != 0) {
                    used(unit, 1);
                }
            }
            i++;
        }
    }

    /** Marks {@code count} units from {@code unit} as used. */
    void used(long unit, long count) {
        long c = Math.min(count, units - unit);
        if (c > 0) {
            out.add(base + unit * unitBytes, c * unitBytes);
        }
    }
}
