package org.kclone.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.IntPredicate;

/**
 * The end of a job: flushes each device that holds a destination still standing, all devices at
 * once (a batch of sticks flushes in the time of the slowest, not the sum). A failed flush fails
 * every destination on that device: its writes were never durable.
 */
final class Flushes {
    private Flushes() {
    }

    /**
     * @param failed whether destination {@code d} has already failed (not flushed)
     * @param onFailure told each destination whose device's flush failed, with the error
     */
    static void flushAll(List<IoRegion> dests, IntPredicate failed, BiConsumer<Integer, Exception> onFailure,
            Executor io) {
        Map<BlockDevice, List<Integer>> byDevice = new IdentityHashMap<>();
        for (int d = 0; d < dests.size(); d++) {
            if (!failed.test(d)) {
                byDevice.computeIfAbsent(dests.get(d).device(), k -> new ArrayList<>()).add(d);
            }
        }
        List<CompletableFuture<Void>> flushes = new ArrayList<>();
        for (Map.Entry<BlockDevice, List<Integer>> e : byDevice.entrySet()) {
            flushes.add(CompletableFuture.runAsync(() -> {
                try {
                    e.getKey().flush();
                } catch (IOException | RuntimeException ex) {
                    e.getValue().forEach(d -> onFailure.accept(d, ex));
                }
            }, io));
        }
        CompletableFuture.allOf(flushes.toArray(new CompletableFuture[0])).join();
    }
}
