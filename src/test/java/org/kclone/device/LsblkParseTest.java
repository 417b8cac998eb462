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

/** Lsblk's parsing of made-up JSON, field by field, and the by-id map, without running lsblk. */
class LsblkParseTest {

    @TempDir
    Path dir;

    private static final String TREE = """
            {"blockdevices": [
              {"name": "sdb", "path": "/dev/sdb", "size": 8388608, "type": "disk", "model": "Stick",
               "serial": "S1", "tran": "usb", "rm": "1", "ro": "true", "mountpoints": [null, ""],
               "log-sec": 4096, "phy-sec": 4096, "start": null,
               "children": [
                 {"name": "sdb1", "size": 1048576, "type": "part", "rm": false, "ro": "0",
                  "mountpoints": ["/media/x"], "fstype": "vfat", "label": "USB", "start": 2048},
                 {"name": "sdb2", "path": "/dev/sdb2", "pkname": "other", "size": 512, "type": "part",
                  "rm": true, "ro": false, "mountpoint": "/boot"},
                 {"name": "dm-0", "path": "/dev/dm-0", "size": 512, "type": "crypt", "mountpoints": []}
               ]}
            ]}
            """;

    @Test
    void everyFieldIsReadAndDefaultsApply() throws Exception {
        List<DeviceInfo> roots = Lsblk.parse(TREE, Map.of("/dev/sdb", "usb-Stick_S1", "/dev/sdb1", "usb-Stick_S1-part1"));
        assertEquals(1, roots.size());
        DeviceInfo sdb = roots.get(0);
        assertEquals("sdb", sdb.name());
        assertEquals("/dev/sdb", sdb.path());
        assertEquals("usb-Stick_S1", sdb.stableId());
        assertEquals(8388608, sdb.size());
        assertEquals("Stick", sdb.model());
        assertEquals("S1", sdb.serial());
        assertEquals("usb", sdb.transport());
        assertTrue(sdb.removable(), "\"1\" is true");
        assertTrue(sdb.readOnly(), "\"true\" is true");
        assertEquals(List.of(), sdb.mountpoints(), "null and empty mountpoints are skipped");
        assertEquals(4096, sdb.logicalSectorSize());
        assertEquals(4096, sdb.physicalSectorSize());
        assertEquals(0, sdb.start());
        assertNull(sdb.parent());
        assertEquals(List.of("dm-0"), sdb.holders(), "children that are not partitions hold the disk");
        assertTrue(sdb.system(), "a child mounted at /boot makes the disk a system disk");

        DeviceInfo p1 = sdb.children().get(0);
        assertEquals("/dev/sdb1", p1.path(), "no path: /dev/ and the name");
        assertEquals("usb-Stick_S1-part1", p1.stableId());
        assertEquals("sdb", p1.parent(), "no pkname: the enclosing device");
        assertFalse(p1.removable());
        assertFalse(p1.readOnly(), "\"0\" is false");
        assertEquals(List.of("/media/x"), p1.mountpoints());
        assertFalse(p1.system(), "/media/x is not a system mount");
        assertEquals("vfat", p1.fsType());
        assertEquals("USB", p1.label());
        assertEquals(2048, p1.start());
        assertEquals(512, p1.logicalSectorSize(), "default 512");
        assertEquals(512, p1.physicalSectorSize(), "default 512");
        assertNull(p1.model());

        DeviceInfo p2 = sdb.children().get(1);
        assertEquals("other", p2.parent(), "pkname wins over the enclosing device");
        assertEquals(List.of("/boot"), p2.mountpoints(), "the old single mountpoint field");
        assertTrue(p2.system());
        assertTrue(p2.removable());
        assertNull(p2.stableId());

        assertEquals(List.of("sdb", "sdb1", "sdb2", "dm-0"),
                Lsblk.flatten(roots).stream().map(DeviceInfo::name).toList(), "depth first");
    }

    @Test
    void eachSystemMountMakesASystemDisk() throws Exception {
        for (String m : List.of("/", "/boot", "/usr", "/var", "/home", "[SWAP]")) {
            String json = "{\"blockdevices\": [{\"name\": \"vdz\", \"type\": \"disk\", \"mountpoints\": [\"" + m
                    + "\"]}]}";
            assertTrue(Lsblk.parse(json, Map.of()).get(0).system(), m);
        }
        String other = "{\"blockdevices\": [{\"name\": \"vdz\", \"type\": \"disk\", \"mountpoints\": [\"/srv\"]}]}";
        assertFalse(Lsblk.parse(other, Map.of()).get(0).system());
        assertEquals(List.of(), Lsblk.parse("{}", Map.of()), "no blockdevices: none");
        DeviceInfo bare = Lsblk.parse("{\"blockdevices\": [{\"type\": \"disk\"}]}", Map.of()).get(0);
        assertNull(bare.name());
        assertNull(bare.path(), "neither path nor name: no path");
        assertNull(bare.stableId());
    }

    @Test
    void stableIdsSkipWwnAndDanglingLinksAndAMissingFolder() throws Exception {
        Path target = Files.createFile(dir.resolve("sdq"));
        Path ids = Files.createDirectory(dir.resolve("by-id"));
        Files.createSymbolicLink(ids.resolve("wwn-0x5000"), target);
        Files.createSymbolicLink(ids.resolve("usb-Long_Name_123"), target);
        Files.createSymbolicLink(ids.resolve("dangling"), dir.resolve("nothing"));
        Map<String, String> m = Lsblk.stableIds(ids);
        assertEquals(Map.of(target.toRealPath().toString(), "usb-Long_Name_123"), m);
        assertEquals(Map.of(), Lsblk.stableIds(dir.resolve("absent")));
        assertEquals(Map.of(), Lsblk.stableIds(target), "a file is no folder");
    }
}
