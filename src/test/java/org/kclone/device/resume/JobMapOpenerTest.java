package org.kclone.device.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceOpener;
import org.kclone.device.Endpoint;
import org.kclone.device.OpenedPlan;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.FileBlockDevice;

/**
 * The checks before a resume ({@link JobMap#prepare}, and again on the run's devices in
 * {@link JobMap#begin}) read the source and the destinations only through the job's
 * {@link DeviceOpener} (the privileged helper's pins what it checked), read only, never by path.
 * Here the paths hold zeros and the opener serves twins holding the copied bytes: any read by path
 * would find the source changed and refuse.
 */
class JobMapOpenerTest {

    private static final int SIZE = 4 << 20;
    private static final int DONE = 1 << 20;

    @TempDir
    Path dir;

    /** Opens each endpoint's twin ({@code NAME.twin}), noting what it opened and how. */
    private static final class Recording implements DeviceOpener {
        final List<String> opened = new ArrayList<>();

        @Override
        public BlockDevice open(Endpoint e, boolean writable) throws IOException {
            opened.add(e.field() + (writable ? " rw" : " r"));
            return FileBlockDevice.open(twin(e.path()), writable, e.logicalSectorSize());
        }

        @Override
        public void setLength(Endpoint e, long bytes) {
            throw new AssertionError("nothing is sized");
        }
    }

    private static Path twin(Path p) {
        return p.resolveSibling(p.getFileName() + ".twin");
    }

    @Test
    void theResumeChecksReadThroughTheJobsOpenerOnly() throws Exception {
        byte[] data = new byte[SIZE];
        new Random(11).nextBytes(data);
        byte[] copied = new byte[SIZE];
        System.arraycopy(data, 0, copied, 0, DONE);
        Path src = Files.write(dir.resolve("src.img"), new byte[SIZE]); // by path: zeros
        Path dst = Files.write(dir.resolve("dst.img"), new byte[SIZE]);
        Files.write(twin(src), data);
        Files.write(twin(dst), copied);
        CopyPlanner.Plan plan = new CopyPlanner(List.of(), CopyPlanner.Options.NONE).copy(
                RegionSpec.parse("SOURCE", src.toString()), List.of(RegionSpec.parse("DEST 1", dst.toString())));
        Path file = dir.resolve("job.map");
        try (BlockDevice s = FileBlockDevice.open(twin(src), false, 512)) {
            TestMaps.writeResumable(file, plan, DONE, s);
        }

        RefusedException byPath = assertThrows(RefusedException.class,
                () -> JobMap.prepare(file, 1 << 20, plan, null, DeviceOpener.BY_PATH));
        assertTrue(byPath.reason().contains("the source changed"), "what a read by path finds: " + byPath.reason());

        Recording opener = new Recording();
        JobMap map = JobMap.prepare(file, 1 << 20, plan, null, opener);
        assertEquals(DONE, map.resumeAt());
        assertEquals(List.of("SOURCE r", "DEST 1 r"), opener.opened, "read only, through the opener");

        opener.opened.clear();
        try (OpenedPlan opened = OpenedPlan.open(plan, opener)) {
            map.begin(opened); // checks the source again, opened apart: through the run's opener
            assertEquals(List.of("SOURCE r", "DEST 1 rw", "SOURCE r"), opener.opened);
            map.close();
        }
        assertArrayEquals(new byte[SIZE], Files.readAllBytes(src), "the paths were neither read nor written");
        assertArrayEquals(new byte[SIZE], Files.readAllBytes(dst));
    }

    @Test
    void aMapFileThatIsASymbolicLinkIsNotFollowed() throws Exception {
        Path src = Files.write(dir.resolve("src.img"), new byte[SIZE]);
        Path dst = Files.write(dir.resolve("dst.img"), new byte[SIZE]);
        CopyPlanner.Plan plan = new CopyPlanner(List.of(), CopyPlanner.Options.NONE).copy(
                RegionSpec.parse("SOURCE", src.toString()), List.of(RegionSpec.parse("DEST 1", dst.toString())));
        Path real = dir.resolve("real.map");
        try (BlockDevice s = FileBlockDevice.open(src, false, 512)) {
            TestMaps.writeResumable(real, plan, DONE, s);
        }
        byte[] before = Files.readAllBytes(real);
        Path link = Files.createSymbolicLink(dir.resolve("link.map"), real);
        RefusedException e = assertThrows(RefusedException.class, () -> JobMap.prepare(link, 1 << 20, plan));
        assertEquals("--map", e.field());
        assertTrue(e.reason().contains("is a symbolic link"), e.reason());
        assertThrows(IOException.class, () -> MapFile.read(link), "read with O_NOFOLLOW");

        // a temporary file left as a link to another file: the save makes its own, the other file untouched
        Path victim = Files.writeString(dir.resolve("victim"), "not a map");
        Files.createSymbolicLink(dir.resolve(".real.map.tmp"), victim);
        MapFile.read(real).save(real);
        assertEquals("not a map", Files.readString(victim));
        assertTrue(Files.isRegularFile(real, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(new String(before).lines().filter(l -> !l.startsWith("updated ")).toList(),
                Files.readString(real).lines().filter(l -> !l.startsWith("updated ")).toList());
    }
}
