package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lsblk's JSON in its odd shapes, the by-id names, and flattening. */
class LsblkUnitTest {

    @TempDir
    Path dir;

    @Test
    void missingFieldsTakeTheirDefaults() throws Exception {
        List<DeviceInfo> roots = Lsblk.parse("{\"blockdevices\":[{\"name\":\"vdz\",\"type\":\"disk\",\"size\":4096}]}",
                Map.of("/dev/vdz", "virtio-abc"));
        DeviceInfo d = roots.get(0);
        assertEquals("/dev/vdz", d.path(), "no PATH column: /dev/NAME");
        assertEquals("virtio-abc", d.stableId());
        assertEquals(512, d.logicalSectorSize());
        assertEquals(512, d.physicalSectorSize());
        assertEquals(0, d.start());
        assertNull(d.parent());
        assertNull(d.model());
        assertFalse(d.removable());
        assertFalse(d.readOnly());
        assertFalse(d.system());
        assertEquals(List.of(), d.mountpoints());
        assertEquals(List.of(), d.holders());
    }

    @Test
    void oldLsblkShapes() throws Exception {
        String json = "{\"blockdevices\":[{\"name\":\"sdz\",\"path\":\"/dev/sdz\",\"type\":\"disk\",\"size\":1,"
                + "\"rm\":\"1\",\"ro\":\"true\",\"mountpoint\":\"/boot\",\"log-sec\":4096,\"phy-sec\":4096,"
                + "\"children\":[{\"name\":\"sdz1\",\"type\":\"part\",\"rm\":\"0\",\"ro\":0,\"mountpoint\":null,"
                + "\"start\":2048}]}]}";
        DeviceInfo d = Lsblk.parse(json, Map.of()).get(0);
        assertTrue(d.removable(), "\"1\"");
        assertTrue(d.readOnly(), "\"true\"");
        assertEquals(List.of("/boot"), d.mountpoints(), "one MOUNTPOINT column");
        assertTrue(d.system(), "/boot is a system mount");
        assertEquals(4096, d.logicalSectorSize());
        assertEquals(4096, d.physicalSectorSize());
        assertNull(d.stableId());
        DeviceInfo p = d.children().get(0);
        assertEquals("sdz", p.parent(), "no PKNAME: the parent in the tree");
        assertFalse(p.removable());
        assertFalse(p.readOnly(), "a number, not a boolean nor \"1\"");
        assertEquals(List.of(), p.mountpoints(), "null MOUNTPOINT");
        assertEquals(2048, p.start());
        assertEquals(List.of(), d.holders(), "a partition is not a holder");
    }

    @Test
    void holdersAndSystemComeUpFromChildren() throws Exception {
        String json = "{\"blockdevices\":[{\"name\":\"sdz\",\"type\":\"disk\",\"size\":1,\"mountpoints\":[null,\"\"],"
                + "\"children\":[{\"name\":\"md9\",\"type\":\"raid1\",\"pkname\":\"sdz\",\"mountpoints\":[\"[SWAP]\"]},"
                + "{\"name\":\"sdz1\",\"type\":\"part\",\"mountpoints\":[\"/srv\"]}]}]}";
        DeviceInfo d = Lsblk.parse(json, Map.of()).get(0);
        assertEquals(List.of(), d.mountpoints(), "null and empty mountpoints are dropped");
        assertEquals(List.of("md9"), d.holders());
        assertTrue(d.system(), "active swap on a holder");
        assertFalse(d.children().get(1).system(), "/srv is not a system mount");
        assertEquals(List.of("sdz", "md9", "sdz1"), Lsblk.flatten(List.of(d)).stream().map(DeviceInfo::name).toList());
    }

    @Test
    void stableIdsPreferTheShortestReadableName() throws Exception {
        Path target = Files.createFile(dir.resolve("target"));
        Path other = Files.createFile(dir.resolve("other"));
        Path ids = Files.createDirectory(dir.resolve("by-id"));
        Files.createSymbolicLink(ids.resolve("usb-Long_Name_123-0:0"), target);
        Files.createSymbolicLink(ids.resolve("usb-Short"), target);
        Files.createSymbolicLink(ids.resolve("wwn-0x5"), target);
        Files.createSymbolicLink(ids.resolve("wwn-0x6"), other);
        Files.createSymbolicLink(ids.resolve("ata-Gone"), dir.resolve("missing"));
        Map<String, String> m = Lsblk.stableIds(ids);
        assertEquals(Map.of(target.toRealPath().toString(), "usb-Short"), m);
        assertEquals(Map.of(), Lsblk.stableIds(dir.resolve("nowhere")));
        assertEquals(Map.of(), Lsblk.stableIds(target), "a file, not a folder");
    }

    @Test
    void theRealLsblkListsDisksWithTheirSizes() throws Exception {
        List<DeviceInfo> all = Lsblk.flatten(Lsblk.discover());
        // Every machine this runs on has at least one disk; sizes come in bytes.
        assertFalse(all.isEmpty());
        assertTrue(all.stream().allMatch(d -> d.path() != null && d.path().startsWith("/")), all.toString());
        assertTrue(all.stream().anyMatch(d -> d.size() > 0), all.toString());
    }
}
