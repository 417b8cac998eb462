package org.kclone.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kclone.testing.MemoryDevice;

/**
 * Random sources, offsets, lengths (mostly not multiples of the chunk), 1 to 16 destinations,
 * random page budgets and chunk sizes: every destination region equals the source region, and
 * every byte outside the regions is untouched. A failure names its seed; replay it with
 * {@code -Dkclone.seed=N}.
 */
class KcopydRandomizedTest {

    private static final int ROUNDS = Integer.getInteger("kclone.rounds", 150);

    @Test
    void randomCopiesAreExactAndTouchNothingElse() throws Exception {
        Long fixed = Long.getLong("kclone.seed");
        long master = fixed != null ? fixed : System.nanoTime();
        Random seeds = new Random(master);
        int rounds = fixed != null ? 1 : ROUNDS;
        for (int round = 0; round < rounds; round++) {
            long seed = fixed != null ? fixed : seeds.nextLong();
            try {
                oneRound(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("failed with seed " + seed + " (replay: -Dkclone.seed=" + seed + "): "
                        + e.getMessage(), e);
            }
        }
    }

    private static void oneRound(long seed) throws Exception {
        Random r = new Random(seed);
        int chunkBytes = 4096 * (1 + r.nextInt(64));            // 4 KiB .. 256 KiB
        int pagesPerChunk = chunkBytes / 4096;
        int pages = pagesPerChunk * (1 + r.nextInt(6)) + r.nextInt(pagesPerChunk); // 1..6 chunks, not a multiple
        int inFlight = 1 + r.nextInt(8);
        KcopydClient client = KcopydClient.create(pages, new KcopydConfig(chunkBytes, inFlight));
        try {
            long count = r.nextInt(4) == 0 ? r.nextInt(8) : 1 + r.nextInt(6000); // sectors, up to ~3 MiB
            int srcSize = (int) (count + r.nextInt(300)) * 512 + r.nextInt(2) * 512;
            MemoryDevice src = MemoryDevice.random("src", srcSize, r.nextLong());
            long srcStart = r.nextInt((int) (srcSize / 512 - count + 1));
            int n = 1 + r.nextInt(16);
            List<MemoryDevice> devices = new ArrayList<>();
            List<byte[]> before = new ArrayList<>();
            List<IoRegion> dests = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int size = (int) (count + r.nextInt(300)) * 512;
                MemoryDevice d = MemoryDevice.random("d" + i, size, r.nextLong());
                devices.add(d);
                before.add(d.bytes());
                dests.add(new IoRegion(d, r.nextInt((int) (size / 512 - count + 1)), count));
            }
            KcopydJob job = client.copy(new IoRegion(src, srcStart, count), dests, EnumSet.noneOf(KcopydFlag.class),
                    (re, we, res) -> { });
            JobResult result = job.await(60, TimeUnit.SECONDS);
            assertTrue(result.succeeded(), "result " + result);
            assertEquals(count * 512, result.bytesCopied());
            assertTrue(client.maxPagesInUse() <= pages, "pages " + client.maxPagesInUse() + " > " + pages);
            byte[] expected = src.bytes(srcStart * 512, (srcStart + count) * 512);
            for (int i = 0; i < n; i++) {
                IoRegion d = dests.get(i);
                byte[] after = devices.get(i).bytes();
                byte[] want = before.get(i).clone();
                System.arraycopy(expected, 0, want, (int) d.byteOffset(), expected.length);
                assertArrayEquals(want, after, "destination " + i + " " + d + " (chunk " + chunkBytes + ", pages "
                        + pages + ", in flight " + inFlight + ")");
            }
        } finally {
            client.destroy();
        }
    }
}
