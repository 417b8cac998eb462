package org.kclone.helper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.engine.BlockDevice;

/**
 * What the helper opens is what it checked: a path swapped between the check and the open (for a
 * symbolic link, another file, or, under a new image, another folder) is refused and left alone.
 * The swaps are made by the test between {@link RequestGuard} and {@link PinnedOpener}, exactly
 * where a racing user would make them.
 */
class PinnedOpenerTest {

    @TempDir
    Path dir;

    private Requester me;

    @BeforeEach
    void who() throws Exception {
        me = Requesters.thisProcess();
    }

    private static Endpoint image(RegionSpec checked, Endpoint.Kind kind) throws Exception {
        Path p = Path.of(checked.path());
        long size = kind == Endpoint.Kind.NEW_IMAGE ? 0 : Files.size(p);
        return new Endpoint(checked.field(), p, kind, null, 0, 8, size, 512);
    }

    @Test
    void whatWasCheckedOpensAndIsWritten() throws Exception {
        Path a = Files.write(dir.resolve("a.img"), new byte[4096]);
        RequestGuard guard = new RequestGuard(me);
        Endpoint e = image(guard.destination(RegionSpec.parse("DEST 1", a.toString())), Endpoint.Kind.IMAGE);
        try (BlockDevice d = new PinnedOpener(guard.checked(), me).open(e, true)) {
            d.write(ByteBuffer.wrap(new byte[] {7, 7, 7, 7}), 0);
            d.flush();
            assertEquals(a.toString(), d.name(), "messages name the path, not /proc/self/fd");
        }
        assertEquals(7, Files.readAllBytes(a)[3]);
    }

    @Test
    void aFileSwappedForASymbolicLinkAfterTheCheckIsNotOpened() throws Exception {
        Path a = Files.write(dir.resolve("a.img"), new byte[4096]);
        Path victim = Files.write(dir.resolve("victim"), new byte[] {1, 2, 3});
        RequestGuard guard = new RequestGuard(me);
        Endpoint e = image(guard.destination(RegionSpec.parse("DEST 1", a.toString())), Endpoint.Kind.IMAGE);
        Files.delete(a);
        Files.createSymbolicLink(a, victim);
        PinnedOpener o = new PinnedOpener(guard.checked(), me);
        PinnedOpener.Swapped s = assertThrows(PinnedOpener.Swapped.class, () -> o.open(e, true));
        assertTrue(s.getMessage().contains("replaced after it was checked") && s.getMessage().contains(victim.toString()),
                s.getMessage());
        assertThrows(PinnedOpener.Swapped.class, () -> o.setLength(e, 1 << 20));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(victim));
    }

    @Test
    void aFileReplacedByAnotherFileUnderTheSameNameIsNotOpened() throws Exception {
        Path a = Files.write(dir.resolve("a.img"), new byte[4096]);
        RequestGuard guard = new RequestGuard(me);
        Endpoint e = image(guard.destination(RegionSpec.parse("DEST 1", a.toString())), Endpoint.Kind.IMAGE);
        Path other = Files.write(dir.resolve("other"), new byte[] {9});
        Files.move(other, a, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        PinnedOpener.Swapped s = assertThrows(PinnedOpener.Swapped.class,
                () -> new PinnedOpener(guard.checked(), me).open(e, true));
        assertTrue(s.getMessage().contains("not what was checked"), s.getMessage());
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(a));
    }

    @Test
    void aNewImageWhoseFolderWasSwappedForALinkIsRefused() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        RequestGuard guard = new RequestGuard(me);
        Endpoint e = image(guard.destination(RegionSpec.parse("DEST 1", sub.resolve("new.img").toString())),
                Endpoint.Kind.NEW_IMAGE);
        assertEquals(sub.toRealPath().resolve("new.img"), e.path());
        Files.move(sub, dir.resolve("sub.moved"));
        Files.createSymbolicLink(sub, elsewhere);
        Files.createFile(e.path()); // as OpenedPlan does: it lands in 'elsewhere'
        PinnedOpener o = new PinnedOpener(guard.checked(), me);
        assertThrows(PinnedOpener.Swapped.class, () -> o.open(e, true));
        assertThrows(PinnedOpener.Swapped.class, () -> o.setLength(e, 1 << 20));
        assertEquals(0, Files.size(elsewhere.resolve("new.img")), "not sized, not written");
    }

    @Test
    void onlyBlockDevicesAndRegularFilesAreAccepted() throws Exception {
        RequestGuard guard = new RequestGuard(me);
        RefusedException dirRefused = assertThrows(RefusedException.class,
                () -> guard.destination(RegionSpec.parse("DEST 1", dir.toString())));
        assertTrue(dirRefused.reason().contains("neither a block device nor a regular file"), dirRefused.reason());
        RefusedException charDev = assertThrows(RefusedException.class,
                () -> guard.source(RegionSpec.parse("SOURCE", "/dev/null")));
        assertTrue(charDev.reason().contains("neither a block device nor a regular file"), charDev.reason());
        RefusedException relative = assertThrows(RefusedException.class,
                () -> guard.destination(RegionSpec.parse("DEST 1", "x.img")));
        assertTrue(relative.reason().contains("not an absolute path"), relative.reason());
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nothing"));
        RefusedException link = assertThrows(RefusedException.class,
                () -> guard.destination(RegionSpec.parse("DEST 1", dangling.toString())));
        assertTrue(link.reason().contains("symbolic link to nothing"), link.reason());
        assertFalse(Files.exists(dir.resolve("nothing")));
    }
}
