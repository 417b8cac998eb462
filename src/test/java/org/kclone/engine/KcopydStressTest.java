package org.kclone.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.kclone.testing.FaultyDevice;
import org.kclone.testing.MemoryDevice;

/**
 * The engine under load: hundreds of jobs on one client from four submitting threads, random
 * sizes, 1 to 16 destinations, faulty sources and destinations mixed in, random cancels (right
 * after submission or from a progress listener mid-copy), and {@code destroy()} called while jobs
 * run. Afterwards every page is back in the pool, every accepted job's callback fired exactly
 * once, every job submitted after destroy() was refused, no thread of the client is left, and
 * every destination of a job that completed without fault or cancel equals its source region
 * (and a failed-and-dropped destination does not stop the others). The seed is printed on a
 * failure; replay with {@code -Dkclone.seed=N}.
 */
class KcopydStressTest {

    private static final int JOBS = 320;
    private static final int SUBMITTERS = 4;

    /** One submitted job and what it needs checking. */
    private record Submitted(KcopydJob job, MemoryDevice src, IoRegion from, List<IoRegion> dests,
            List<MemoryDevice> memories, Set<Integer> faultyDests, boolean faultySource,
            AtomicInteger callbacks, AtomicReference<JobResult> result) {
    }

    @Test
    void hundredsOfJobsWithFaultsCancelsAndADestroyWhileTheyRun() throws Exception {
        Long fixed = Long.getLong("kclone.seed");
        long seed = fixed != null ? fixed : System.nanoTime();
        try {
            run(seed);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("failed with seed " + seed + " (replay: -Dkclone.seed=" + seed + "): "
                    + e.getMessage(), e);
        }
    }

    private static void run(long seed) throws Exception {
        KcopydClient client = KcopydClient.create(32, new KcopydConfig(8192, 4)); // 16 chunks of 8 KiB
        List<Submitted> accepted = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger submitted = new AtomicInteger();
        CountDownLatch destroyNow = new CountDownLatch(1);
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < SUBMITTERS; t++) {
            Random r = new Random(seed + t);
            Thread th = new Thread(() -> {
                for (int i = 0; i < JOBS / SUBMITTERS; i++) {
                    try {
                        accepted.add(submit(client, r));
                    } catch (IllegalStateException e) {
                        assertTrue(e.getMessage().contains("has been destroyed"), e.getMessage());
                        refused.incrementAndGet();
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                    if (submitted.incrementAndGet() == JOBS * 2 / 3) {
                        destroyNow.countDown();
                    }
                }
            }, "submitter-" + t);
            th.start();
            submitters.add(th);
        }
        destroyNow.await();
        client.destroy(); // while jobs run and more are being submitted
        assertTrue(client.terminated(), "destroy() returned only after the client's threads ended");
        // A terminated executor's last worker may still be leaving its run method: each thread
        // of the client must end by itself (bounded join as a hang guard, no timing claimed).
        String prefix = "kcopyd-" + client.id() + "-";
        List<String> left = new ArrayList<>();
        for (Thread th : Thread.getAllStackTraces().keySet()) {
            if (th.getName().startsWith(prefix)) {
                th.join(60_000);
                if (th.isAlive()) {
                    left.add(th.getName());
                }
            }
        }
        for (Thread th : submitters) {
            th.join();
        }
        assertEquals(List.of(), unexpected);
        assertEquals(JOBS, accepted.size() + refused.get(), "every job accepted or refused");
        assertTrue(accepted.size() >= JOBS * 2 / 3 - SUBMITTERS, "accepted before destroy: " + accepted.size());

        assertEquals(0, client.pagesInUse(), "every page back in the pool");
        assertTrue(client.maxPagesInUse() <= client.numPages(), "never more than the budget");
        assertEquals(List.of(), left, "no thread of the client keeps running after destroy()");

        int checkedClean = 0;
        int checkedDropped = 0;
        for (Submitted s : accepted) {
            assertTrue(s.job().isDone(), "destroy() waited for " + s.job());
            assertEquals(1, s.callbacks().get(), "callback exactly once for " + s.job());
            JobResult res = s.result().get();
            if (res.cancelled()) {
                continue;
            }
            boolean clean = !s.faultySource() && s.faultyDests().isEmpty();
            if (clean) {
                assertTrue(res.succeeded(), "a job without faults succeeds: " + res);
            }
            if (!s.faultySource()) { // (a cancel that came after the last chunk was issued cancels nothing)
                // with DROP_FAILED_DESTINATIONS the others finish: every destination not failed is exact
                for (int d = 0; d < s.dests().size(); d++) {
                    assertEquals(s.faultyDests().contains(d), res.failed(d), "destination " + d + " of " + s.job());
                    if (!res.failed(d)) {
                        IoRegion to = s.dests().get(d);
                        assertArrayEquals(s.src().bytes(s.from().byteOffset(), s.from().byteOffset()
                                + s.from().byteLength()), s.memories().get(d).bytes(to.byteOffset(),
                                to.byteOffset() + to.byteLength()), "destination " + d + " of " + s.job());
                    }
                }
                if (clean) {
                    checkedClean++;
                } else {
                    checkedDropped++;
                }
            } else if (s.faultySource()) {
                assertTrue(res.readError(), "a bad source sector is reported: " + res);
            }
        }
        int cancelled = (int) accepted.stream().filter(s -> s.result().get().cancelled()).count();
        assertTrue(checkedClean > 20 && checkedDropped > 5 && cancelled > 5, "enough of each kind: " + checkedClean
                + " clean and checked byte for byte, " + checkedDropped + " with a dropped destination, " + cancelled
                + " cancelled");
    }

    private static Submitted submit(KcopydClient client, Random r) {
        long count = 1 + r.nextInt(96); // up to 48 KiB: several 8 KiB chunks
        MemoryDevice src = MemoryDevice.random("src", (int) (count + r.nextInt(16)) * 512, r.nextLong());
        long start = r.nextInt((int) (src.size() / 512 - count + 1));
        boolean faultySource = r.nextInt(8) == 0;
        BlockDevice source = src;
        if (faultySource) {
            source = new FaultyDevice(src).badReadSectors(start + r.nextInt((int) count), 1);
        }
        int n = 1 + r.nextInt(16);
        List<IoRegion> dests = new ArrayList<>();
        List<MemoryDevice> memories = new ArrayList<>();
        Set<Integer> faulty = ConcurrentHashMap.newKeySet();
        for (int d = 0; d < n; d++) {
            MemoryDevice m = MemoryDevice.random("d" + d, (int) (count + r.nextInt(16)) * 512, r.nextLong());
            memories.add(m);
            BlockDevice dev = m;
            if (n > 1 && r.nextInt(10) == 0) {
                dev = new FaultyDevice(m).failAllWrites(true);
                faulty.add(d);
            }
            dests.add(new IoRegion(dev, r.nextInt((int) (m.size() / 512 - count + 1)), count));
        }
        if (faulty.size() == n) { // keep one standing, so the others' bytes can be checked
            faulty.clear();
            dests.set(0, new IoRegion(memories.get(0), dests.get(0).sector(), count));
            for (int d = 1; d < n; d++) {
                faulty.add(d);
            }
        }
        Set<KcopydFlag> flags = EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS);
        if (faultySource && r.nextBoolean()) {
            flags.add(KcopydFlag.IGNORE_ERROR);
        }
        int cancelMode = r.nextInt(6); // 0: at once, 1: mid-copy from the listener, else never
        AtomicInteger callbacks = new AtomicInteger();
        AtomicReference<JobResult> result = new AtomicReference<>();
        AtomicReference<KcopydJob> self = new AtomicReference<>();
        long cancelAt = r.nextInt((int) count * 512);
        ProgressListener listener = cancelMode != 1 ? ProgressListener.NONE : new ProgressListener() {
            @Override
            public void bytesRead(long total) {
                KcopydJob j = self.get();
                if (total >= cancelAt && j != null) {
                    j.cancel();
                }
            }
        };
        KcopydJob job = client.copy(new IoRegion(source, start, count), dests, flags, (readErr, writeErr, res) -> {
            callbacks.incrementAndGet();
            result.set(res);
        }, listener);
        self.set(job);
        if (cancelMode == 0) {
            job.cancel();
        }
        return new Submitted(job, src, new IoRegion(src, start, count), dests, memories, faulty, faultySource,
                callbacks, result);
    }
}
