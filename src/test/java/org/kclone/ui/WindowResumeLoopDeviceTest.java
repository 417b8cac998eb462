package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kclone.testing.MapProgress.sectorsWritten;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Lsblk;
import org.kclone.device.RegionSpec;
import org.kclone.device.resume.MapStore;
import org.kclone.testing.LoopDevices;
import org.kclone.testing.MapProgress;
import org.kclone.ui.resume.ResumeViewModel;

/**
 * A job the window runs in its own process keeps its automatic map: cancelled part way, it is
 * offered for Resume, a changed source refuses the resume in the window's words (nothing written),
 * and the resume writes only what is missing (the kernel's count of sectors written to each loop
 * device says so) and ends with both destinations byte-identical and the map gone.
 */
class WindowResumeLoopDeviceTest {

    private static final int SIZE = 24 << 20;

    @TempDir
    Path dir;

    @Test
    void aCancelledWindowJobIsResumedAndEndsByteIdentical() throws Exception {
        LoopDevices.assumeAvailable();
        byte[] data = new byte[SIZE];
        new Random(12).nextBytes(data);
        Path src = Files.write(dir.resolve("src.img"), data);
        MapStore store = new MapStore(dir.resolve("maps"));
        try (LoopDevices loops = new LoopDevices()) {
            Path a = loops.attach(dir.resolve("a.img"), SIZE);
            Path b = loops.attach(dir.resolve("b.img"), SIZE);
            CopyPlanner.Plan plan = new CopyPlanner(Lsblk.discover(), CopyPlanner.Options.NONE).copy(
                    RegionSpec.parse("SOURCE", src.toString()),
                    List.of(RegionSpec.parse("DEST 1", a.toString()), RegionSpec.parse("DEST 2", b.toString())));
            JobViewModel job = new JobViewModel();
            job.launcher(JobLauncher.inProcess(store));
            job.probe().set(false);
            job.verify().set(false);
            job.limit().set("4M");
            job.start(plan);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (job.running().get() && minWritten(job) < (4 << 20) && System.nanoTime() < deadline) {
                job.poll();
                Thread.sleep(1000 / MainWindow.UPDATES_PER_SECOND);
            }
            job.cancel();
            awaitEnd(job);
            assertEquals("cancelled", job.status().get());
            assertNotNull(job.report().get());

            ResumeViewModel offers = new ResumeViewModel(store, Runnable::run, Runnable::run);
            offers.formChanged(plan);
            MapStore.Unfinished u = offers.forForm().get();
            assertNotNull(u, "a cancelled job keeps its map and is offered");
            assertTrue(u.done() > 0 && u.done() < SIZE, u.toString());
            assertTrue(offers.offer().get().startsWith("An interrupted job wrote "), offers.offer().get());
            offers.scan();
            assertEquals(1, offers.pending().size());

            // the source changed where it was copied: the resume is refused, in the window's words, nothing written
            long[] before = {sectorsWritten(a), sectorsWritten(b)};
            flip(src, 100);
            job.start(plan, true);
            awaitEnd(job);
            String problem = job.problem().get();
            assertNotNull(problem);
            assertTrue(problem.contains("the interrupted job cannot be resumed: the source changed"), problem);
            assertFalse(problem.contains("--") || problem.contains(".map"), problem);
            assertEquals(before[0], sectorsWritten(a), "nothing written");
            assertEquals(before[1], sectorsWritten(b), "nothing written");
            flip(src, 100);

            job.limit().set("");
            job.start(plan, true);
            awaitEnd(job);
            assertEquals("done", job.status().get(), String.valueOf(job.problem().get()));
            assertEquals(SIZE, job.report().get().bytes(), "the report covers the whole job");
            long[] second = {sectorsWritten(a) - before[0], sectorsWritten(b) - before[1]};
            for (long w : second) {
                assertTrue(w <= SIZE - u.done(), "the resume wrote " + w + " bytes, the missing part is "
                        + (SIZE - u.done()));
            }
            for (org.kclone.ui.table.DestinationRow r : job.rows()) { // the whole job, not this run's part
                assertEquals(org.kclone.ui.table.Eta.bytes(SIZE), r.bytes().get());
                assertEquals(1.0, r.progress().get());
            }
            assertArrayEquals(data, MapProgress.read(a, SIZE));
            assertArrayEquals(data, MapProgress.read(b, SIZE));
            assertFalse(Files.exists(u.file()), "a finished job's map is deleted");
            offers.jobEnded();
            assertNull(offers.forForm().get(), "nothing to resume any more");
            assertTrue(offers.pending().isEmpty());
        }
    }

    /** A used-blocks-only window job (the window's default for a whole disk with a file system) keeps its map too. */
    @Test
    void aCancelledUsedBlocksOnlyWindowJobKeepsItsMapAndResumes() throws Exception {
        LoopDevices.assumeAvailable();
        org.kclone.testing.Tools.assumeInstalled("mkfs.ext4", "e2fsck");
        Path files = Files.createDirectories(dir.resolve("files"));
        byte[] content = new byte[12 << 20];
        new Random(13).nextBytes(content);
        Files.write(files.resolve("big.bin"), content);
        Path src = dir.resolve("fs.img");
        try (RandomAccessFile f = new RandomAccessFile(src.toFile(), "rw")) {
            f.setLength(SIZE);
        }
        LoopDevices.run("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", "-d",
                files.toString(), src.toString());
        MapStore store = new MapStore(dir.resolve("maps"));
        try (LoopDevices loops = new LoopDevices()) {
            Path a = loops.attach(dir.resolve("a.img"), SIZE);
            CopyPlanner.Plan plan = new CopyPlanner(Lsblk.discover(), CopyPlanner.Options.NONE).copy(
                    RegionSpec.parse("SOURCE", src.toString()), List.of(RegionSpec.parse("DEST 1", a.toString())));
            JobViewModel job = new JobViewModel();
            job.launcher(JobLauncher.inProcess(store));
            job.sourceChanged(plan.source());
            assertEquals("", job.usedOnlyUnavailable().get(), "offered for a whole image");
            job.usedOnly().set(true); // the box ticked
            job.probe().set(false);
            job.verify().set(false);
            job.limit().set("2M");
            job.start(plan);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (job.running().get() && job.rows().get(0).progress().get() < 0.25 && System.nanoTime() < deadline) {
                job.poll();
                Thread.sleep(1000 / MainWindow.UPDATES_PER_SECOND);
            }
            job.cancel();
            awaitEnd(job);
            assertEquals("cancelled", job.status().get());

            ResumeViewModel offers = new ResumeViewModel(store, Runnable::run, Runnable::run);
            offers.formChanged(plan);
            MapStore.Unfinished u = offers.forForm().get();
            assertNotNull(u, "a cancelled used-blocks-only job keeps its map and is offered");

            // the map is of the used blocks: resuming it as a copy of every sector is refused, in the window's words
            job.usedOnly().set(false);
            job.start(plan, true);
            awaitEnd(job);
            String problem = String.valueOf(job.problem().get());
            assertTrue(problem.contains("copied only the used blocks: tick Used blocks only and Resume"), problem);
            assertFalse(problem.contains("--"), problem);

            job.usedOnly().set(true);
            job.limit().set("");
            job.start(plan, true);
            awaitEnd(job);
            assertEquals("done", job.status().get(), String.valueOf(job.problem().get()));
            assertFalse(Files.exists(u.file()), "a finished job's map is deleted");
            LoopDevices.run("e2fsck", "-fn", a.toString()); // throws unless the clone is clean
            Path back = dir.resolve("back.bin");
            LoopDevices.run("debugfs", "-R", "dump /big.bin " + back, a.toString());
            assertArrayEquals(content, Files.readAllBytes(back), "the file on the resumed clone");
        }
    }

    private static long minWritten(JobViewModel job) {
        return job.rows().stream().mapToLong(r -> (long) (r.progress().get() * SIZE)).min().orElse(0);
    }

    private static void awaitEnd(JobViewModel job) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        do {
            job.poll();
            Thread.sleep(1000 / MainWindow.UPDATES_PER_SECOND);
        } while (job.running().get() && System.nanoTime() < deadline);
        assertFalse(job.running().get(), "the job ended");
    }

    /** Changes one byte and keeps the modification time: only the map's hashes can tell. */
    private static void flip(Path f, long at) throws IOException {
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(f);
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.seek(at);
            int v = r.read();
            r.seek(at);
            r.write(v ^ 0xff);
        }
        Files.setLastModifiedTime(f, mtime);
    }
}
