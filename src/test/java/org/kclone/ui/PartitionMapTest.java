package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Lsblk;

/** The partition strip and the device badges, worked out without a toolkit from lsblk's JSON. */
class PartitionMapTest {

    /** A 1 GiB stick: an EFI partition at 1 MiB, a 15 MiB gap, a data partition, 100 MiB free at the end. */
    static final String DISK = """
            {"blockdevices": [
             {"name":"sdf","path":"/dev/sdf","size":1073741824,"type":"disk","model":"Stick","tran":"usb","rm":true,
              "rota":false,"children":[
               {"name":"sdf1","path":"/dev/sdf1","size":268435456,"type":"part","start":2048,"fstype":"vfat",
                "label":"EFI","pkname":"sdf"},
               {"name":"sdf2","path":"/dev/sdf2","size":671088640,"type":"part","start":557056,"fstype":"ext4",
                "pkname":"sdf"}]},
             {"name":"sdg","path":"/dev/sdg","size":1073741824,"type":"disk","tran":"sata","rm":false,"rota":true}
            ]}""";

    static List<DeviceInfo> disk() throws Exception {
        return Lsblk.parse(DISK, java.util.Map.of());
    }

    @Test
    void aDiskIsItsPartitionsAndTheFreeSpaceBetweenInOrder() throws Exception {
        PartitionMap.Strip s = PartitionMap.of(disk(), "/dev/sdf", 0, 0);
        List<String> texts = s.segments().stream().map(PartitionMap.Segment::text).toList();
        assertEquals(List.of("EFI · vfat · 256.0 MiB", "free 15.0 MiB", "sdf2 · ext4 · 640.0 MiB", "free 112.0 MiB"),
                texts);
        assertEquals(List.of(2048L, 526336L, 557056L, 1867776L),
                s.segments().stream().map(PartitionMap.Segment::start).toList());
        assertEquals(List.of("/dev/sdf1", "/dev/sdf2"), s.segments().stream().filter(g -> !g.free())
                .map(PartitionMap.Segment::path).toList());
        assertEquals(2097152, s.diskSectors());
        assertEquals(0, s.regionStart());
        assertEquals(2097152, s.regionCount(), "the whole disk");
        assertTrue(s.segments().stream().allMatch(g -> PartitionMap.inRegion(s, g)));
    }

    @Test
    void aPartitionAsSourceShowsItsDiskWithThePartitionAsTheRegion() throws Exception {
        PartitionMap.Strip s = PartitionMap.of(disk(), "/dev/sdf2", 0, 0);
        assertEquals("/dev/sdf", s.disk().path());
        assertEquals(557056, s.regionStart());
        assertEquals(1310720, s.regionCount());
        assertEquals(List.of(false, false, true, false), s.segments().stream().map(g -> PartitionMap.inRegion(s, g))
                .toList());
        PartitionMap.Strip part = PartitionMap.of(disk(), "/dev/sdf2", 2048, 100);
        assertEquals(559104, part.regionStart(), "a region inside the partition, in the disk's sectors");
        assertEquals(100, part.regionCount());
        assertFalse(part.segments().stream().anyMatch(g -> PartitionMap.inRegion(part, g)), "no whole segment");
    }

    @Test
    void noStripForADiskWithoutPartitionsAFileOrAnUnknownPath() throws Exception {
        assertNull(PartitionMap.of(disk(), "/dev/sdg", 0, 0));
        assertNull(PartitionMap.of(disk(), "/tmp/x.img", 0, 0));
    }

    @Test
    void gapsSmallerThanOneMebibyteAreNotFreeSpace() throws Exception {
        DeviceInfo p = disk().get(0).children().get(0);
        List<PartitionMap.Segment> segs = PartitionMap.segments(2048 + 524288 + 2048, List.of(p));
        assertEquals(1, segs.size(), "the 1 MiB before it and the 1 MiB after it: " + segs);
        assertEquals(2, PartitionMap.segments(2048 + 524288 + 2049, List.of(p)).size());
    }

    @Test
    void eachDeviceGetsTheBadgeOfItsKind() throws Exception {
        assertEquals(DeviceKind.USB_STICK, DeviceKind.of(disk().get(0)));
        assertEquals(DeviceKind.PARTITION, DeviceKind.of(disk().get(0).children().get(0)));
        assertEquals(DeviceKind.HDD, DeviceKind.of(disk().get(1)));
        String more = """
                {"blockdevices": [
                 {"name":"nvme0n1","size":1,"type":"disk","tran":"nvme","rota":false},
                 {"name":"mmcblk0","size":1,"type":"disk","rm":false,"rota":false},
                 {"name":"loop3","size":1,"type":"loop","rota":true},
                 {"name":"sr0","size":1,"type":"rom","tran":"sata","rm":true},
                 {"name":"sda","size":1,"type":"disk","tran":"sata","rota":false},
                 {"name":"sdz","size":1,"type":"disk","tran":"usb","rm":false,"rota":true},
                 {"name":"md0","size":1,"type":"raid1"}
                ]}""";
        assertEquals(List.of(DeviceKind.NVME, DeviceKind.SD_CARD, DeviceKind.LOOP, DeviceKind.OPTICAL, DeviceKind.SSD,
                DeviceKind.HDD, DeviceKind.OTHER), Lsblk.parse(more, java.util.Map.of()).stream().map(DeviceKind::of)
                .toList());
        assertEquals("kind-usb-stick", DeviceKind.USB_STICK.styleClass());
    }
}
