package org.kclone.engine;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A client-wide bandwidth cap in bytes per second, shared by all its jobs and changeable while
 * they run; 0 means no limit. A token bucket that may go into debt: a chunk may start when the
 * bucket is not negative and then takes its bytes out, so the average rate holds whatever the
 * chunk size. The wait is recomputed from the current rate every few milliseconds, so a new limit
 * takes effect at once.
 */
final class Throttle {

    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** At most this much time's worth of unused allowance is saved up as a burst. */
    private static final double BURST_SECONDS = 0.05;

    private long bytesPerSecond;
    private double tokens;
    private long lastRefillNanos = System.nanoTime();

    synchronized void setBytesPerSecond(long rate) {
        if (rate < 0) {
            throw new IllegalArgumentException("bandwidth limit must not be negative: " + rate);
        }
        refill();
        bytesPerSecond = rate;
        tokens = Math.min(tokens, rate * BURST_SECONDS);
        notifyAll();
    }

    synchronized long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Waits until {@code bytes} may go, or until {@code giveUp} says so (cancel). */
    synchronized void acquire(long bytes, BooleanSupplier giveUp) throws InterruptedException {
        while (bytesPerSecond != 0) {
            refill();
            if (tokens >= 0) {
                tokens -= bytes;
                return;
            }
            if (giveUp.getAsBoolean()) {
                return;
            }
            long wait = (long) (-tokens * 1e9 / bytesPerSecond) + 1;
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(wait, SLICE_NANOS));
        }
    }

    private void refill() {
        long now = System.nanoTime();
        if (bytesPerSecond != 0) {
            tokens = Math.min(tokens + (now - lastRefillNanos) * 1e-9 * bytesPerSecond,
                    bytesPerSecond * BURST_SECONDS);
        }
        lastRefillNanos = now;
    }
}
