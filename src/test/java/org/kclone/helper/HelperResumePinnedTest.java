package org.kclone.helper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.kclone.testing.MapProgress.sectorsRead;
import static org.kclone.testing.MapProgress.sectorsWritten;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceOpener;
import org.kclone.device.Lsblk;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.device.resume.JobMap;
import org.kclone.device.resume.MapStore;
import org.kclone.device.resume.TestMaps;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.FileBlockDevice;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.Tools;

/**
 * A resume in the helper checks the map against the devices it pinned, not against whatever the
 * paths it was sent name by then: a source swapped after {@link RequestGuard} checked it is refused
 * with nothing read from, or written to, what it now leads to. The helper's map file is its own: a
 * symbolic link (or a file of another user, or with a second name) in its folder is not followed.
 * The swaps are made between the guard and the map's checks, where a racing user would make them
 * (the order of {@link HelperSession}'s start).
 */
class HelperResumePinnedTest {

    private static final int SIZE = 8 << 20;
    private static final int DONE = 2 << 20;

    @TempDir
    Path dir;

    private Requester me;

    @BeforeEach
    void who() throws Exception {
        me = Requesters.thisProcess();
    }

    /** A node for loop device {@code dev} in the test's folder, under the kernel's name (as lsblk lists it). */
    private Path nodeFor(Path dev) throws Exception {
        String name = dev.getFileName().toString();
        String majMin = Files.readString(Path.of("/sys/class/block", name, "dev")).trim();
        Path node = Files.createDirectory(dir.resolve("nodes")).resolve(name);
        LoopDevices.run("mknod", node.toString(), "b", majMin.split(":")[0], majMin.split(":")[1]);
        return node;
    }

    @Test
    void aResumedSourceSwappedAfterTheCheckIsRefusedAndItsNewTargetNotRead() throws Exception {
        LoopDevices.assumeAvailable();
        Tools.assumeInstalled("mknod");
        byte[] data = new byte[SIZE];
        new Random(5).nextBytes(data);
        byte[] copied = new byte[SIZE];
        System.arraycopy(data, 0, copied, 0, DONE);
        try (LoopDevices loops = new LoopDevices()) {
            Path src = loops.attachExisting(Files.write(dir.resolve("s.img"), data));
            Path twin = loops.attachExisting(Files.write(dir.resolve("t.img"), data)); // the same bytes
            Path dst = loops.attachExisting(Files.write(dir.resolve("d.img"), copied));
            Path node = nodeFor(src); // in a folder the requester could write to

            RequestGuard guard = new RequestGuard(me);
            RegionSpec s = guard.source(RegionSpec.parse("SOURCE", node.toString()));
            RegionSpec d = guard.destination(RegionSpec.parse("DEST 1", dst.toString()));
            CopyPlanner.Plan plan = new CopyPlanner(Lsblk.discover(), new CopyPlanner.Options(false, false, false))
                    .copy(s, List.of(d));
            HelperMaps maps = new HelperMaps(dir.resolve("maps"));
            HelperMaps.safeFolder(maps.folder(me));
            Path file = new MapStore(maps.folder(me)).fileFor(plan);
            try (BlockDevice in = FileBlockDevice.open(src, false, 512)) {
                TestMaps.writeResumable(file, plan, DONE, in);
            }
            byte[] map = Files.readAllBytes(file);
            JobMap fits = maps.prepare(me, plan, true, null, new PinnedOpener(guard.checked(), me));
            assertEquals(DONE, fits.resumeAt(), "unswapped, the map fits the devices");

            Files.delete(node);
            Files.createSymbolicLink(node, twin);
            long[] before = {sectorsRead(twin), sectorsWritten(twin), sectorsWritten(dst), sectorsWritten(src)};
            PinnedOpener opener = new PinnedOpener(guard.checked(), me);
            RefusedException r = assertThrows(RefusedException.class,
                    () -> maps.prepare(me, plan, true, null, opener));
            assertEquals("--map", r.field(), r.reason());
            assertTrue(r.reason().contains("replaced after it was checked") && r.reason().contains(twin.toString())
                    && r.reason().contains("nothing was written"), r.reason());
            assertArrayEquals(before, new long[] {sectorsRead(twin), sectorsWritten(twin), sectorsWritten(dst),
                sectorsWritten(src)}, "nothing read from the link's target, nothing written anywhere");
            assertArrayEquals(map, Files.readAllBytes(file), "the map is kept as it was");

            // what a check by path would have done: read the other device, found the same bytes, resumed
            assertEquals(DONE, maps.prepare(me, plan, true, null, DeviceOpener.BY_PATH).resumeAt());
            assertTrue(sectorsRead(twin) > before[0]);
        }
    }

    /** What checked {@link #imagePlan}'s files. */
    private RequestGuard guard;

    private CopyPlanner.Plan imagePlan(byte[] data) throws Exception {
        Path src = Files.write(dir.resolve("src.img"), data);
        Path dst = Files.write(dir.resolve("dst.img"), new byte[data.length]);
        guard = new RequestGuard(me);
        return new CopyPlanner(List.of(), CopyPlanner.Options.NONE).copy(
                guard.source(RegionSpec.parse("SOURCE", src.toString())),
                List.of(guard.destination(RegionSpec.parse("DEST 1", dst.toString()))));
    }

    @Test
    void aMapFileInTheHelpersFolderReplacedByALinkIsNotFollowed() throws Exception {
        CopyPlanner.Plan plan = imagePlan(new byte[SIZE]);
        HelperMaps maps = new HelperMaps(dir.resolve("maps"));
        HelperMaps.safeFolder(maps.folder(me));
        Path file = new MapStore(maps.folder(me)).fileFor(plan);
        // the link leads to a map of this very job: following it would resume
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere")).resolve("job.map");
        try (BlockDevice in = FileBlockDevice.open(plan.source().path(), false, 512)) {
            TestMaps.writeResumable(elsewhere, plan, DONE, in);
        }
        byte[] theirs = Files.readAllBytes(elsewhere);
        Files.createSymbolicLink(file, elsewhere);
        DeviceOpener opener = new PinnedOpener(guard.checked(), me);

        RefusedException r = assertThrows(RefusedException.class, () -> maps.prepare(me, plan, true, null, opener));
        assertEquals("resume", r.field());
        assertTrue(r.reason().contains("is a symbolic link, not the helper's own file"), r.reason());
        assertArrayEquals(theirs, Files.readAllBytes(elsewhere));

        // a new job (no resume): the link goes, not what it leads to
        JobMap fresh = maps.prepare(me, plan, false, null, opener);
        assertEquals(0, fresh.resumeAt());
        assertFalse(Files.exists(file, LinkOption.NOFOLLOW_LINKS));
        assertArrayEquals(theirs, Files.readAllBytes(elsewhere));
    }

    /** The job's map in the helper's folder, as a run of the helper left it; resuming from it works. */
    private Path helpersMap(HelperMaps maps, CopyPlanner.Plan plan, DeviceOpener opener) throws Exception {
        HelperMaps.safeFolder(maps.folder(me));
        Path file = new MapStore(maps.folder(me)).fileFor(plan);
        try (BlockDevice in = FileBlockDevice.open(plan.source().path(), false, 512)) {
            TestMaps.writeResumable(file, plan, DONE, in);
        }
        assertEquals(DONE, maps.prepare(me, plan, true, null, opener).resumeAt(), "the helper's own map");
        return file;
    }

    @Test
    void aMapFileWithASecondNameIsNotTheHelpers() throws Exception {
        CopyPlanner.Plan plan = imagePlan(new byte[SIZE]);
        HelperMaps maps = new HelperMaps(dir.resolve("maps"));
        DeviceOpener opener = new PinnedOpener(guard.checked(), me);
        Path file = helpersMap(maps, plan, opener);
        Files.createLink(dir.resolve("second"), file);
        RefusedException linked = assertThrows(RefusedException.class,
                () -> maps.prepare(me, plan, true, null, opener));
        assertEquals("resume", linked.field());
        assertTrue(linked.reason().contains("a file with 2 links"), linked.reason());
    }

    @Test
    void aMapFileOfAnotherUserIsNotTheHelpers() throws Exception {
        assumeTrue(me.uid() == 0, "changing a file's owner needs root (running as uid " + me.uid() + ")");
        CopyPlanner.Plan plan = imagePlan(new byte[SIZE]);
        HelperMaps maps = new HelperMaps(dir.resolve("maps"));
        DeviceOpener opener = new PinnedOpener(guard.checked(), me);
        Path file = helpersMap(maps, plan, opener);
        Files.setAttribute(file, "unix:uid", 65534);
        RefusedException theirs = assertThrows(RefusedException.class,
                () -> maps.prepare(me, plan, true, null, opener));
        assertTrue(theirs.reason().contains("owned by user 65534"), theirs.reason());
    }
}
