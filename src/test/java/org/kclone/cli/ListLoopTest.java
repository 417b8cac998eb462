package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.DeviceInfo;
import org.kclone.device.LoopBacking;

/** {@code kclone list} shows what lies under each loop device (NOTES column, JSON "loop"), from made-up sysfs. */
class ListLoopTest {

    @TempDir
    Path dir;

    private static DeviceInfo dev(String name, String type, String parent, List<DeviceInfo> children) {
        return new DeviceInfo(name, "/dev/" + name, null, 8 << 20, type, null, null, null, false, false, 512, 512, 0,
                parent, List.of(), null, null, List.of(), false, children);
    }

    @Test
    void aLoopDeviceShowsItsBackingFileAndOffset() throws Exception {
        Path sys = dir.resolve("sys");
        Path loop = Files.createDirectories(sys.resolve("loop7").resolve("loop"));
        Files.writeString(loop.resolve("backing_file"), "/srv/d1.img\n");
        Files.writeString(loop.resolve("offset"), "1048576\n");
        Files.writeString(loop.resolve("sizelimit"), "0\n");
        LoopBacking loops = new LoopBacking(sys);
        DeviceInfo part = dev("loop7p1", "part", "loop7", List.of());
        DeviceInfo loop7 = dev("loop7", "loop", null, List.of(part));
        DeviceInfo sda = dev("sda", "disk", null, List.of());

        assertEquals("on /srv/d1.img from byte 1048576", ListCommand.notes(loop7, loops));
        assertEquals("", ListCommand.notes(part, loops));
        assertEquals("", ListCommand.notes(sda, loops));

        List<JsonNode> json = ListCommand.withLoops(List.of(loop7, sda), loops);
        assertEquals("/srv/d1.img", json.get(0).path("loop").path("backingFile").asText());
        assertEquals(1048576, json.get(0).path("loop").path("offset").asLong());
        assertEquals("loop7", json.get(0).path("name").asText(), "the lsblk fields stay");
        assertFalse(json.get(0).path("children").get(0).has("loop"));
        assertEquals("loop7p1", json.get(0).path("children").get(0).path("name").asText());
        assertFalse(json.get(1).has("loop"));
        assertTrue(json.get(1).has("serial"));
    }
}
