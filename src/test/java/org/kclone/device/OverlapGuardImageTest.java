package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OverlapGuard on image files: exact boundaries, the same file under two names, and the messages. */
class OverlapGuardImageTest {

    @TempDir
    Path dir;

    private Path img;
    private OverlapGuard guard;

    @BeforeEach
    void setUp() throws Exception {
        img = Files.write(dir.resolve("one.img"), new byte[64 * 512]);
        guard = new OverlapGuard(Map.of(), Map.of(), new LoopBacking(Files.createDirectory(dir.resolve("sys"))));
    }

    private static Endpoint image(String field, Path p, long start, long count) {
        return new Endpoint(field, p, Endpoint.Kind.IMAGE, null, start, count, 64 * 512, 512);
    }

    @Test
    void regionsThatTouchButDoNotShareASectorPass() throws Exception {
        guard.check(image("SOURCE", img, 0, 8), List.of(image("DEST 1", img, 8, 8), image("DEST 2", img, 16, 8)));
        guard.check(image("SOURCE", img, 16, 8), List.of(image("DEST 1", img, 8, 8), image("DEST 2", img, 24, 8)));
    }

    @Test
    void oneSharedSectorWithTheSourceIsRefusedNamingBoth() throws Exception {
        RefusedException e = assertThrows(RefusedException.class,
                () -> guard.check(image("SOURCE", img, 0, 8), List.of(image("DEST 1", img, 7, 8))));
        assertEquals("DEST 1", e.field());
        assertEquals(img + " sectors 7+8 overlap the source region (" + img + " 0+8)", e.reason());
        RefusedException before = assertThrows(RefusedException.class,
                () -> guard.check(image("SOURCE", img, 8, 8), List.of(image("DEST 1", img, 1, 8))));
        assertEquals(img + " sectors 1+8 overlap the source region (" + img + " 8+8)", before.reason());
    }

    @Test
    void theSameFileUnderAHardLinkIsTheSameStorage() throws Exception {
        Path link = Files.createLink(dir.resolve("link.img"), img);
        RefusedException e = assertThrows(RefusedException.class,
                () -> guard.check(image("SOURCE", img, 0, 8), List.of(image("DEST 1", link, 4, 8))));
        assertEquals(link + " sectors 4+8 overlap the source region (" + img + " 0+8)", e.reason());
        Path other = Files.write(dir.resolve("other.img"), new byte[64 * 512]);
        guard.check(image("SOURCE", img, 0, 8), List.of(image("DEST 1", other, 0, 8)));
    }

    @Test
    void twoDestinationsOnOneRegionOrOverlappingAreRefusedDifferently() throws Exception {
        Path other = Files.write(dir.resolve("other.img"), new byte[64 * 512]);
        RefusedException same = assertThrows(RefusedException.class, () -> guard.check(image("SOURCE", other, 0, 8),
                List.of(image("DEST 1", img, 8, 8), image("DEST 2", img, 8, 8))));
        assertEquals("DEST 2", same.field());
        assertEquals("is the same destination as DEST 1 (" + img + ")", same.reason());
        RefusedException part = assertThrows(RefusedException.class, () -> guard.check(image("SOURCE", other, 0, 8),
                List.of(image("DEST 1", img, 8, 8), image("DEST 2", img, 15, 8))));
        assertEquals(img + " overlaps DEST 1 (" + img + ")", part.reason());
        RefusedException sameStartLonger = assertThrows(RefusedException.class, () -> guard.check(
                image("SOURCE", other, 0, 8), List.of(image("DEST 1", img, 8, 8), image("DEST 2", img, 8, 9))));
        assertEquals(img + " overlaps DEST 1 (" + img + ")", sameStartLonger.reason());
    }

    @Test
    void newImagesAreKeyedByTheirPathAndZeroingHasNoSource() throws Exception {
        Path fresh = dir.resolve("new.img");
        Endpoint a = new Endpoint("DEST 1", fresh, Endpoint.Kind.NEW_IMAGE, null, 0, 8, 0, 512);
        Endpoint b = new Endpoint("DEST 2", dir.resolve("sub/../new.img"), Endpoint.Kind.NEW_IMAGE, null, 0, 8, 0,
                512);
        RefusedException e = assertThrows(RefusedException.class, () -> guard.check(null, List.of(a, b)));
        assertEquals("is the same destination as DEST 1 (" + fresh + ")", e.reason());
        guard.check(null, List.of(a, image("DEST 2", img, 0, 8)));
        guard.checkImagesUnderMountedLoops(List.of(a, image("DEST 2", img, 0, 8)));
    }

    @Test
    void aMissingImageCannotBeExamined() {
        Path gone = dir.resolve("gone.img");
        RefusedException e = assertThrows(RefusedException.class,
                () -> guard.check(null, List.of(image("DEST 1", gone, 0, 8))));
        assertEquals("DEST 1", e.field());
        assertEquals(true, e.reason().startsWith("cannot examine " + gone + ": "), e.reason());
    }
}
