package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
