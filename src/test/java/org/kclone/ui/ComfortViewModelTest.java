package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.DeviceInfo;

/** The window's input rules without a toolkit: adding rows, the confirmation's names, what holds Start back. */
class ComfortViewModelTest {

    @TempDir
    Path dir;

    private Path file(String name, int bytes) throws Exception {
        byte[] data = new byte[bytes];
        new Random(name.hashCode()).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    private static DeviceInfo stick(String name, long size, boolean removable, List<String> mounts) {
        return new DeviceInfo(name, "/dev/" + name, null, size, "disk", "Stick", "S" + name, "usb", removable, false,
                512, 512, 0, null, mounts, null, null, List.of(), false, List.of());
    }

    private SourceViewModel source(int bytes) throws Exception {
        SourceViewModel s = new SourceViewModel(List::of);
        s.choose(file("src.img", bytes).toString());
        return s;
    }

    @Test
    void theConfirmationAcceptsNamesWithOrWithoutDevInAnyOrderWithCommas() {
        ConfirmationMatcher m = new ConfirmationMatcher(List.of("sdb", "nvme0n1"));
        assertFalse(m.complete(""));
        assertEquals("Still to type: sdb, nvme0n1.", m.hint(""));
        assertEquals("Still to type: sdb.", m.hint("/dev/nvme0n1"));
        assertTrue(m.complete("sdb nvme0n1"));
        assertTrue(m.complete("nvme0n1, /dev/sdb"));
        assertTrue(m.complete(" /dev/sdb,/dev/nvme0n1 "));
        assertEquals("", m.hint("nvme0n1,sdb"));
        assertFalse(m.complete("sdb nvme0n1 sdc"), "a disk not in the job is not confirmed by the way");
        assertEquals("Not a disk to overwrite: sdc.", m.hint("sdb nvme0n1 sdc"));
        assertEquals("Still to type: nvme0n1. Not a disk to overwrite: sdbb.", m.hint("sdbb sdb"));
        assertFalse(m.complete("sd"), "a prefix is not the name");
    }

    @Test
    void aRowIsNeverAddedTwiceAndTheNoteSaysSo() throws Exception {
        DestinationsViewModel vm = new DestinationsViewModel(source(1 << 20), () -> List.of(stick("sdb", 8L << 30,
                true, List.of())));
        assertEquals("/dev/sdb", vm.offer("/dev/sdb").path().get());
        assertEquals("", vm.note().get());
        assertNull(vm.offer("sdb"), "a bare name is the listed device, already in the list");
        assertEquals("/dev/sdb is already in the list (destination 1).", vm.note().get());
        vm.typing();
        assertEquals("", vm.note().get(), "an edit of the add field clears the note");
        assertEquals(1, vm.rows().size());
        assertNull(vm.offer("   "));
        assertTrue(vm.note().get().startsWith("Type a device"), vm.note().get());
    }

    @Test
    void addAllRemovableSaysWhyWhenItAddsNone() throws Exception {
        DestinationsViewModel noSource = new DestinationsViewModel(new SourceViewModel(List::of),
                () -> List.of(stick("sdb", 8L << 30, true, List.of())));
        assertEquals(0, noSource.addAllRemovable());
        assertTrue(noSource.note().get().startsWith("Choose the source first"), noSource.note().get());

        SourceViewModel src = source(1 << 20);
        DestinationsViewModel none = new DestinationsViewModel(src, () -> List.of(stick("sda", 8L << 30, false,
                List.of())));
        assertEquals(0, none.addAllRemovable());
        assertEquals("No removable drive is plugged in.", none.note().get());

        DestinationsViewModel refused = new DestinationsViewModel(src, () -> List.of(
                stick("sdc", 512 << 10, true, List.of()), stick("sdd", 8L << 30, true, List.of("/media/x"))));
        assertEquals(0, refused.addAllRemovable());
        assertEquals("No removable drive added: /dev/sdc is smaller than the source (512.0 KiB); /dev/sdd: mounted at"
                + " /media/x.", refused.note().get());

        DestinationsViewModel twice = new DestinationsViewModel(src, () -> List.of(stick("sdb", 8L << 30, true,
                List.of())));
        assertEquals(1, twice.addAllRemovable());
        assertEquals("", twice.note().get());
        assertEquals(0, twice.addAllRemovable());
        assertEquals("No removable drive added: /dev/sdb is already in the list.", twice.note().get());
    }

    @Test
    void aSmallerExistingImageIsRefusedInWordsUntilGrowIsTicked() throws Exception {
        Path small = file("small.img", 64 << 10);
        DestinationsViewModel vm = new DestinationsViewModel(source(1 << 20), List::of);
        DestinationsViewModel.Row r = vm.offer(small.toString());
        assertEquals("the image file " + small + " (64.0 KiB) is smaller than the copy needs (1.0 MiB): tick \""
                + Reasons.GROW_CONTROL + "\" in Options, or choose a new file name", r.error().get());
        vm.grow().set(true);
        assertEquals("", r.error().get(), "ticking the control checks the rows again");
        org.kclone.device.CopyPlanner.Plan plan = vm.plan();
        assertTrue(plan.destinations().get(0).endByte() > Files.size(small), "the plan grows the file");
        assertEquals(small + "  image file  64.0 KiB, grown to 1.0 MiB",
                ConfirmationDialog.what(plan.destinations().get(0)), "the confirmation says so");
        assertTrue(HelperJobRun.request(plan, new JobViewModel().settings(0, java.util.Set.of(), false)).grow(),
                "and the helper is asked to grow it");
        vm.grow().set(false);
        assertFalse(r.error().get().isEmpty());
    }

    @Test
    void anImageFolderWithoutRoomIsRefusedOnItsRowBeforeStarting() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "mounting a small file system needs root");
        Path mnt = Files.createDirectory(dir.resolve("small"));
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.toString())
                .redirectErrorStream(true).start();
        m.getInputStream().readAllBytes();
        org.junit.jupiter.api.Assumptions.assumeTrue(m.waitFor() == 0, "cannot mount a tmpfs here");
        try {
            SourceViewModel src = source(8 << 20);
            DestinationsViewModel vm = new DestinationsViewModel(src, List::of);
            DestinationsViewModel.Row r = vm.offer(mnt.resolve("x.img").toString());
            assertTrue(r.error().get().startsWith(mnt.resolve("x.img") + " needs 8.0 MiB but its file system has 4.0"
                    + " MiB free"), r.error().get());
            assertFalse(vm.valid().get());
            assertTrue(FormChecks.blockers(src, vm, "").get(0)
                    .startsWith("Destination 1 (" + mnt.resolve("x.img") + "): "), "Start says which row");
            assertFalse(Files.exists(mnt.resolve("x.img")), "nothing was made");
        } finally {
            new ProcessBuilder("umount", mnt.toString()).start().waitFor();
        }
    }

    @Test
    void aDisabledStartSaysWhichRowsHoldItBackAndTheLimitIsCheckedInline() throws Exception {
        SourceViewModel empty = new SourceViewModel(List::of);
        DestinationsViewModel none = new DestinationsViewModel(empty, List::of);
        List<String> why = FormChecks.blockers(empty, none, "");
        assertEquals(2, why.size(), why.toString());
        assertTrue(why.get(0).startsWith("Source: "), why.get(0));
        assertEquals("Destinations: add at least one", why.get(1));

        SourceViewModel src = source(1 << 20);
        DestinationsViewModel vm = new DestinationsViewModel(src, List::of);
        vm.offer(dir.resolve("a.img").toString());
        DestinationsViewModel.Row bad = vm.offer(dir.resolve("b.img").toString());
        assertEquals(List.of(), FormChecks.blockers(src, vm, "50M"));
        assertEquals("", FormChecks.statusLine(List.of()));
        bad.start().set("x");
        why = FormChecks.blockers(src, vm, "50 apples");
        assertEquals(2, why.size(), why.toString());
        assertTrue(why.get(0).startsWith("Destination 2 (" + dir.resolve("b.img") + "): Start: "), why.get(0));
        assertTrue(why.get(1).startsWith("Limit per second: '50 apples' has an unknown unit 'apples'"), why.get(1));
        assertTrue(FormChecks.statusLine(why).startsWith("Start waits for: Destination 2"), FormChecks.statusLine(why));
        assertTrue(FormChecks.statusLine(why).endsWith("(and 1 more: see the tooltip)"));
        assertEquals("", FormChecks.limitError(" "));
        assertEquals("", FormChecks.limitError("64K"));
    }
}
