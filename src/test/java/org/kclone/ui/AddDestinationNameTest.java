package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.DeviceInfo;

/**
 * The Add destination field with careless names, without a toolkit: a bare name that is no plugged-in
 * device, or a relative file name, adds nothing (the window's working directory is nowhere the person
 * can see), and the note says why and what to type; "~/" is the home folder; full paths as typed.
 */
class AddDestinationNameTest {

    @TempDir
    Path dir;

    static DeviceInfo disk(String name) {
        return new DeviceInfo(name, "/dev/" + name, null, 8L << 30, "disk", "Stick", "S" + name, "usb", true, false,
                512, 512, 0, null, List.of(), null, null, List.of(), false, List.of());
    }

    private DestinationsViewModel vm(Path home) throws Exception {
        SourceViewModel s = new SourceViewModel(List::of);
        s.choose(Files.write(dir.resolve("src.img"), new byte[1 << 20]).toString());
        return new DestinationsViewModel(s, () -> List.of(disk("sdb")), home);
    }

    @Test
    void aBareNameThatLooksLikeADeviceButIsNotPluggedInAddsNothingAndSaysWhy() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        DestinationsViewModel vm = vm(home);
        for (String typed : List.of("7", "sdc", "sdc1", "nvme0n1", "nvme0n1p2", "mmcblk0", "mmcblk0p1", "loop3",
                "dev/sdc", " 12 ")) {
            assertNull(vm.offer(typed), typed);
            String why = vm.note().get();
            assertTrue(why.startsWith(typed.strip() + ": no such device is plugged in"), why);
            assertEquals(typed.strip() + ": no such device is plugged in; for an image file type its full path"
                    + " (~/backup.img) or use New image file…", why);
        }
        assertEquals(0, vm.rows().size(), "nothing was added");
        assertEquals("/dev/sdb", vm.offer("sdb").path().get(), "a listed device's bare name is that device");
        assertEquals("", vm.note().get());
        assertNull(vm.offer("dev/sdb"), "the first slash left out: the same device, already in the list");
        assertEquals("/dev/sdb is already in the list (destination 1).", vm.note().get());
    }

    @Test
    void aRelativeFileNameIsNotResolvedAgainstTheWorkingDirectory() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        DestinationsViewModel vm = vm(home);
        for (String typed : List.of("backup.img", "imgs/../backup.img", "./backup.img")) {
            assertNull(vm.offer(typed), typed);
            assertEquals(typed + " is not a full path: type ~/backup.img (that is " + home.resolve("backup.img")
                    + "), or use New image file…", vm.note().get());
        }
        assertEquals(0, vm.rows().size());
    }

    @Test
    void aTildePathIsInTheHomeFolderAndShownInFull() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        DestinationsViewModel vm = vm(home);
        assertEquals(home.resolve("backup.img").toString(), vm.offer("~/backup.img").path().get());
        assertEquals(home.resolve("imgs/a.img").toString(), vm.offer("~/imgs/../imgs/a.img").path().get());
        assertNull(vm.offer(home.resolve("backup.img").toString()), "the same file typed in full");
        assertEquals(home.resolve("backup.img") + " is already in the list (destination 1).", vm.note().get());
        assertNull(vm.offer("~"));
        assertTrue(vm.note().get().startsWith("~ is your home folder (" + home + ")"), vm.note().get());
        assertEquals(2, vm.rows().size());
    }

    @Test
    void fullPathsAndDevPathsAreTakenAsTyped() throws Exception {
        DestinationsViewModel vm = vm(dir);
        assertEquals(dir.resolve("b.img").toString(), vm.offer(dir + "/x/../b.img").path().get());
        assertEquals("/dev/sdz", vm.offer("/dev/sdz").path().get(), "as today: the row's guard says it is missing");
        assertEquals("/dev/sdb", vm.offer("/dev/sdb").path().get());
        assertEquals(3, vm.rows().size());
    }
}
