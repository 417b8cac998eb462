package org.kclone.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * A clock and a sleeper for {@link Throttle} on simulated time: the clock stands still until
 * someone sleeps, and a sleep of {@code n} nanoseconds moves it on by exactly {@code n} at once.
 * Nothing really waits, so tests on it are exact and take no time.
 */
final class SimulatedTime implements LongSupplier, Throttle.Sleeper {

    static final long SECOND = 1_000_000_000L;

    private volatile long now;
    private final List<Long> sleeps = new CopyOnWriteArrayList<>();

    SimulatedTime(long start) {
        this.now = start;
    }

    Throttle throttle() {
        return new Throttle(this, this);
    }

    @Override
    public long getAsLong() {
        return now;
    }

    @Override
    public void sleep(Object monitor, long nanos) {
        if (!Thread.holdsLock(monitor)) {
            throw new IllegalMonitorStateException("the throttle sleeps without holding its monitor");
        }
        sleeps.add(nanos);
        now += nanos;
    }

    /** Lets time pass without anyone sleeping (an idle spell). */
    void advance(long nanos) {
        now += nanos;
    }

    long now() {
        return now;
    }

    /** Every sleep asked for, in nanoseconds, in order. */
    List<Long> sleeps() {
        return List.copyOf(sleeps);
    }
}
