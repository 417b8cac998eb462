package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RegionSpec;
import org.kclone.device.Report;
import org.kclone.device.resume.MapStore;

/**
 * The window's note of a job the privileged helper runs: the run is done for the window only once
 * the note is settled, so the look at the maps right after a job that ended well never finds it (it
 * did: the window then offered to resume a finished job).
 */
class HelperNotesTest {

    @TempDir
    Path dir;

    /** A helper's run the test ends: done once its report is set. */
    private static final class Run extends ViewModelTest.FakeRun {
        private volatile Report ended;

        Run() {
            super(1 << 20, 1);
        }

        @Override
        public boolean isDone() {
            return ended != null;
        }

        @Override
        public Report report() {
            return ended;
        }
    }

    private static Report report(boolean cancelled, String status) throws Exception {
        String json = "{\"command\":\"copy\",\"source\":{\"path\":\"s\",\"start\":0,\"length\":8},\"bytes\":4096,"
                + "\"seconds\":1.0,\"cancelled\":" + cancelled + ",\"readErrors\":[],\"destinations\":[{\"path\":\"d\","
                + "\"start\":0,\"length\":8,\"status\":\"" + status + "\",\"mismatches\":[]}]}";
        return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Report.class);
    }

    private CopyPlanner.Plan plan(String dest) throws Exception {
        Path src = dir.resolve("src.img");
        if (!Files.exists(src)) {
            Files.write(src, new byte[1 << 20]);
        }
        return new CopyPlanner(List.of(), CopyPlanner.Options.NONE).copy(RegionSpec.parse("SOURCE", src.toString()),
                List.of(RegionSpec.parse("DEST 1", dir.resolve(dest).toString())));
    }

    private static void awaitDone(JobRun run) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!run.isDone() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    @Test
    void aJobThatEndedWellIsDoneOnlyOnceItsNoteIsGone() throws Exception {
        MapStore maps = new MapStore(dir.resolve("maps"));
        CopyPlanner.Plan plan = plan("a.img");
        Run helper = new Run();
        JobRun run = HelperNotes.noted(maps, plan, helper);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (maps.find(plan).isEmpty() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertTrue(maps.find(plan).get().viaHelper(), "while it runs the window has a note of it");
        assertFalse(run.isDone());
        helper.ended = report(false, "ok");
        awaitDone(run);
        assertTrue(run.isDone());
        assertTrue(maps.find(plan).isEmpty(), "done: its note is gone already");
        assertEquals(List.of(), maps.unfinished());
    }

    @Test
    void aCancelledJobKeepsItsNote() throws Exception {
        MapStore maps = new MapStore(dir.resolve("maps"));
        CopyPlanner.Plan plan = plan("b.img");
        Run helper = new Run();
        JobRun run = HelperNotes.noted(maps, plan, helper);
        helper.ended = report(true, "cancelled");
        awaitDone(run);
        assertTrue(run.isDone());
        assertTrue(maps.find(plan).isPresent(), "offered for Resume");
        assertEquals(helper.ended, run.report());
    }
}
