package org.kclone.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.kclone.engine.Extents;
import org.kclone.engine.FileBlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.JobResult;
import org.kclone.engine.KcopydClient;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.engine.ProgressListener;
import org.kclone.engine.SectorRange;

/**
 * How {@link Extents#READ_THROUGH_BYTES} was chosen: copies extents of EXTENT bytes separated by
 * gaps of G bytes, once skipping the gaps (one small chunk per extent) and once reading through
 * them (the gaps copied too), for several G; prints the seconds of each. Not a test; run by hand
 * on loop devices (README "Used blocks only"):
 *
 * <pre>java -cp target/classes:target/test-classes:target/lib/* org.kclone.bench.ExtentGapBenchmark SRC DST...</pre>
 */
public final class ExtentGapBenchmark {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ExtentGapBenchmark SOURCE DEST...");
            System.exit(2);
        }
        long[] extents = {16 << 10, 64 << 10};
        long[] gaps = {16 << 10, 64 << 10, 256 << 10, 1 << 20};
        try (FileBlockDevice src = FileBlockDevice.open(Path.of(args[0]), false)) {
            List<FileBlockDevice> dests = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                dests.add(FileBlockDevice.open(Path.of(args[i]), true));
            }
            long sectors = src.size() / 512;
            System.out.printf("%d MiB from %s to %d destination(s), O_DIRECT %s%n", src.size() >> 20, args[0],
                    dests.size(), src.directIo());
            System.out.printf("%8s %8s %10s %12s%n", "extent", "gap", "skip s", "through s");
            for (long extent : extents) {
                for (long gap : gaps) {
                    List<SectorRange> ranges = new ArrayList<>();
                    for (long at = 0; at + extent <= sectors * 512; at += extent + gap) {
                        ranges.add(new SectorRange(at / 512, extent / 512));
                    }
                    Extents skip = Extents.of(ranges);
                    Extents through = skip.bridged(gap / 512);
                    double a = time(src, dests, sectors, skip);
                    double b = time(src, dests, sectors, through);
                    System.out.printf("%7dK %7dK %10.2f %12.2f%n", extent >> 10, gap >> 10, a, b);
                }
            }
            for (FileBlockDevice d : dests) {
                d.close();
            }
        }
    }

    private static double time(FileBlockDevice src, List<FileBlockDevice> dests, long sectors, Extents e)
            throws Exception {
        KcopydClient client = KcopydClient.create(KcopydConfig.DEFAULT.pagesPerChunk() * 8);
        try {
            long t0 = System.nanoTime();
            JobResult r = client.copy(new IoRegion(src, 0, sectors),
                    dests.stream().map(d -> new IoRegion(d, 0, sectors)).toList(), e,
                    EnumSet.noneOf(KcopydFlag.class), (x, y, z) -> { }, ProgressListener.NONE, null).await();
            if (!r.succeeded()) {
                throw new IllegalStateException("copy failed: " + r);
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            client.destroy();
        }
    }
}
