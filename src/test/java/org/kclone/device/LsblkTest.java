package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LsblkTest {

    static List<DeviceInfo> fixture() throws Exception {
        try (InputStream in = LsblkTest.class.getResourceAsStream("lsblk-lvm-swap.json")) {
            return Lsblk.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    Map.of("/dev/sdb", "usb-SanDisk_Cruzer_Blade_4C530001234-0:0"));
        }
    }

    private static Map<String, DeviceInfo> byName(List<DeviceInfo> roots) {
        return Lsblk.flatten(roots).stream().collect(Collectors.toMap(DeviceInfo::name, Function.identity()));
    }

    @Test
    void parsesEveryField() throws Exception {
        Map<String, DeviceInfo> d = byName(fixture());
        DeviceInfo sdb = d.get("sdb");
        assertEquals("/dev/sdb", sdb.path());
        assertEquals("usb-SanDisk_Cruzer_Blade_4C530001234-0:0", sdb.stableId());
        assertEquals(16008609792L, sdb.size());
        assertEquals("disk", sdb.type());
        assertEquals("Cruzer Blade", sdb.model());
        assertEquals("4C530001234", sdb.serial());
        assertEquals("usb", sdb.transport());
        assertTrue(sdb.removable());
        assertFalse(sdb.readOnly());
        assertEquals(1, sdb.children().size());
        DeviceInfo sdb1 = d.get("sdb1");
        assertEquals(List.of("/media/user/STICK"), sdb1.mountpoints());
        assertEquals("vfat", sdb1.fsType());
        assertEquals("STICK", sdb1.label());
        assertEquals(2048, sdb1.start());
        assertEquals("sdb", sdb1.parent());
        assertNull(d.get("sdc").stableId());
        assertEquals(4096, d.get("sdc").logicalSectorSize());
        assertTrue(d.get("sdd").removable(), "old lsblk's \"1\" strings read as booleans");
    }

    @Test
    void systemThroughAnLvmHolderAndThroughSwap() throws Exception {
        Map<String, DeviceInfo> d = byName(fixture());
        assertTrue(d.get("sda").system(), "/ on an LV on sda2");
        assertTrue(d.get("sda2").system());
        assertFalse(d.get("sda1").system(), "/boot/efi is not a system mount by itself");
        assertTrue(d.get("sdc").system(), "active swap");
        assertFalse(d.get("sdb").system(), "a mounted stick is not the system disk");
        assertFalse(d.get("sdd").system(), "/srv/data is not a system mount");
    }

    @Test
    void holdersAndMountsAnywhereBelow() throws Exception {
        Map<String, DeviceInfo> d = byName(fixture());
        assertEquals(List.of("vg-root"), d.get("sda2").holders());
        assertEquals(List.of("md0"), d.get("sdd1").holders());
        assertTrue(d.get("sdd").heldAnywhere());
        assertTrue(d.get("sdb").mountedAnywhere());
        assertFalse(d.get("sdb").heldAnywhere());
        assertEquals(List.of(), d.get("sdb").holders(), "a partition is not a holder");
    }

    @Test
    void realLsblkOnThisMachineParses() throws Exception {
        List<DeviceInfo> all = Lsblk.discover();
        for (DeviceInfo x : Lsblk.flatten(all)) {
            assertTrue(x.path() != null && x.path().startsWith("/dev/"), x.toString());
        }
        // Whatever holds / here is marked system.
        assertTrue(Lsblk.flatten(all).stream().filter(x -> x.mountpoints().contains("/"))
                .allMatch(DeviceInfo::system) || all.isEmpty());
    }
}
