package org.kclone.engine;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A client-wide bandwidth cap in bytes per second, shared by all its jobs and changeable while
 * they run; 0 means no limit. A token bucket that may go into debt: a chunk may start when the
 * bucket is not negative and then takes its bytes out, so the average rate holds whatever the
 * chunk size. The wait is recomputed from the current rate every few milliseconds, so a new limit
 * takes effect at once.
 *
 * <p>Time comes from a clock and waiting goes through a sleeper, both given at creation (the
 * system's by default), so tests can run it on simulated time.
 */
final class Throttle {

    /** How the throttle waits: on its own monitor (held by the caller), for at most {@code nanos}. */
    @FunctionalInterface
    interface Sleeper {
        /** May return early (a new limit was set, or spuriously); the throttle looks at the clock again. */
        void sleep(Object monitor, long nanos) throws InterruptedException;
    }

    /** The longest single wait, so that a new limit is seen within this time. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** At most this much time's worth of unused allowance is saved up as a burst. */
    static final double BURST_SECONDS = 0.05;

    private final LongSupplier clock;
    private final Sleeper sleeper;
    private long bytesPerSecond;
    private double tokens;
    private long lastRefillNanos;

    /** On the system's clock, waiting with {@link Object#wait(long, int)}. */
    Throttle() {
        this(System::nanoTime, TimeUnit.NANOSECONDS::timedWait);
    }

    /** On the given clock (nanoseconds, as {@link System#nanoTime()}) and sleeper. */
    Throttle(LongSupplier clock, Sleeper sleeper) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.lastRefillNanos = clock.getAsLong();
    }

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
            sleeper.sleep(this, Math.min(wait, SLICE_NANOS));
        }
    }

    private void refill() {
        long now = clock.getAsLong();
        if (bytesPerSecond != 0) {
            tokens = Math.min(tokens + (now - lastRefillNanos) * 1e-9 * bytesPerSecond,
                    bytesPerSecond * BURST_SECONDS);
        }
        lastRefillNanos = now;
    }
}
