package org.kclone.device.used;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kclone.device.fs.Extent;
import org.kclone.device.fs.FsUsage;
import org.kclone.device.verify.DigestVerifier;
import org.kclone.device.verify.SourceHasher;
import org.kclone.engine.IoRegion;
import org.kclone.engine.JobResult;
import org.kclone.engine.KcopydClient;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.engine.ProgressListener;
import org.kclone.engine.SectorRange;
import org.kclone.testing.MemoryDevice;

/** A used-blocks-only copy hashed while copied and verified over the copied extents only. */
class UsedCopyTest {

    private static final int MIB = 1 << 20;

    /** The whole region is one file system using 64 KiB at 0, 128 KiB at 2 MiB and 4 KiB at 5 MiB. */
    private static final UsageProbe PROBE = src -> Optional.of(new FsUsage("ext4", src.length(),
            List.of(new Extent(0, 65536), new Extent(2 * MIB, 131072), new Extent(5 * MIB, 4096))));

    @Test
    void verificationComparesTheCopiedExtentsAndNamesAMismatchAtItsRegionSector() throws Exception {
        MemoryDevice src = MemoryDevice.random("src", 8 * MIB, 5);
        MemoryDevice d1 = new MemoryDevice("d1", 8 * MIB);
        MemoryDevice d2 = new MemoryDevice("d2", 9 * MIB);
        IoRegion from = new IoRegion(src, 0, 16384);
        List<IoRegion> to = List.of(new IoRegion(d1, 0, 16384), new IoRegion(d2, 2048, 16384));
        UsedCopy used = UsedCopy.plan(from, from.byteLength(), 512, false, PROBE);
        assertEquals(List.of(new SectorRange(0, 128), new SectorRange(4096, 256), new SectorRange(10240, 8)),
                used.extents().ranges());
        KcopydClient client = KcopydClient.create(256, new KcopydConfig(64 * 1024, 4));
        SourceHasher hasher = used.hasher(true);
        try {
            JobResult r = client.copy(from, to, used.extents(), EnumSet.noneOf(KcopydFlag.class), (a, b, c) -> { },
                    ProgressListener.NONE, used.observer(hasher)).await(60, TimeUnit.SECONDS);
            assertTrue(r.succeeded());
            assertTrue(hasher.complete(), hasher.toString());
            // d2: a byte changed inside the copied extent at 2 MiB (region sector 4100) and one in skipped space
            d2.write(ByteBuffer.wrap(new byte[] {(byte) ~d2.bytes(2048 * 512 + 4100 * 512, 2048 * 512 + 4100 * 512 + 1)[0]}),
                    2048 * 512 + 4100 * 512);
            d2.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 2048 * 512 + 3 * MIB);
            DigestVerifier.Verified v = used.verify(hasher, from, true, to, List.of(), b -> { }, () -> false);
            assertTrue(v.result().destinations().get(0).ok(), v.result().toString());
            assertEquals(List.of(new SectorRange(4100, 1)), v.result().destinations().get(1).mismatches());
            assertNull(v.sha256().get(0), "no SHA-256 of the extents end to end passes for the region's");
        } finally {
            hasher.close();
            client.destroy();
        }
        assertEquals(16384L * 512 - used.bytes(), used.report().skippedBytes());
        assertEquals("ext4", used.report().areas().get(0).type());
    }

    @Test
    void compactOffsetsMapBothWays() {
        CompactView v = new CompactView(org.kclone.engine.Extents.of(List.of(new SectorRange(8, 8),
                new SectorRange(100, 16))));
        assertEquals(24, v.sectors());
        assertEquals(0, v.toCompact(8 * 512));
        assertEquals(8 * 512 + 10, v.toCompact(100 * 512 + 10));
        assertEquals(100 * 512 + 10, v.toRegion(8 * 512 + 10));
        assertEquals(List.of(new SectorRange(14, 2), new SectorRange(100, 3)), v.toRegion(List.of(new SectorRange(6, 5))));
        assertEquals(List.of(new SectorRange(8, 2)), v.toCompact(List.of(new SectorRange(1000 + 98, 4)), 1000));
    }
}
