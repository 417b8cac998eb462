package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.kclone.device.RefusedException;

/**
 * An in-process window job is made on a thread of its own (the map's checks and a used-blocks-only
 * job's planning read the disks: not on the FX thread); until then the run says what it waits for,
 * and a refusal there ends it with the reason in the window's words.
 */
class StartingRunTest {

    @Test
    void theRunIsMadeOffTheCallersThreadAndARefusalThereIsTheProblem() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Thread> on = new AtomicReference<>();
        StartingRun r = StartingRun.start(2, "starting: reading the source's file systems for the used blocks", () -> {
            on.set(Thread.currentThread());
            await(go);
            throw new RefusedException("DEST 2", "is the same destination as DEST 1 (/dev/sdb)");
        });
        assertEquals("starting: reading the source's file systems for the used blocks", r.waitingFor());
        assertFalse(r.isDone(), "start returned before the run was made");
        assertArrayEquals(new long[2], r.written());
        go.countDown();
        awaitDone(r);
        assertNotSame(Thread.currentThread(), on.get());
        assertNull(r.report());
        assertNull(r.waitingFor());
        assertEquals("Not started, nothing was written: destination 2: already in the list (destination 1)",
                r.problem());
    }

    @Test
    void aCancelBeforeTheRunExistsCancelsItOnceMade() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ViewModelTest.FakeRun made = new ViewModelTest.FakeRun(4096, 1);
        StartingRun r = StartingRun.start(1, "starting", () -> {
            await(go);
            return made;
        });
        r.cancel();
        go.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cancelled(made) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(cancelled(made), "the run made after Cancel is cancelled");
    }

    private static boolean cancelled(ViewModelTest.FakeRun r) {
        synchronized (r) {
            return r.cancelled;
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitDone(StartingRun r) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!r.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(r.isDone());
    }
}
