package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel's identities of loop devices' backing files: losetup's JSON read by device name, one
 * losetup call per {@link LoopBacking} (so one per planning pass, its claims included), empty where
 * losetup is missing or fails. No root: the listing is a counting fake, or a shell printing JSON.
 */
class LoopKernelIdsTest {

    private static final String TWO = "{\"loopdevices\": [{\"name\": \"/dev/loop0\", \"back-ino\": 2146568,"
            + " \"back-maj:min\": \"     254:0  \"}, {\"name\": \"/dev/loop12\", \"back-ino\": \"77\","
            + " \"back-maj:min\": \"8:1\"}]}";

    @TempDir
    Path dir;

    @Test
    void everyDeviceOfTheListingIsReadByItsKernelName() throws Exception {
        assertEquals(Map.of("loop0", new LoopBacking.FileId(65024, 2146568), "loop12", new LoopBacking.FileId(2049, 77)),
                LoopKernelIds.parse(TWO));
    }

    @Test
    void aDeviceWithoutAnIdentityIsLeftOutAndTheOthersKept() throws Exception {
        String json = "{\"loopdevices\": [{\"name\": \"/dev/loop1\", \"back-ino\": null, \"back-maj:min\": \"8:1\"},"
                + " {\"name\": \"/dev/loop2\", \"back-ino\": 5, \"back-maj:min\": null},"
                + " {\"name\": \"/dev/loop3\", \"back-ino\": 5, \"back-maj:min\": \"81\"},"
                + " {\"name\": \"/dev/loop4\", \"back-ino\": \"x\", \"back-maj:min\": \"8:1\"},"
                + " {\"name\": \"/dev/loop5\", \"back-maj:min\": \"8:1\"},"
                + " {\"back-ino\": 5, \"back-maj:min\": \"8:1\"},"
                + " {\"name\": \"/dev/loop6\", \"back-ino\": 6, \"back-maj:min\": \"0:40\"}]}";
        assertEquals(Map.of("loop6", new LoopBacking.FileId(40, 6)), LoopKernelIds.parse(json));
        assertEquals(Map.of(), LoopKernelIds.parse("{}"));
        assertEquals(Map.of(), LoopKernelIds.parse("{\"loopdevices\": {}}"));
    }

    @Test
    void theListingIsWhatTheCommandPrintsAndEmptyWhereItCannotBeHad() {
        assertEquals(LoopKernelIds.LOSETUP.get(0), "losetup");
        assertEquals(Map.of("loop0", new LoopBacking.FileId(65024, 2146568), "loop12", new LoopBacking.FileId(2049, 77)),
                LoopKernelIds.list(List.of("sh", "-c", "printf '%s' \"$0\"", TWO)));
        assertEquals(Map.of(), LoopKernelIds.list(List.of("sh", "-c", "printf '%s' \"$0\"; exit 1", TWO)),
                "losetup failed (not root, an old util-linux): what it printed is not trusted");
        assertEquals(Map.of(), LoopKernelIds.list(List.of("true")), "no loop device attached: nothing printed");
        assertEquals(Map.of(), LoopKernelIds.list(List.of(dir.resolve("no-losetup").toString())), "no losetup here");
        assertEquals(Map.of(), LoopKernelIds.list(List.of("sh", "-c", "echo '{not json'")), "garbled output");
    }

    @Test
    void anInterruptedCallerGetsNoIdentitiesAndKeepsItsInterrupt() {
        // closes its output at once, then runs on: the wait for its end is what the interrupt cuts short
        List<String> lingering = List.of("sh", "-c", "printf '%s' \"$0\"; exec >&-; exec sleep 30", TWO);
        Thread.currentThread().interrupt();
        try {
            assertEquals(Map.of(), LoopKernelIds.list(lingering));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller to see");
        } finally {
            Thread.interrupted();
        }
    }

    /** A listing that counts how often it is asked. */
    private static Supplier<Map<String, LoopBacking.FileId>> counting(AtomicInteger asked,
            Map<String, LoopBacking.FileId> ids) {
        return () -> {
            asked.incrementAndGet();
            return ids;
        };
    }

    private static void sysLoop(Path sys, String name, Path backing) throws IOException {
        Path d = Files.createDirectories(sys.resolve(name).resolve("loop"));
        Files.writeString(d.resolve("backing_file"), backing + "\n");
        Files.writeString(d.resolve("offset"), "0\n");
        Files.writeString(d.resolve("sizelimit"), "0\n");
    }

    @Test
    void oneLoopBackingAsksTheKernelOnceWhateverItIsAskedAbout() throws Exception {
        Path sys = dir.resolve("sys");
        Path a = Files.write(dir.resolve("a.img"), new byte[512]);
        Path b = Files.write(dir.resolve("b.img"), new byte[512]);
        sysLoop(sys, "loop3", a);
        sysLoop(sys, "loop4", b);
        LoopBacking.FileId kernelA = new LoopBacking.FileId(1, 2);
        AtomicInteger asked = new AtomicInteger();
        LoopBacking loops = new LoopBacking(sys, LoopBacking.listedOnce(counting(asked, Map.of("loop3", kernelA))));
        assertEquals(0, asked.get(), "nothing is asked before a loop device is looked up");
        assertEquals(kernelA, loops.of("loop3").orElseThrow().id(), "the kernel's identity where it gave one");
        assertEquals(LoopBacking.idOf(b), loops.of("loop4").orElseThrow().id(), "else the printed path's");
        for (String name : loops.loopNames()) {
            loops.of(name);
        }
        assertEquals(Optional.empty(), loops.of("loop9"));
        assertEquals(1, asked.get(), "one listing for every loop device this LoopBacking looked at");

        LoopBacking next = new LoopBacking(sys, LoopBacking.listedOnce(counting(asked, Map.of())));
        assertEquals(LoopBacking.idOf(a), next.of("loop3").orElseThrow().id(), "another pass sees the kernel anew");
        assertEquals(2, asked.get());
    }

    private static List<Path> loopNodes(int n) throws IOException {
        return org.kclone.testing.BlockNodes.some(n);
    }

    @Test
    void aPlanCarriesTheLoopBackingItWasPlannedWithSoOnePassAsksOnce() throws Exception {
        List<Path> nodes = loopNodes(2);
        Path sys = dir.resolve("sys");
        Path a = Files.write(dir.resolve("a.img"), new byte[1 << 20]);
        Path b = Files.write(dir.resolve("b.img"), new byte[1 << 20]);
        String n0 = nodes.get(0).getFileName().toString();
        String n1 = nodes.get(1).getFileName().toString();
        sysLoop(sys, n0, a);
        sysLoop(sys, n1, b);
        AtomicInteger asked = new AtomicInteger();
        LoopBacking loops = new LoopBacking(sys, LoopBacking.listedOnce(counting(asked, Map.of())));
        List<DeviceInfo> lsblk = List.of(loopDev(n0, nodes.get(0)), loopDev(n1, nodes.get(1)));
        CopyPlanner.Plan p = new CopyPlanner(lsblk, CopyPlanner.Options.NONE, loops).copy(
                RegionSpec.parse("SOURCE", nodes.get(0).toString()), List.of(RegionSpec.parse("DEST 1",
                        nodes.get(1).toString())));
        assertSame(loops, p.loops(), "the plan's claims look where the planner looked");
        assertEquals(Map.of("SOURCE", a, "DEST 1", b), Map.of("SOURCE", p.loopsUnder().get("SOURCE").file(),
                "DEST 1", p.loopsUnder().get("DEST 1").file()), "what lies under each, from the planner's sysfs");
        assertEquals(1, asked.get(), "guards and what lies under each endpoint: one listing");
    }

    private static DeviceInfo loopDev(String name, Path node) {
        return new DeviceInfo(name, node.toString(), null, 1 << 20, "loop", null, null, null, false, false, 512, 512,
                0, null, List.of(), null, null, List.of(), false, List.of());
    }
}
