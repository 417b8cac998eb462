package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The check after the confirmation also compares what lies under a loop device (W4: its backing
 * file swapped for another of the same size) and whether a destination is mounted or held (W5:
 * under --force the fresh plan passes the guards, so this is what notices a mount meanwhile).
 */
class PlanRecheckLoopTest {

    private static DeviceInfo loop(List<String> mounts, List<String> holders) {
        return new DeviceInfo("loop13", "/dev/loop13", null, 8 << 20, "loop", null, null, null, false, false, 512, 512,
                0, null, mounts, null, null, holders, false, List.of());
    }

    private static Endpoint dest(DeviceInfo d) {
        return new Endpoint("DEST 1", Path.of("/dev/loop13"), Endpoint.Kind.BLOCK, d, 0, 2048, 8 << 20, 512);
    }

    private static LoopBacking.Backing on(String file, long inode, long offset) {
        return new LoopBacking.Backing(Path.of(file), new LoopBacking.FileId(65024, inode), offset, 0);
    }

    private static CopyPlanner.Plan plan(DeviceInfo d, LoopBacking.Backing b) {
        return new CopyPlanner.Plan(null, List.of(dest(d)), b == null ? Map.of() : Map.of("DEST 1", b));
    }

    @Test
    void aLoopDeviceOnAnotherFileOfTheSameSizeIsAnotherDevice() {
        DeviceInfo free = loop(List.of(), List.of());
        CopyPlanner.Plan shown = plan(free, on("/tmp/sw8.img", 11, 0));
        assertDoesNotThrow(() -> plan(free, on("/tmp/sw8.img", 11, 0)).checkUnchangedSince(shown));
        RefusedException e = assertThrows(RefusedException.class,
                () -> plan(free, on("/tmp/sw8b.img", 12, 0)).checkUnchangedSince(shown));
        assertEquals("DEST 1", e.field());
        assertTrue(e.reason().startsWith("/dev/loop13 is another device now (a loop device on /tmp/sw8.img (inode 11)"
                + " then, on /tmp/sw8b.img (inode 12) now)"), e.reason());
        assertTrue(e.reason().endsWith("nothing was written"), e.reason());
        // the same file under another name (renamed meanwhile) is the same storage
        assertDoesNotThrow(() -> plan(free, on("/tmp/renamed.img", 11, 0)).checkUnchangedSince(shown));
        // the same file from another offset is not
        assertThrows(RefusedException.class, () -> plan(free, on("/tmp/sw8.img", 11, 4096)).checkUnchangedSince(shown));
        // detached and attached again as a loop device on nothing known / a loop device on a file now
        assertThrows(RefusedException.class, () -> plan(free, null).checkUnchangedSince(shown));
        assertThrows(RefusedException.class, () -> shown.checkUnchangedSince(plan(free, null)));
    }

    @Test
    void aMountOrHolderThatAppearedOrWentAfterTheConfirmationIsRefused() {
        CopyPlanner.Plan free = plan(loop(List.of(), List.of()), null);
        CopyPlanner.Plan mounted = plan(loop(List.of("/mnt/x"), List.of()), null);
        CopyPlanner.Plan held = plan(loop(List.of(), List.of("dm-0")), null);
        RefusedException e = assertThrows(RefusedException.class, () -> mounted.checkUnchangedSince(free));
        assertEquals("/dev/loop13 is mounted at /mnt/x now (it was not in use when you confirmed); nothing was written",
                e.reason());
        RefusedException h = assertThrows(RefusedException.class, () -> held.checkUnchangedSince(free));
        assertTrue(h.reason().startsWith("/dev/loop13 is held by dm-0 now"), h.reason());
        RefusedException gone = assertThrows(RefusedException.class, () -> free.checkUnchangedSince(mounted));
        assertTrue(gone.reason().contains("it was mounted at /mnt/x when you confirmed"), gone.reason());
        assertThrows(RefusedException.class,
                () -> plan(loop(List.of("/mnt/y"), List.of()), null).checkUnchangedSince(mounted));
        assertDoesNotThrow(() -> plan(loop(List.of("/mnt/x"), List.of()), null).checkUnchangedSince(mounted));
    }

    @Test
    void aPartitionMovedOnItsDiskNamesTheStartThatChanged() {
        DeviceInfo at2048 = new DeviceInfo("loop14p1", "/dev/loop14p1", null, 4 << 20, "part", null, null, null, false,
                false, 512, 512, 2048, "loop14", List.of(), null, null, List.of(), false, List.of());
        DeviceInfo at4096 = new DeviceInfo("loop14p1", "/dev/loop14p1", null, 4 << 20, "part", null, null, null, false,
                false, 512, 512, 4096, "loop14", List.of(), null, null, List.of(), false, List.of());
        Endpoint shown = new Endpoint("DEST 1", Path.of("/dev/loop14p1"), Endpoint.Kind.BLOCK, at2048, 0, 2048, 4 << 20,
                512);
        Endpoint now = new Endpoint("DEST 1", Path.of("/dev/loop14p1"), Endpoint.Kind.BLOCK, at4096, 0, 2048, 4 << 20,
                512);
        RefusedException e = assertThrows(RefusedException.class, () -> new CopyPlanner.Plan(null, List.of(now),
                Map.of()).checkUnchangedSince(new CopyPlanner.Plan(null, List.of(shown), Map.of())));
        assertEquals("/dev/loop14p1 is another device now (it starts at sector 4096 of its disk, it started at sector"
                + " 2048 when you confirmed); nothing was written", e.reason());
    }
}
