package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check made after the confirmation: is every target still what the person was shown? */
class PlanRecheckTest {

    @TempDir
    Path dir;

    private static Endpoint block(String field, String serial, long size) {
        DeviceInfo d = new DeviceInfo("sdc", "/dev/sdc", null, size, "disk", "Stick", serial, "usb", true, false, 512,
                512, 0, null, List.of(), null, null, List.of(), false, List.of());
        return new Endpoint(field, Path.of("/dev/sdc"), Endpoint.Kind.BLOCK, d, 0, 2048, size, 512);
    }

    private static Endpoint image(String field, Path p, Endpoint.Kind kind, long size) {
        return new Endpoint(field, p, kind, null, 0, 2048, size, 512);
    }

    @Test
    void theSamePlanPasses() {
        Path src = dir.resolve("src.img");
        CopyPlanner.Plan a = new CopyPlanner.Plan(image("SOURCE", src, Endpoint.Kind.IMAGE, 1 << 20),
                List.of(block("DEST 1", "A1", 1 << 30)));
        CopyPlanner.Plan b = new CopyPlanner.Plan(image("SOURCE", src, Endpoint.Kind.IMAGE, 1 << 20),
                List.of(block("DEST 1", "A1", 1 << 30)));
        assertDoesNotThrow(() -> b.checkUnchangedSince(a));
    }

    @Test
    void anotherStickBehindTheSamePathIsRefused() {
        Path src = dir.resolve("src.img");
        CopyPlanner.Plan shown = new CopyPlanner.Plan(image("SOURCE", src, Endpoint.Kind.IMAGE, 1 << 20),
                List.of(block("DEST 1", "A1", 1 << 30)));
        CopyPlanner.Plan now = new CopyPlanner.Plan(image("SOURCE", src, Endpoint.Kind.IMAGE, 1 << 20),
                List.of(block("DEST 1", "B2", 1 << 30)));
        RefusedException e = assertThrows(RefusedException.class, () -> now.checkUnchangedSince(shown));
        assertEquals("DEST 1", e.field());
        assertTrue(e.reason().contains("another device now"), e.reason());
        assertTrue(e.reason().contains("nothing was written"), e.reason());
    }

    @Test
    void aSourceThatChangedSizeIsRefused() {
        Path src = dir.resolve("src.img");
        CopyPlanner.Plan shown = new CopyPlanner.Plan(image("SOURCE", src, Endpoint.Kind.IMAGE, 1 << 20),
                List.of(block("DEST 1", "A1", 1 << 30)));
        CopyPlanner.Plan now = new CopyPlanner.Plan(image("SOURCE", src, Endpoint.Kind.IMAGE, 2 << 20),
                List.of(block("DEST 1", "A1", 1 << 30)));
        RefusedException e = assertThrows(RefusedException.class, () -> now.checkUnchangedSince(shown));
        assertEquals("SOURCE", e.field());
        assertTrue(e.reason().contains("changed size"), e.reason());
    }

    @Test
    void aNewImageThatAppearedMeanwhileIsRefused() throws Exception {
        Path src = dir.resolve("src.img");
        Path out = dir.resolve("out.img");
        Files.write(out, new byte[512]);
        CopyPlanner.Plan shown = new CopyPlanner.Plan(image("SOURCE", src, Endpoint.Kind.IMAGE, 1 << 20),
                List.of(image("DEST 1", out, Endpoint.Kind.NEW_IMAGE, 0)));
        CopyPlanner.Plan now = new CopyPlanner.Plan(image("SOURCE", src, Endpoint.Kind.IMAGE, 1 << 20),
                List.of(image("DEST 1", out, Endpoint.Kind.IMAGE, 512)));
        RefusedException e = assertThrows(RefusedException.class, () -> now.checkUnchangedSince(shown));
        assertTrue(e.reason().contains("appeared after the confirmation"), e.reason());
    }

    @Test
    void aChangedRegionIsRefused() {
        Path src = dir.resolve("src.img");
        Endpoint moved = new Endpoint("DEST 1", Path.of("/dev/sdc"), Endpoint.Kind.BLOCK,
                block("DEST 1", "A1", 1 << 30).device(), 8, 2048, 1 << 30, 512);
        CopyPlanner.Plan shown = new CopyPlanner.Plan(image("SOURCE", src, Endpoint.Kind.IMAGE, 1 << 20),
                List.of(block("DEST 1", "A1", 1 << 30)));
        CopyPlanner.Plan now = new CopyPlanner.Plan(image("SOURCE", src, Endpoint.Kind.IMAGE, 1 << 20),
                List.of(moved));
        RefusedException e = assertThrows(RefusedException.class, () -> now.checkUnchangedSince(shown));
        assertTrue(e.reason().contains("region changed"), e.reason());
    }
    private static Endpoint used(String field, List<String> mountpoints, List<String> holders) {
        DeviceInfo d = new DeviceInfo("sdc", "/dev/sdc", null, 1 << 30, "disk", "Stick", "A1", "usb", true, false, 512,
                512, 0, null, mountpoints, null, null, holders, false, List.of());
        return new Endpoint(field, Path.of("/dev/sdc"), Endpoint.Kind.BLOCK, d, 0, 2048, 1 << 30, 512);
    }

    private CopyPlanner.Plan plan(Map<String, LoopBacking.Backing> loops, Endpoint... dests) {
        return new CopyPlanner.Plan(image("SOURCE", dir.resolve("src.img"), Endpoint.Kind.IMAGE, 1 << 20),
                List.of(dests), loops);
    }

    @Test
    void aDestinationLessOrMoreThanConfirmedIsRefused() {
        Path out = dir.resolve("out.img");
        CopyPlanner.Plan two = plan(Map.of(), block("DEST 1", "A1", 1 << 30),
                image("DEST 2", out, Endpoint.Kind.NEW_IMAGE, 0));
        CopyPlanner.Plan one = plan(Map.of(), block("DEST 1", "A1", 1 << 30));
        for (CopyPlanner.Plan[] p : new CopyPlanner.Plan[][] {{two, one}, {one, two}}) {
            RefusedException e = assertThrows(RefusedException.class, () -> p[1].checkUnchangedSince(p[0]));
            assertEquals("DEST", e.field());
            assertEquals("the destinations changed after the confirmation; nothing was written", e.reason());
        }
    }

    @Test
    void aSourceLoopDeviceNowOnAnotherFileIsRefusedNamingTheSource() {
        Path a = dir.resolve("a.img");
        Path b = dir.resolve("b.img");
        Endpoint dest = image("DEST 1", dir.resolve("out.img"), Endpoint.Kind.IMAGE, 1 << 20);
        CopyPlanner.Plan shown = plan(Map.of("SOURCE", new LoopBacking.Backing(a, null, 0, 0)), dest);
        CopyPlanner.Plan now = plan(Map.of("SOURCE", new LoopBacking.Backing(b, null, 0, 0)), dest);
        RefusedException e = assertThrows(RefusedException.class, () -> now.checkUnchangedSince(shown));
        assertEquals("SOURCE", e.field());
        assertEquals(dir.resolve("src.img") + " is another device now (a loop device on " + a + " then, on " + b
                + " now); nothing was written", e.reason());
        assertDoesNotThrow(() -> plan(Map.of("SOURCE", new LoopBacking.Backing(a, null, 0, 0)), dest)
                .checkUnchangedSince(shown));
    }

    @Test
    void aZeroPlanIsCheckedOnItsDestinationsAlone() {
        Endpoint dest = block("DEST 1", "A1", 1 << 30);
        CopyPlanner.Plan shown = new CopyPlanner.Plan(null, List.of(dest), Map.of());
        assertDoesNotThrow(() -> new CopyPlanner.Plan(null, List.of(block("DEST 1", "A1", 1 << 30)), Map.of())
                .checkUnchangedSince(shown));
        RefusedException e = assertThrows(RefusedException.class, () -> new CopyPlanner.Plan(null,
                List.of(block("DEST 1", "B2", 1 << 30)), Map.of()).checkUnchangedSince(shown));
        assertEquals("DEST 1", e.field());
    }

    @Test
    void aDestinationMountedOrHeldSinceOrNoLongerIsRefusedSayingBoth() {
        Endpoint free = used("DEST 1", List.of(), List.of());
        Endpoint mounted = used("DEST 1", List.of("/mnt/stick"), List.of());
        Endpoint held = used("DEST 1", List.of(), List.of("dm-0"));
        RefusedException nowMounted = assertThrows(RefusedException.class,
                () -> plan(Map.of(), mounted).checkUnchangedSince(plan(Map.of(), free)));
        assertEquals("DEST 1", nowMounted.field());
        assertEquals("/dev/sdc is mounted at /mnt/stick now (it was not in use when you confirmed); nothing was"
                + " written", nowMounted.reason());
        RefusedException noLonger = assertThrows(RefusedException.class,
                () -> plan(Map.of(), free).checkUnchangedSince(plan(Map.of(), held)));
        assertEquals("/dev/sdc is no longer in use now (it was held by dm-0 when you confirmed); nothing was"
                + " written", noLonger.reason());
        assertDoesNotThrow(() -> plan(Map.of(), used("DEST 1", List.of("/mnt/stick"), List.of()))
                .checkUnchangedSince(plan(Map.of(), mounted)), "mounted then and now, as confirmed");
    }

    @Test
    void aRegionOfAnotherLengthIsRefused() {
        Endpoint shorter = new Endpoint("DEST 1", Path.of("/dev/sdc"), Endpoint.Kind.BLOCK,
                block("DEST 1", "A1", 1 << 30).device(), 0, 1024, 1 << 30, 512);
        RefusedException e = assertThrows(RefusedException.class,
                () -> plan(Map.of(), shorter).checkUnchangedSince(plan(Map.of(), block("DEST 1", "A1", 1 << 30))));
        assertEquals("/dev/sdc its region changed after the confirmation; nothing was written", e.reason());
    }
}
