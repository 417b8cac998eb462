package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.kclone.device.verify.OneShot;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.ForwardingBlockDevice;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.testing.FaultyDevice;
import org.kclone.testing.MemoryDevice;

/**
 * --verify after a copy reads the destinations only: it compares them with the per-MiB digests the
 * copy kept, and reads the source again only for a MiB that differs, to name the sectors (not at
 * all when the source is a stream). The source's reads are counted through a {@link FaultyDevice}.
 */
class CloneRunDigestVerifyTest {

    private static final int MIB = 1 << 20;
    /** Source region: 3 MiB from sector 8; destinations start at sector 100 (not 4 KiB-aligned). */
    private static final long SRC_START = 8;
    private static final long DST_START = 100;
    private static final long COUNT = 3L * MIB / 512;

    private final MemoryDevice srcMem = MemoryDevice.random("src", 4 * MIB, 7);

    private static CopyPlanner.Plan plan(int dests) {
        Endpoint src = new Endpoint("SOURCE", Path.of("/test/src.img"), Endpoint.Kind.IMAGE, null, SRC_START, COUNT,
                4 * MIB, 512);
        List<Endpoint> d = new ArrayList<>();
        for (int i = 0; i < dests; i++) {
            d.add(new Endpoint("DEST " + (i + 1), Path.of("/test/d" + i + ".img"), Endpoint.Kind.IMAGE, null, DST_START,
                    COUNT, 4L * MIB, 512));
        }
        return new CopyPlanner.Plan(src, d, Map.of());
    }

    private static CloneRun.Settings settings(KcopydFlag... flags) {
        Set<KcopydFlag> f = EnumSet.noneOf(KcopydFlag.class);
        f.addAll(List.of(flags));
        return new CloneRun.Settings(1024, new KcopydConfig(MIB, 4), 0, f, true);
    }

    private byte[] sourceBytes() {
        return srcMem.bytes(SRC_START * 512, (SRC_START + COUNT) * 512);
    }

    /** Runs with the listener flipping one byte of {@code corrupt} at region byte {@code at} once copied. */
    private Report run(BlockDevice src, List<MemoryDevice> dests, MemoryDevice corrupt, long at, AtomicInteger readsAtCopied,
            FaultyDevice counted, KcopydFlag... flags) throws Exception {
        CloneRun run = CloneRun.start(OpenedPlan.of(plan(dests.size()), src, List.copyOf(dests)), settings(flags),
                new CloneRun.Listener() {
                    @Override
                    public void copied(CloneRun r) {
                        readsAtCopied.set(counted.reads().size());
                        if (corrupt != null) {
                            long pos = DST_START * 512 + at;
                            byte[] b = corrupt.bytes(pos, pos + 1);
                            b[0] = (byte) ~b[0];
                            try {
                                corrupt.write(ByteBuffer.wrap(b), pos);
                            } catch (IOException e) {
                                throw new AssertionError(e);
                            }
                        }
                    }
                }, CloneRun::newClient, System::nanoTime);
        return run.await();
    }

    private static List<MemoryDevice> dests(int n) {
        List<MemoryDevice> d = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            d.add(new MemoryDevice("d" + i, 4 * MIB));
        }
        return d;
    }

    private static String regionSha(MemoryDevice d) {
        return Sha256.hex(d.bytes(DST_START * 512, (DST_START + COUNT) * 512));
    }

    @Test
    void verificationOfAGoodCopyReadsNothingOfTheSourceAndGivesEveryHash() throws Exception {
        FaultyDevice src = new FaultyDevice(srcMem);
        List<MemoryDevice> d = dests(3);
        AtomicInteger readsAtCopied = new AtomicInteger();
        Report report = run(src, d, null, 0, readsAtCopied, src);
        assertEquals(readsAtCopied.get(), src.reads().size(), "verification read nothing of the source");
        assertEquals(3, readsAtCopied.get(), "the copy read each 1 MiB chunk once");
        String sha = Sha256.hex(sourceBytes());
        assertEquals(sha, report.source().sha256());
        for (Report.Destination r : report.destinations()) {
            assertEquals(new Report.Destination(r.path(), DST_START, COUNT, "ok", null, List.of(), sha, null, true), r);
        }
        assertEquals(0, report.exitCode());
    }

    @Test
    void aCorruptedByteIsFoundWithoutTheSourceAndNarrowedByReReadingOnlyItsMiB() throws Exception {
        FaultyDevice src = new FaultyDevice(srcMem);
        List<MemoryDevice> d = dests(2);
        AtomicInteger readsAtCopied = new AtomicInteger();
        long at = MIB + MIB / 2 + 700; // region sector 3073, in the second MiB
        Report report = run(src, d, d.get(1), at, readsAtCopied, src);
        List<FaultyDevice.Transfer> after = new ArrayList<>(src.reads()).subList(readsAtCopied.get(), src.reads().size());
        assertEquals(List.of(new FaultyDevice.Transfer((SRC_START + 2048) * 512, MIB)), after,
                "exactly the differing MiB of the source was read again");
        Report.Destination bad = report.destinations().get(1);
        assertEquals("mismatch", bad.status());
        assertEquals(List.of(new Report.Mismatch(DST_START + 3073, 1, SRC_START + 3073)), bad.mismatches(),
                "the destination's own sector and the source's");
        assertEquals(regionSha(d.get(1)), bad.sha256(), "the hash of what it holds");
        assertEquals("ok", report.destinations().get(0).status());
        assertEquals(Sha256.hex(sourceBytes()), report.destinations().get(0).sha256());
        assertEquals(1, report.exitCode());
    }

    /** A stream source: read once by the copy, never again. */
    private static final class Stream extends ForwardingBlockDevice implements OneShot {
        Stream(BlockDevice inner) {
            super(inner);
        }
    }

    @Test
    void fromASourceThatCannotBeReadAgainTheWholeMiBIsNamed() throws Exception {
        FaultyDevice src = new FaultyDevice(srcMem);
        List<MemoryDevice> d = dests(1);
        AtomicInteger readsAtCopied = new AtomicInteger();
        Report report = run(new Stream(src), d, d.get(0), 2L * MIB + 5, readsAtCopied, src);
        assertEquals(readsAtCopied.get(), src.reads().size(), "the stream was not read again");
        Report.Destination bad = report.destinations().get(0);
        assertEquals("mismatch", bad.status());
        assertEquals(List.of(new Report.Mismatch(DST_START + 4096, 2048, SRC_START + 4096)), bad.mismatches(),
                "the third MiB, whole");
        assertEquals(Sha256.hex(sourceBytes()), report.source().sha256());
    }

    @Test
    void unreadableSourceSectorsCopiedAsZerosAreExpectedAsZerosAndACorruptionBesideThemIsNarrowed() throws Exception {
        FaultyDevice src = new FaultyDevice(srcMem).badReadSectors(SRC_START + 2100, 3);
        List<MemoryDevice> d = dests(1);
        AtomicInteger readsAtCopied = new AtomicInteger();
        Report report = run(src, d, d.get(0), 2200L * 512 + 9, readsAtCopied, src, KcopydFlag.IGNORE_ERROR);
        assertEquals(List.of(new Report.Range(SRC_START + 2100, 3)), report.readErrors());
        Report.Destination bad = report.destinations().get(0);
        assertEquals(List.of(new Report.Mismatch(DST_START + 2200, 1, SRC_START + 2200)), bad.mismatches(),
                "the zeros where the source was unreadable are what was expected");
        assertNull(report.source().sha256(), "not the source's hash: some of it could not be read");
        assertEquals(1, report.exitCode());
    }
}
