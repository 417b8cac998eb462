package org.kclone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The bandwidth cap ({@code --limit}) on simulated time: a fake clock and a fake sleeper, so the
 * bytes let through per simulated second are counted exactly; nothing really sleeps and nothing
 * is timed.
 */
class ThrottleTest {

    private static final long SECOND = SimulatedTime.SECOND;
    private static final BooleanSupplier NEVER = () -> false;

    /** When each grant happened (simulated nanoseconds) and how many bytes it let go. */
    private record Grant(long at, long bytes) {
    }

    /** Acquires {@code chunk} after chunk, as one job's issuer does, until the clock reaches {@code until}. */
    private static List<Grant> run(SimulatedTime time, Throttle t, long chunk, long until) throws Exception {
        List<Grant> grants = new ArrayList<>();
        while (time.now() < until) {
            t.acquire(chunk, NEVER);
            grants.add(new Grant(time.now(), chunk));
        }
        return grants;
    }

    private static long bytesIn(List<Grant> grants, long from, long to) {
        return grants.stream().filter(g -> g.at() >= from && g.at() < to).mapToLong(Grant::bytes).sum();
    }

    private static void assertWithin(double fraction, long expected, long actual, String what) {
        assertTrue(Math.abs(actual - expected) <= expected * fraction,
                what + ": " + actual + " bytes, expected " + expected + " within " + fraction * 100 + " %");
    }

    @Test
    void holdsTheRateInEverySimulatedSecond() throws Exception {
        long rate = 10L << 20;
        SimulatedTime time = new SimulatedTime(123_456_789L);
        Throttle t = time.throttle();
        t.setBytesPerSecond(rate);
        long start = time.now();
        List<Grant> grants = run(time, t, 64 << 10, start + 10 * SECOND);
        for (int s = 0; s < 10; s++) {
            assertWithin(0.01, rate, bytesIn(grants, start + s * SECOND, start + (s + 1) * SECOND), "second " + s);
        }
    }

    @Test
    void holdsTheAverageWhenAChunkIsLargerThanASecondsWorth() throws Exception {
        long rate = 1_000_000;
        long chunk = 4 << 20;
        SimulatedTime time = new SimulatedTime(0);
        Throttle t = time.throttle();
        t.setBytesPerSecond(rate);
        List<Grant> grants = run(time, t, chunk, 400 * SECOND);
        // The bucket goes into debt by a whole chunk and pays it back: grant n comes n chunks' time after the first.
        for (int n = 1; n < grants.size(); n++) {
            long due = n * chunk * SECOND / rate;
            assertTrue(Math.abs(grants.get(n).at() - due) < SECOND / 1000, "grant " + n + " at " + grants.get(n).at()
                    + " ns, due at " + due);
        }
        assertWithin(0.02, 400 * rate, bytesIn(grants, 0, 400 * SECOND), "400 simulated seconds");
    }

    @Test
    void aNewLimitTakesEffectWhileAChunkIsWaiting() throws Exception {
        SimulatedTime time = new SimulatedTime(0);
        AtomicInteger sleeps = new AtomicInteger();
        Throttle[] self = new Throttle[1];
        // Raise the limit from 1 KB/s to 1 MiB/s during the first slice of a wait that would take 17 minutes.
        Throttle t = new Throttle(time, (monitor, nanos) -> {
            time.sleep(monitor, nanos);
            if (sleeps.incrementAndGet() == 1) {
                self[0].setBytesPerSecond(1 << 20);
            }
        });
        self[0] = t;
        t.setBytesPerSecond(1000);
        t.acquire(1 << 20, NEVER); // allowed at once, leaves a debt of 1 MiB
        t.acquire(4096, NEVER);
        // The debt is paid at the new rate: one second, not 1048.
        assertTrue(time.now() >= SECOND && time.now() <= SECOND + Throttle.SLICE_NANOS,
                "second chunk after " + time.now() + " ns");
        for (long s : time.sleeps()) {
            assertTrue(s > 0 && s <= Throttle.SLICE_NANOS, "a wait of " + s + " ns; each is at most one slice");
        }
    }

    @Test
    void eachWaitIsOneSliceAtMostAndTheyAddUpToTheDebt() throws Exception {
        SimulatedTime time = new SimulatedTime(0);
        Throttle t = time.throttle();
        t.setBytesPerSecond(1 << 20);
        t.acquire(1 << 20, NEVER);
        t.acquire(1, NEVER);
        List<Long> sleeps = time.sleeps();
        // One second in 20 ms slices, and perhaps a last nanosecond for the rounding of the bucket.
        long slices = SECOND / Throttle.SLICE_NANOS;
        assertTrue(sleeps.size() == slices || sleeps.size() == slices + 1, "waits " + sleeps);
        sleeps.subList(0, (int) slices).forEach(s -> assertEquals(Throttle.SLICE_NANOS, s));
        assertTrue(time.now() >= SECOND - 1000 && time.now() <= SECOND + 1000, "paid back after " + time.now() + " ns");
    }

    @Test
    void anIdleSpellSavesUpAFiftiethOfASecondsWorthAtMost() throws Exception {
        long rate = 10L << 20;
        long chunk = 64 << 10;
        SimulatedTime time = new SimulatedTime(0);
        Throttle t = time.throttle();
        t.setBytesPerSecond(rate);
        time.advance(100 * SECOND);
        int atOnce = 0;
        while (time.sleeps().isEmpty()) {
            t.acquire(chunk, NEVER);
            atOnce++;
        }
        // A burst of rate x 0.05 s = 524288 bytes, then one more chunk into debt; the next one waits.
        long burst = (long) (rate * Throttle.BURST_SECONDS);
        assertEquals(burst / chunk + 1 + 1, atOnce, "chunks let through after 100 s idle (the last one waited)");
    }

    @Test
    void loweringTheLimitForfeitsWhatWasSavedAtTheOldRate() throws Exception {
        long chunk = 4096;
        SimulatedTime time = new SimulatedTime(0);
        Throttle t = time.throttle();
        t.setBytesPerSecond(100L << 20);
        time.advance(SECOND); // saves up 5 MiB at the old rate
        t.setBytesPerSecond(1 << 20); // keeps 52428.8 bytes: a twentieth of a second at the new rate
        int atOnce = 0;
        while (time.sleeps().isEmpty()) {
            t.acquire(chunk, NEVER);
            atOnce++;
        }
        assertEquals((int) ((1 << 20) * Throttle.BURST_SECONDS / chunk) + 1 + 1, atOnce);
    }

    @Test
    void timeSpentUnlimitedIsNotSavedUp() throws Exception {
        SimulatedTime time = new SimulatedTime(0);
        Throttle t = time.throttle();
        t.setBytesPerSecond(1 << 20);
        t.setBytesPerSecond(0);
        t.acquire(1L << 40, NEVER); // unlimited: a terabyte goes at once
        time.advance(10 * SECOND);
        t.acquire(1, NEVER);
        t.setBytesPerSecond(1 << 20);
        t.acquire(1 << 20, NEVER);
        assertEquals(List.of(), time.sleeps(), "nothing waited so far");
        t.acquire(1, NEVER);
        long waited = time.sleeps().stream().mapToLong(Long::longValue).sum();
        assertTrue(waited >= SECOND, "the 1 MiB taken right after the limit was set is paid for: " + waited + " ns");
    }

    @Test
    void noLimitNeverWaitsNorAsksWhetherToGiveUp() throws Exception {
        SimulatedTime time = new SimulatedTime(0);
        Throttle t = time.throttle();
        assertEquals(0, t.bytesPerSecond());
        for (int i = 0; i < 1000; i++) {
            t.acquire(64L << 20, () -> {
                throw new AssertionError("asked whether to give up without a limit");
            });
        }
        assertEquals(List.of(), time.sleeps());
        assertEquals(0, time.now());
    }

    @Test
    void givingUpReturnsWithoutWaitingAndTakesNothing() throws Exception {
        SimulatedTime time = new SimulatedTime(0);
        Throttle t = time.throttle();
        t.setBytesPerSecond(1 << 20);
        t.acquire(1 << 20, NEVER);
        AtomicInteger asked = new AtomicInteger();
        t.acquire(1 << 20, () -> asked.incrementAndGet() > 0);
        assertEquals(1, asked.get());
        assertEquals(List.of(), time.sleeps(), "a job being cancelled does not wait for the limit");
        // Had the given-up chunk taken its bytes, the next would wait two seconds, not one.
        t.acquire(1, NEVER);
        long waited = time.sleeps().stream().mapToLong(Long::longValue).sum();
        assertTrue(waited >= SECOND && waited < SECOND + SECOND / 100, "waited " + waited + " ns");
    }

    @Test
    void aNegativeLimitIsRefusedAndTheOldOneKept() {
        Throttle t = new SimulatedTime(0).throttle();
        t.setBytesPerSecond(5000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.setBytesPerSecond(-1));
        assertTrue(e.getMessage().contains("must not be negative: -1"), e.getMessage());
        assertEquals(5000, t.bytesPerSecond());
    }

    @Test
    void theSystemClockThrottleStillLetsTheFirstChunkGoAtOnce() throws Exception {
        // The default seam (System::nanoTime, Object.wait): a fresh bucket is never in debt.
        Throttle t = new Throttle();
        t.setBytesPerSecond(1);
        t.acquire(1 << 20, NEVER);
        assertEquals(1, t.bytesPerSecond());
        AtomicInteger asked = new AtomicInteger();
        t.acquire(1, () -> asked.incrementAndGet() >= 3); // in debt for 12 days: waits slice by slice, then gives up
        assertEquals(3, asked.get());
    }
}
