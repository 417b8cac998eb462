package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.ForwardingBlockDevice;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.testing.FaultyDevice;
import org.kclone.testing.MemoryDevice;

/**
 * After a source read error the report tells a source that went away (a pulled stick: not even the
 * first sector reads any more) from bad sectors (the rest still reads): only the latter is pointed
 * to --ignore-errors.
 */
class CloneRunSourceGoneTest {

    private static final int MIB = 1 << 20;
    private static final long COUNT = 2048; // 1 MiB from sector 8

    /** Reads until one touches byte {@code pulledAt}; from then on every read fails, as a removed device. */
    private static final class Pulled extends ForwardingBlockDevice {
        private final long pulledAt;
        private volatile boolean gone;

        Pulled(BlockDevice inner, long pulledAt) {
            super(inner);
            this.pulledAt = pulledAt;
        }

        @Override
        public void read(ByteBuffer dst, long position) throws IOException {
            if (gone || position + dst.remaining() > pulledAt) {
                gone = true;
                throw new IOException("No such device");
            }
            super.read(dst, position);
        }
    }

    private static Report copy(BlockDevice src) throws Exception {
        CopyPlanner.Plan plan = new CopyPlanner.Plan(new Endpoint("SOURCE", Path.of("/test/src.img"),
                Endpoint.Kind.IMAGE, null, 8, COUNT, 2L * MIB, 512), List.of(new Endpoint("DEST 1",
                Path.of("/test/d.img"), Endpoint.Kind.IMAGE, null, 0, COUNT, 2L * MIB, 512)), Map.of());
        CloneRun run = CloneRun.start(OpenedPlan.of(plan, src, List.of(new MemoryDevice("d", 2 * MIB))),
                new CloneRun.Settings(16, new KcopydConfig(64 << 10, 1), 0,
                        EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS), false),
                new CloneRun.Listener() { }, CloneRun::newClient, System::nanoTime);
        return run.await();
    }

    @Test
    void aSourceThatNoLongerReadsIsSaidToHaveStoppedAnswering() throws Exception {
        Report r = copy(new Pulled(MemoryDevice.random("src", 2 * MIB, 3), 8 * 512 + 300 * 1024));
        String error = r.destinations().get(0).error();
        assertTrue(error.endsWith("the job stopped when the source stopped answering (it does not read even its"
                + " first sector now: removed, or dead?)"), error);
        assertEquals(1, r.exitCode());
    }

    @Test
    void aBadFirstSectorIsABadSectorNotAGoneSource() throws Exception {
        Report r = copy(new FaultyDevice(MemoryDevice.random("src", 2 * MIB, 4)).badReadSectors(8, 1));
        String error = r.destinations().get(0).error();
        assertTrue(error.endsWith("the job stopped at a source read error (--ignore-errors goes past it)"), error);
        assertEquals(List.of(new Report.Range(8, 1)), r.readErrors());
    }
}
