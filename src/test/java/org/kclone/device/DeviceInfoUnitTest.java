package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DeviceInfo's questions (mounted, held, below) and descriptions, and Endpoint's. */
class DeviceInfoUnitTest {

    static DeviceInfo dev(String name, String type, String parent, List<String> mounts, List<String> holders,
            List<DeviceInfo> children) {
        return new DeviceInfo(name, "/dev/" + name, null, 1L << 30, type, "Model " + name, "SER" + name, "usb", true,
                false, 512, 512, "part".equals(type) ? 2048 : 0, parent, mounts, null, null, holders, false, children);
    }

    @Test
    void mountedAnywhereLooksBelowThroughEveryKindOfChild() {
        DeviceInfo plain = dev("sdx", "disk", null, List.of(), List.of(), List.of());
        assertFalse(plain.mountedAnywhere());
        assertTrue(dev("sdx", "disk", null, List.of("/mnt"), List.of(), List.of()).mountedAnywhere());
        DeviceInfo lv = dev("vg-x", "lvm", "sdx1", List.of("/data"), List.of(), List.of());
        DeviceInfo part = dev("sdx1", "part", "sdx", List.of(), List.of("vg-x"), List.of(lv));
        DeviceInfo disk = dev("sdx", "disk", null, List.of(), List.of(), List.of(part));
        assertTrue(disk.mountedAnywhere(), "mounted two levels below");
        assertEquals(List.of("/data"), disk.allMountpoints());
        DeviceInfo quiet = dev("sdx1", "part", "sdx", List.of(), List.of(), List.of());
        assertFalse(dev("sdx", "disk", null, List.of(), List.of(), List.of(quiet, quiet)).mountedAnywhere());
    }

    @Test
    void heldAnywhereLooksThroughPartitionsOnly() {
        assertFalse(dev("sdx", "disk", null, List.of(), List.of(), List.of()).heldAnywhere());
        assertTrue(dev("sdx", "disk", null, List.of(), List.of("md0"), List.of()).heldAnywhere());
        DeviceInfo heldPart = dev("sdx1", "part", "sdx", List.of(), List.of("md0"), List.of());
        assertTrue(dev("sdx", "disk", null, List.of(), List.of(), List.of(heldPart)).heldAnywhere());
        // A holder's own holders do not make the disk held: only partitions are looked through.
        DeviceInfo heldLv = dev("vg-x", "lvm", "sdx", List.of(), List.of("dm-9"), List.of());
        assertFalse(dev("sdx", "disk", null, List.of(), List.of(), List.of(heldLv)).heldAnywhere());
    }

    @Test
    void busySaysWhatHoldsItAlsoThroughAPartition() {
        assertEquals(null, dev("sdx", "disk", null, List.of(), List.of(), List.of()).busy());
        DeviceInfo heldPart = dev("sdx1", "part", "sdx", List.of(), List.of("md0"), List.of());
        DeviceInfo mountedPart = dev("sdx2", "part", "sdx", List.of("/srv"), List.of(), List.of());
        assertEquals("held by md0", dev("sdx", "disk", null, List.of(), List.of(), List.of(heldPart)).busy());
        assertEquals("mounted at /srv, held by dm-1, md0", dev("sdx", "disk", null, List.of(), List.of("dm-1"),
                List.of(heldPart, mountedPart)).busy());
    }

    @Test
    void allMountpointsInOrderHereThenBelow() {
        DeviceInfo p1 = dev("sdx1", "part", "sdx", List.of("/a", "/b"), List.of(), List.of());
        DeviceInfo p2 = dev("sdx2", "part", "sdx", List.of("[SWAP]"), List.of(), List.of());
        DeviceInfo disk = dev("sdx", "disk", null, List.of("/whole"), List.of(), List.of(p1, p2));
        assertEquals(List.of("/whole", "/a", "/b", "[SWAP]"), disk.allMountpoints());
    }

    @Test
    void listsAreCopiedSoLaterChangesDoNotLeakIn() {
        List<String> mounts = new ArrayList<>(List.of("/m"));
        DeviceInfo d = dev("sdx", "disk", null, mounts, List.of(), List.of());
        mounts.clear();
        assertEquals(List.of("/m"), d.mountpoints());
        assertThrows(UnsupportedOperationException.class, () -> d.holders().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> d.children().add(d));
    }

    @Test
    void partitionIsTypePart() {
        assertTrue(dev("sdx1", "part", "sdx", List.of(), List.of(), List.of()).isPartition());
        assertFalse(dev("sdx", "disk", null, List.of(), List.of(), List.of()).isPartition());
    }

    @Test
    void describeNamesWhatIsKnown() {
        assertEquals("/dev/sdx  Model sdx  serial SERsdx  1.0 GiB  usb  removable",
                dev("sdx", "disk", null, List.of(), List.of(), List.of()).describe());
        DeviceInfo bare = new DeviceInfo("vdb", "/dev/vdb", null, 4096, "disk", "  ", " ", null, false, false, 512,
                512, 0, null, List.of(), null, null, List.of(), false, List.of());
        assertEquals("/dev/vdb  4.0 KiB", bare.describe());
        DeviceInfo trimmed = new DeviceInfo("sdy", "/dev/sdy", null, 512, "disk", " Stick ", " S1 ", "sata", false,
                false, 512, 512, 0, null, List.of(), null, null, List.of(), false, List.of());
        assertEquals("/dev/sdy  Stick  serial S1  512 B  sata", trimmed.describe());
    }

    @Test
    void endpointsDescribeThemselvesForTheConfirmation() {
        DeviceInfo d = dev("sdx", "disk", null, List.of(), List.of(), List.of());
        Endpoint block = new Endpoint("DEST 1", Path.of("/dev/sdx"), Endpoint.Kind.BLOCK, d, 2048, 4096, 1L << 30, 512);
        assertEquals(d.describe() + "  (sectors 2048+4096, 2.0 MiB)", block.describe());
        assertFalse(block.isFile());
        Endpoint image = new Endpoint("SOURCE", Path.of("/tmp/a.img"), Endpoint.Kind.IMAGE, null, 0, 2, 3 << 20, 512);
        assertEquals("/tmp/a.img  image file  3.0 MiB  (sectors 0+2, 1.0 KiB)", image.describe());
        assertTrue(image.isFile());
        Endpoint fresh = new Endpoint("DEST 2", Path.of("/tmp/b.img"), Endpoint.Kind.NEW_IMAGE, null, 0, 1, 0, 512);
        assertEquals("/tmp/b.img  new image file  (sectors 0+1, 512 B)", fresh.describe());
        assertTrue(fresh.isFile());
    }

    @Test
    void refusalsCarryFieldAndReasonApart() {
        RefusedException e = new RefusedException("DEST 3", "is read-only");
        assertEquals("DEST 3", e.field());
        assertEquals("is read-only", e.reason());
        assertEquals("DEST 3: is read-only", e.getMessage());
    }
}
