package org.kclone.device.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RegionSpec;

/** The automatic maps' folder: one file per job, named from the job; unfinished ones listed; finished ones pruned. */
class MapStoreTest {

    @TempDir
    Path dir;

    private CopyPlanner.Plan plan(String... dests) throws Exception {
        Path src = dir.resolve("src.img");
        if (!Files.exists(src)) {
            Files.write(src, new byte[1 << 20]);
        }
        List<RegionSpec> specs = new ArrayList<>();
        for (int i = 0; i < dests.length; i++) {
            specs.add(RegionSpec.parse("DEST " + (i + 1), dir.resolve(dests[i]).toString()));
        }
        return new CopyPlanner(List.of(), CopyPlanner.Options.NONE).copy(RegionSpec.parse("SOURCE", src.toString()),
                specs);
    }

    @Test
    void theSameJobFindsTheSameFileWhateverTheOrderOfItsDestinations() throws Exception {
        MapStore store = new MapStore(dir.resolve("maps"));
        Path ab = store.fileFor(plan("a.img", "b.img"));
        assertEquals(ab, store.fileFor(plan("b.img", "a.img")));
        assertNotEquals(ab, store.fileFor(plan("a.img", "c.img")));
        assertNotEquals(ab, store.fileFor(plan("a.img")));
        assertEquals(dir.resolve("maps"), ab.getParent());
        assertTrue(ab.getFileName().toString().matches("job-[0-9a-f]{24}\\.map"), ab.toString());
    }

    @Test
    void unfinishedMapsAreListedWithWhatWasDoneAndFinishedOnesArePruned() throws Exception {
        MapStore store = new MapStore(dir.resolve("maps"));
        assertTrue(store.unfinished().isEmpty(), "no folder: nothing");
        CopyPlanner.Plan half = plan("a.img", "b.img");
        CopyPlanner.Plan done = plan("c.img");
        TestMaps.write(store, half, 512 << 10);
        Path finished = TestMaps.write(store, done, 1 << 20);
        Files.writeString(store.dir().resolve("junk.map"), "not a map");
        List<MapStore.Unfinished> u = store.unfinished();
        assertEquals(1, u.size());
        assertEquals(dir.resolve("src.img").toString(), u.get(0).source());
        assertEquals(List.of(dir.resolve("a.img").toString(), dir.resolve("b.img").toString()),
                u.get(0).destinations());
        assertEquals(512 << 10, u.get(0).done());
        assertEquals(50, u.get(0).percent());
        assertTrue(store.find(half).isPresent());
        assertFalse(store.find(done).isPresent(), "a finished job is nothing to resume");
        store.pruneFinished();
        assertFalse(Files.exists(finished), "a finished job's map goes");
        assertTrue(Files.exists(store.dir().resolve("junk.map")), "what is not a finished map stays");
        store.discard(u.get(0).file());
        assertTrue(store.unfinished().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> store.discard(dir.resolve("src.img")),
                "only its own maps");
    }

    @Test
    void theLatestInterruptedJobIsListedFirst() throws Exception {
        MapStore store = new MapStore(dir.resolve("maps"));
        Path older = TestMaps.write(store, plan("a.img"), 512 << 10);
        Path newer = TestMaps.write(store, plan("b.img"), 512 << 10);
        Files.setLastModifiedTime(older, java.nio.file.attribute.FileTime.fromMillis(1_000_000L));
        Files.setLastModifiedTime(newer, java.nio.file.attribute.FileTime.fromMillis(2_000_000L));
        assertEquals(List.of(newer, older), store.unfinished().stream().map(MapStore.Unfinished::file).toList());
        Files.setLastModifiedTime(older, java.nio.file.attribute.FileTime.fromMillis(3_000_000L));
        assertEquals(List.of(older, newer), store.unfinished().stream().map(MapStore.Unfinished::file).toList());
    }

    @Test
    void aHelpersJobIsNotedUntilItEndsWell() throws Exception {
        MapStore store = new MapStore(dir.resolve("maps"));
        CopyPlanner.Plan p = plan("a.img", "b.img");
        store.noteHelperJob(p);
        MapStore.Unfinished u = store.find(p).orElseThrow();
        assertTrue(u.viaHelper());
        assertEquals(List.of(dir.resolve("a.img").toString(), dir.resolve("b.img").toString()), u.destinations());
        assertEquals(1 << 20, u.total());
        assertEquals(List.of(u), store.unfinished());
        assertFalse(store.find(plan("a.img")).isPresent());
        store.forgetHelperJob(p);
        assertTrue(store.unfinished().isEmpty());
        store.noteHelperJob(p);
        store.discard(store.unfinished().get(0).file());
        assertFalse(store.find(p).isPresent(), "Discard deletes a note too");
    }

    @Test
    void aJobFromOrToACompressedImageKeepsNoMap() throws Exception {
        assertTrue(MapStore.canKeep(plan("a.img")));
        assertFalse(MapStore.canKeep(plan("a.img", "b.img.zst")), "written as one stream: cannot resume");
    }

    @Test
    void theUsersFolderIsUnderXdgDataHome() {
        assertEquals(Path.of("/x/kclone/maps"), MapStore.user(Map.of("XDG_DATA_HOME", "/x")).dir());
        assertEquals(Path.of(System.getProperty("user.home"), ".local/share/kclone/maps"),
                MapStore.user(Map.of("XDG_DATA_HOME", "relative")).dir());
    }

    @Test
    void startingOverDeletesTheEarlierMapAndTheFolderIsTheUsersOnly() throws Exception {
        MapStore store = new MapStore(dir.resolve("new").resolve("maps"));
        CopyPlanner.Plan p = plan("a.img");
        JobMap fresh = store.prepare(p, false);
        assertEquals(0, fresh.resumeAt());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(store.dir())));
        Path f = TestMaps.write(store, p, 4096);
        store.prepare(p, false);
        assertFalse(Files.exists(f), "Start (not Resume) copies everything again: the old map goes");
    }
}
