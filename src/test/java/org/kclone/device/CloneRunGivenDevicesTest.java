package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.KcopydClient;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.engine.SectorRange;
import org.kclone.testing.FaultyDevice;
import org.kclone.testing.MemoryDevice;

/**
 * A run on devices handed in already opened ({@link OpenedPlan#of}): destinations that fail on
 * write or only on read-back, a source that cannot be read, cancels at exact points, and what the
 * report then says. No root, no files: memory devices, wrapped by {@link FaultyDevice}. Faults that
 * are to appear only after the copy are switched on from the run's listener, on the run's thread.
 */
class CloneRunGivenDevicesTest {

    private static final int MIB = 1 << 20;
    /** Source region: 2000 sectors from sector 8 of a 1 MiB device. */
    private static final long SRC_START = 8;
    private static final long COUNT = 2000;
    private static final long BYTES = COUNT * 512;

    private final MemoryDevice srcMem = MemoryDevice.random("src", MIB, 1);

    private static Endpoint source() {
        return new Endpoint("SOURCE", Path.of("/test/src.img"), Endpoint.Kind.IMAGE, null, SRC_START, COUNT, MIB, 512);
    }

    private static Endpoint dest(int i, long start) {
        return new Endpoint("DEST " + (i + 1), Path.of("/test/d" + i + ".img"), Endpoint.Kind.IMAGE, null, start, COUNT,
                2L * MIB, 512);
    }

    /** A copy plan of the source region to a destination region starting at each of {@code starts}. */
    private static CopyPlanner.Plan plan(long... starts) {
        List<Endpoint> d = new ArrayList<>();
        for (int i = 0; i < starts.length; i++) {
            d.add(dest(i, starts[i]));
        }
        return new CopyPlanner.Plan(source(), d, Map.of());
    }

    private static CloneRun.Settings settings(long bytesPerSecond, boolean verify, KcopydFlag... flags) {
        return settings(4, bytesPerSecond, verify, flags);
    }

    /**
     * 64 KiB chunks, {@code depth} of them in flight. With one in flight, where a job stops is exact:
     * the next chunk starts only after the one before has been written everywhere.
     */
    private static CloneRun.Settings settings(int depth, long bytesPerSecond, boolean verify, KcopydFlag... flags) {
        Set<KcopydFlag> f = EnumSet.noneOf(KcopydFlag.class);
        f.addAll(List.of(flags));
        return new CloneRun.Settings(64, new KcopydConfig(64 << 10, depth), bytesPerSecond, f, verify);
    }

    /** Makes the engine client as a run does and keeps hold of it. */
    private static final class KeptClient implements CloneRun.Clients {
        KcopydClient client;

        @Override
        public KcopydClient create(CloneRun.Settings s) throws RefusedException {
            client = CloneRun.newClient(s);
            return client;
        }

        /** Whether the run gave its client back: a destroyed client takes no new job. */
        boolean destroyed() {
            try {
                client.zero(List.of(new IoRegion(new MemoryDevice("probe", 512), 0, 1)), Set.of(), (r, w, res) -> { })
                        .await();
                return false;
            } catch (IllegalStateException e) {
                return e.getMessage().contains("has been destroyed");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static CloneRun start(CopyPlanner.Plan plan, BlockDevice src, List<BlockDevice> dests,
            CloneRun.Settings settings, CloneRun.Listener listener) throws RefusedException {
        return CloneRun.start(OpenedPlan.of(plan, src, dests), settings, listener, CloneRun::newClient,
                System::nanoTime);
    }

    private byte[] sourceBytes() {
        return srcMem.bytes(SRC_START * 512, SRC_START * 512 + BYTES);
    }

    @Test
    void aDestinationWhoseWritesFailIsFailedWithItsErrorAndTheOtherIsVerifiedOk() throws Exception {
        MemoryDevice a = new MemoryDevice("a", 2 * MIB);
        FaultyDevice b = new FaultyDevice(new MemoryDevice("b", 2 * MIB)).badWriteSectors(500, 1);
        List<String> seen = new CopyOnWriteArrayList<>();
        CloneRun run = start(plan(0, 0), new FaultyDevice(srcMem), List.of(a, b),
                settings(0, true, KcopydFlag.DROP_FAILED_DESTINATIONS), new CloneRun.Listener() {
                    @Override
                    public void copied(CloneRun r) {
                        seen.add("copied, error of b: " + r.error(1) + ", of a: " + r.error(0));
                    }

                    @Override
                    public void verifying(CloneRun r) {
                        seen.add("verifying a " + r.isVerifying(0) + ", b " + r.isVerifying(1));
                    }
                });
        Report report = run.await();
        String bError = report.destinations().get(1).error();
        assertTrue(bError.startsWith("faulty:b: Input/output error (injected write fault at byte "), bError);
        assertEquals(List.of("copied, error of b: " + bError + ", of a: null", "verifying a true, b false"), seen,
                "the failure is told while the run goes on, with the device's own message");
        assertEquals(new Report.Destination("/test/d0.img", 0, COUNT, "ok", null, List.of(), Sha256.hex(sourceBytes()),
                null, true),
                report.destinations().get(0));
        assertEquals(new Report.Destination("/test/d1.img", 0, COUNT, "failed", bError, List.of()),
                report.destinations().get(1));
        assertEquals(bError, run.error(1));
        assertNull(run.error(0));
        assertEquals(BYTES, report.bytes(), "the destination that did not fail got everything");
        assertEquals(BYTES, run.verifiedBytes());
        assertFalse(report.cancelled());
        assertEquals(1, report.exitCode());
        assertArrayEquals(sourceBytes(), a.bytes(0, BYTES));
    }

    @Test
    void withoutDroppingAFailedDestinationTheOtherIsIncompleteAndNotReadBack() throws Exception {
        MemoryDevice a = new MemoryDevice("a", 2 * MIB);
        FaultyDevice b = new FaultyDevice(new MemoryDevice("b", 2 * MIB)).badWriteSectors(200, 1);
        CloneRun run = start(plan(0, 0), srcMem, List.of(a, b), settings(1, 0, true), new CloneRun.Listener() {
            @Override
            public void verifying(CloneRun r) {
                throw new AssertionError("an incomplete destination is not read back");
            }
        });
        Report report = run.await();
        Report.Destination da = report.destinations().get(0);
        assertEquals("failed", da.status(), da.toString());
        long written = run.written()[0];
        assertEquals(2 * 64 << 10, written, "the job stopped at b's error in the second chunk");
        assertEquals("incomplete: " + written + " of " + BYTES + " bytes written; the job stopped at another"
                + " destination's error (--strict)", da.error());
        assertEquals("failed", report.destinations().get(1).status());
        assertFalse(run.isVerifying(0));
        assertEquals(0, run.verifiedBytes());
        assertFalse(report.cancelled());
        assertEquals(1, report.exitCode());
    }

    @Test
    void aSourceReadErrorWithoutIgnoreErrorsLeavesTheDestinationIncompleteAndSaysSo() throws Exception {
        MemoryDevice a = new MemoryDevice("a", 2 * MIB);
        FaultyDevice src = new FaultyDevice(srcMem).badReadSectors(SRC_START + 300, 1);
        CloneRun run = start(plan(0), src, List.of(a), settings(1, 0, true), new CloneRun.Listener() { });
        Report report = run.await();
        Report.Destination d = report.destinations().get(0);
        long written = run.written()[0];
        assertEquals(2 * 64 << 10, written, "the job stopped at the read error in the third chunk, not writing it");
        assertEquals(new Report.Destination("/test/d0.img", 0, COUNT, "failed", "incomplete: " + written + " of "
                + BYTES + " bytes written; the job stopped at a source read error (--ignore-errors goes past it)",
                List.of()), d);
        assertEquals(0, run.verifiedBytes());
        assertEquals(1, report.exitCode());
    }

    @Test
    void unreadableSourceSectorsGoneOverAreListedWrittenAsZerosAndVerifiedAsZeros() throws Exception {
        MemoryDevice a = new MemoryDevice("a", 2 * MIB);
        byte[] old = new byte[2 * 512];
        java.util.Arrays.fill(old, (byte) 0x55);
        a.write(ByteBuffer.wrap(old), 300 * 512); // old data where the unreadable sectors go
        FaultyDevice src = new FaultyDevice(srcMem).badReadSectors(SRC_START + 300, 2);
        CloneRun run = start(plan(0), src, List.of(a), settings(0, true, KcopydFlag.IGNORE_ERROR),
                new CloneRun.Listener() { });
        Report report = run.await();
        assertEquals(List.of(new SectorRange(SRC_START + 300, 2)), run.unreadableSoFar());
        assertEquals(List.of(new Report.Range(SRC_START + 300, 2)), report.readErrors());
        assertEquals("ok", report.destinations().get(0).status(), "the zeros written there are what was expected");
        assertEquals(BYTES, run.verifiedBytes());
        byte[] want = sourceBytes();
        java.util.Arrays.fill(want, 300 * 512, 302 * 512, (byte) 0);
        assertArrayEquals(want, a.bytes(0, BYTES));
        assertEquals(1, report.exitCode(), "a read error is not a success");
    }

    @Test
    void aSourceSectorThatBecomesUnreadableAfterTheCopyIsNotReadByVerification() throws Exception {
        MemoryDevice a = new MemoryDevice("a", 2 * MIB);
        FaultyDevice src = new FaultyDevice(srcMem);
        CloneRun run = start(plan(0), src, List.of(a), settings(0, true), new CloneRun.Listener() {
            @Override
            public void copied(CloneRun r) {
                src.badReadSectors(SRC_START + 400, 1);
            }
        });
        Report report = run.await();
        assertEquals(List.of(), run.unreadableSoFar(), "the copy read everything");
        assertEquals(List.of(), report.readErrors(), "verification compares with what was copied, not the source");
        Report.Destination d = report.destinations().get(0);
        assertEquals("ok", d.status(), d.toString());
        assertEquals(Sha256.hex(sourceBytes()), d.sha256());
        assertEquals(Sha256.hex(sourceBytes()), report.source().sha256());
        assertEquals(0, report.exitCode());
    }

    @Test
    void aDestinationThatFailsOnlyWhenReadBackIsFailedNamingTheReadBack() throws Exception {
        MemoryDevice a = new MemoryDevice("a", 2 * MIB);
        FaultyDevice b = new FaultyDevice(new MemoryDevice("b", 2 * MIB));
        CloneRun run = start(plan(0, 64), srcMem, List.of(a, b), settings(0, true), new CloneRun.Listener() {
            @Override
            public void copied(CloneRun r) {
                b.badReadSectors(64 + 1500, 1);
            }
        });
        Report report = run.await();
        assertEquals("ok", report.destinations().get(0).status());
        Report.Destination db = report.destinations().get(1);
        assertEquals("failed", db.status(), db.toString());
        assertTrue(db.error().startsWith("reading back for verification: faulty:b: Input/output error (injected"
                + " read fault at byte "), db.error());
        assertEquals(List.of(), db.mismatches());
        assertNull(run.error(1), "the copy itself went well");
        assertEquals(1, report.exitCode());
        assertArrayEquals(sourceBytes(), a.bytes(0, BYTES));
    }

    @Test
    void aMismatchIsNamedInTheDestinationsOwnSectorsAndTheSources() throws Exception {
        MemoryDevice a = new MemoryDevice("a", 2 * MIB);
        MemoryDevice b = new MemoryDevice("b", 2 * MIB);
        CloneRun run = start(plan(0, 100), srcMem, List.of(a, b), settings(0, true), new CloneRun.Listener() {
            @Override
            public void copied(CloneRun r) {
                try {
                    b.write(ByteBuffer.wrap(new byte[] {(byte) ~b.bytes((100 + 50) * 512, (100 + 50) * 512 + 1)[0]}),
                            (100 + 50) * 512); // one byte of region sector 50 changed
                    b.write(ByteBuffer.allocate(3 * 512), (100 + 1999 - 2) * 512); // the last three sectors
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        });
        Report report = run.await();
        assertEquals("ok", report.destinations().get(0).status());
        Report.Destination db = report.destinations().get(1);
        assertEquals(new Report.Destination("/test/d1.img", 100, COUNT, "mismatch", null, List.of(
                new Report.Mismatch(150, 1, SRC_START + 50), new Report.Mismatch(100 + 1997, 3, SRC_START + 1997)),
                Sha256.hex(b.bytes(100 * 512, 100 * 512 + BYTES)), null, true), db);
        assertEquals(Sha256.hex(sourceBytes()), report.destinations().get(0).sha256());
        assertFalse(report.cancelled());
        assertEquals(1, report.exitCode());
    }

    /** A destination whose first write at or past {@code gateByte} waits until the test lets it go. */
    private static class GatedDevice implements BlockDevice {
        final MemoryDevice inner = new MemoryDevice("gated", 2 * MIB);
        final long gateByte;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> closes = new CopyOnWriteArrayList<>();
        volatile CloneRun run;

        GatedDevice(long gateByte) {
            this.gateByte = gateByte;
        }

        @Override
        public String name() {
            return "gated";
        }

        @Override
        public long size() {
            return inner.size();
        }

        @Override
        public int logicalSectorSize() {
            return 512;
        }

        @Override
        public void read(ByteBuffer dst, long position) throws IOException {
            inner.read(dst, position);
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            if (position >= gateByte && reached.getCount() > 0) {
                reached.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException("interrupted", e);
                }
            }
            inner.write(src, position);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            CloneRun r = run;
            closes.add("closed; report there: " + (r != null && r.isDone()));
        }
    }

    @Test
    void cancelledDuringTheCopyTheDestinationIsIncompleteAndTheRunCancelled() throws Exception {
        GatedDevice d = new GatedDevice(256 << 10);
        CloneRun run = start(plan(0), srcMem, List.of(d), settings(1, 0, true), new CloneRun.Listener() {
            @Override
            public void verifying(CloneRun r) {
                throw new AssertionError("a cancelled copy is not read back");
            }
        });
        try {
            d.reached.await(); // the fifth chunk's write is under way
            assertEquals(CloneRun.Phase.COPYING, run.phase());
            assertFalse(run.isDone());
            run.cancel();
        } finally {
            d.release.countDown();
        }
        Report report = run.await();
        long written = run.written()[0];
        assertEquals(5 * 64 << 10, written, "the write in flight finished, no chunk after it");
        assertEquals(new Report.Destination("/test/d0.img", 0, COUNT, "cancelled", "incomplete: " + written + " of "
                + BYTES + " bytes written; the job stopped when it was cancelled", List.of()),
                report.destinations().get(0));
        assertTrue(report.cancelled());
        assertEquals(1, report.exitCode());
        assertEquals(0, run.verifiedBytes());
        assertArrayEquals(srcMem.bytes(SRC_START * 512, SRC_START * 512 + written), d.inner.bytes(0, written));
    }

    @Test
    void theReportIsThereOnlyOnceTheDevicesAreClosedAndTheEngineIsGivenBack() throws Exception {
        GatedDevice d = new GatedDevice(Long.MAX_VALUE); // never waits
        KeptClient clients = new KeptClient();
        List<String> seen = new CopyOnWriteArrayList<>();
        CloneRun run = CloneRun.start(OpenedPlan.of(plan(0), srcMem, List.of(d)), settings(0, true),
                new CloneRun.Listener() {
                    @Override
                    public void copied(CloneRun r) {
                        d.run = r;
                        seen.add("copied; report there: " + r.isDone() + ", phase " + r.phase());
                    }
                }, clients, System::nanoTime);
        Report report = run.await();
        assertEquals(0, report.exitCode(), report.toString());
        assertEquals(List.of("copied; report there: false, phase COPYING"), seen);
        assertEquals(List.of("closed; report there: false"), d.closes, "closed once, before the report was given");
        assertTrue(run.isDone());
        assertEquals(CloneRun.Phase.DONE, run.phase());
        assertTrue(clients.destroyed(), "the engine's pages and threads are given back before the report");
    }

    @Test
    void theThrottleOfTheSettingsIsTheEnginesCap() throws Exception {
        KeptClient clients = new KeptClient();
        CloneRun run = CloneRun.start(OpenedPlan.of(plan(0), srcMem, List.of(new MemoryDevice("a", 2 * MIB))),
                settings(40L << 20, false), new CloneRun.Listener() { }, clients, System::nanoTime);
        assertEquals(40L << 20, clients.client.throttle());
        assertEquals(0, run.await().exitCode());
    }

    @Test
    void theReportGivesTheRunsTimeFromItsClockToTheMillisecond() throws Exception {
        AtomicLong now = new AtomicLong(7_000_000_000L);
        LongSupplier clock = now::get;
        CloneRun run = CloneRun.start(OpenedPlan.of(plan(0), srcMem, List.of(new MemoryDevice("a", 2 * MIB))),
                settings(0, true), new CloneRun.Listener() {
                    @Override
                    public void copied(CloneRun r) {
                        now.addAndGet(2_345_678_901L);
                    }
                }, CloneRun::newClient, clock);
        assertEquals(2.346, run.await().seconds());
    }

    @Test
    void aRunWhoseJobCannotStartGivesBackTheEngineAndClosesItsDevices() throws Exception {
        GatedDevice small = new GatedDevice(Long.MAX_VALUE) {
            @Override
            public long size() {
                return 1000 * 512; // shorter than the 2000-sector region
            }
        };
        KeptClient clients = new KeptClient();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CloneRun.start(
                OpenedPlan.of(plan(0), srcMem, List.of(small)), settings(0, false), new CloneRun.Listener() { },
                clients, System::nanoTime));
        assertTrue(e.getMessage().contains("beyond the end of gated"), e.getMessage());
        assertTrue(clients.destroyed());
        assertEquals(List.of("closed; report there: false"), small.closes);
    }

    @Test
    void aPageBudgetTheEngineCannotHaveIsRefusedNamingPagesAndItsSize() throws Exception {
        GatedDevice d = new GatedDevice(Long.MAX_VALUE);
        CloneRun.Settings onePage = new CloneRun.Settings(1, new KcopydConfig(64 << 10, 4), 0,
                EnumSet.noneOf(KcopydFlag.class), false);
        RefusedException e = assertThrows(RefusedException.class,
                () -> start(plan(0), srcMem, List.of(d), onePage, new CloneRun.Listener() { }));
        assertEquals("--pages", e.field());
        assertTrue(e.reason().startsWith("the copy engine cannot start with a budget of 1 pages (4.0 KiB): a page"
                + " budget of 1 pages"), e.reason());
        assertTrue(e.reason().endsWith("; nothing was written"), e.reason());
        assertEquals(List.of("closed; report there: false"), d.closes);
        assertArrayEquals(new byte[2 * MIB], d.inner.bytes());
    }

    @Test
    void aRunThatFailsInsideEndsWithThatErrorAfterClosingItsDevices() throws Exception {
        GatedDevice d = new GatedDevice(Long.MAX_VALUE);
        CloneRun run = start(plan(0), srcMem, List.of(d), settings(0, true), new CloneRun.Listener() {
            @Override
            public void copied(CloneRun r) {
                throw new IllegalStateException("listener bug");
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, run::await);
        assertEquals("the run failed inside: listener bug", e.getMessage());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals(List.of("closed; report there: false"), d.closes);
        assertTrue(run.isDone());
        assertEquals(CloneRun.Phase.DONE, run.phase());
    }
}
