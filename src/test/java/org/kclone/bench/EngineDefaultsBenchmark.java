package org.kclone.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.kclone.engine.FileBlockDevice;
import org.kclone.engine.IoRegion;
import org.kclone.engine.JobResult;
import org.kclone.engine.KcopydClient;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;

/**
 * How the engine's defaults (chunk size, chunks in flight) were chosen: copies one device to N
 * devices for each combination and prints MB/s. Not a test (no timing is asserted anywhere);
 * run by hand on loop devices, see README "Engine defaults":
 *
 * <pre>java -cp target/classes:target/test-classes:target/lib/* org.kclone.bench.EngineDefaultsBenchmark SRC DST...</pre>
 */
public final class EngineDefaultsBenchmark {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: EngineDefaultsBenchmark SOURCE DEST...");
            System.exit(2);
        }
        int[] chunks = {256 << 10, 512 << 10, 1 << 20, 2 << 20, 4 << 20};
        int[] depths = {1, 2, 4, 8, 16};
        try (FileBlockDevice src = FileBlockDevice.open(Path.of(args[0]), false)) {
            List<FileBlockDevice> dests = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                dests.add(FileBlockDevice.open(Path.of(args[i]), true));
            }
            long sectors = src.size() / 512;
            System.out.printf("%d MiB from %s to %d destination(s), O_DIRECT %s%n", src.size() >> 20, args[0],
                    dests.size(), src.directIo());
            System.out.printf("%10s %6s %10s%n", "chunk", "depth", "MB/s");
            for (int chunk : chunks) {
                for (int depth : depths) {
                    KcopydConfig config = new KcopydConfig(chunk, depth);
                    KcopydClient client = KcopydClient.create(config.pagesPerChunk() * depth, config);
                    long t0 = System.nanoTime();
                    JobResult r = client.copy(new IoRegion(src, 0, sectors),
                            dests.stream().map(d -> new IoRegion(d, 0, sectors)).toList(),
                            EnumSet.noneOf(KcopydFlag.class), (a, b, c) -> { }).await();
                    double s = (System.nanoTime() - t0) / 1e9;
                    client.destroy();
                    if (!r.succeeded()) {
                        throw new IllegalStateException("copy failed: " + r);
                    }
                    System.out.printf("%9dK %6d %10.0f%n", chunk >> 10, depth, src.size() / s / 1e6);
                }
            }
            cancelLatency(src, dests, sectors);
            for (FileBlockDevice d : dests) {
                d.close();
            }
        }
    }

    /** Cancels a default-configured copy half a second in and prints how long the job took to end. */
    private static void cancelLatency(FileBlockDevice src, List<FileBlockDevice> dests, long sectors)
            throws Exception {
        KcopydClient client = KcopydClient.create(KcopydConfig.DEFAULT.pagesPerChunk() * 8);
        try {
            for (int i = 0; i < 3; i++) {
                var job = client.copy(new IoRegion(src, 0, sectors),
                        dests.stream().map(d -> new IoRegion(d, 0, sectors)).toList(),
                        EnumSet.noneOf(KcopydFlag.class), (a, b, c) -> { });
                Thread.sleep(500);
                long t0 = System.nanoTime();
                job.cancel();
                JobResult r = job.await();
                System.out.printf("cancel after 0.5 s: ended %.0f ms later (cancelled %s, %d MiB copied, flush included)%n",
                        (System.nanoTime() - t0) / 1e6, r.cancelled(), r.bytesCopied() >> 20);
            }
        } finally {
            client.destroy();
        }
    }
}
