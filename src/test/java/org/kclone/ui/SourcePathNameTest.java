package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Source path typed by hand follows the Add destination field's rules ({@link TypedPath}),
 * without a toolkit: "~/x.img" is the image in the home folder (as the destination field takes it,
 * and as a backup made there is restored), a listed disk's bare name is that disk, and a relative
 * name is refused with what to type instead of being read from the window's working directory.
 */
class SourcePathNameTest {

    @TempDir
    Path dir;

    @Test
    void aBackupInTheHomeFolderIsReadFromTildeSlash() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        Path image = Files.write(home.resolve("backup.img"), new byte[1 << 20]);
        SourceViewModel vm = new SourceViewModel(List::of, home);
        vm.path().set("~/backup.img");
        assertEquals("", vm.pathError().get());
        assertEquals(image.toString(), vm.effectivePath());
        assertEquals(image.toString(), vm.spec().path(), "the job reads the file in the home folder");
        assertEquals("1.0 MiB from sector 0", vm.summary().get());
        assertEquals(1 << 20, vm.bytes());
    }

    @Test
    void aRelativeNameIsRefusedSayingWhatToType() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        SourceViewModel vm = new SourceViewModel(List::of, home);
        vm.path().set("backup.img");
        assertEquals("backup.img is not a full path: type ~/backup.img (that is " + home.resolve("backup.img")
                + "), or use Image file…", vm.pathError().get());
        assertNull(vm.effectivePath());
        assertNull(vm.spec());
        vm.path().set("7");
        assertEquals("7: no such device is plugged in; for an image file type its full path (~/backup.img) or use"
                + " Image file…", vm.pathError().get());
    }

    @Test
    void aListedDisksBareNameIsThatDiskAndAFullPathIsAsTyped() throws Exception {
        SourceViewModel vm = new SourceViewModel(() -> List.of(AddDestinationNameTest.disk("sdb")), dir);
        vm.path().set("sdb");
        assertEquals("/dev/sdb", vm.effectivePath());
        Path image = Files.write(dir.resolve("a.img"), new byte[4096]);
        vm.path().set(" " + image + " ");
        assertEquals(image.toString(), vm.effectivePath(), "stripped");
        assertTrue(vm.pathError().get().isEmpty(), vm.pathError().get());
    }
}
