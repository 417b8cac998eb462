package org.kclone.ui.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RegionSpec;
import org.kclone.device.resume.MapStore;
import org.kclone.device.resume.TestMaps;

/** The offers for interrupted jobs, without a toolkit: the maps are read on the "background" the test runs. */
class ResumeViewModelTest {

    @TempDir
    Path dir;

    private final List<Runnable> background = new ArrayList<>();

    private CopyPlanner.Plan plan(String... dests) throws Exception {
        Path src = dir.resolve("src.img");
        if (!Files.exists(src)) {
            Files.write(src, new byte[4 << 20]);
        }
        List<RegionSpec> specs = new ArrayList<>();
        for (int i = 0; i < dests.length; i++) {
            specs.add(RegionSpec.parse("DEST " + (i + 1), dir.resolve(dests[i]).toString()));
        }
        return new CopyPlanner(List.of(), CopyPlanner.Options.NONE).copy(RegionSpec.parse("SOURCE", src.toString()),
                specs);
    }

    private void runBackground() {
        while (!background.isEmpty()) {
            background.remove(0).run();
        }
    }

    @Test
    void theOfferIsShownOnlyForTheFormsInterruptedJobAndOnlyOnceItsMapIsRead() throws Exception {
        MapStore store = new MapStore(dir.resolve("maps"));
        ResumeViewModel vm = new ResumeViewModel(store, background::add, Runnable::run);
        CopyPlanner.Plan job = plan("a.img", "b.img");
        TestMaps.write(store, job, (4 << 20) * 47L / 100 / 4096 * 4096);
        vm.formChanged(plan("a.img"));
        runBackground();
        assertEquals("", vm.offer().get(), "another job: no offer");
        assertNull(vm.forForm().get());
        vm.formChanged(job);
        assertEquals("", vm.offer().get(), "not read on the caller's thread");
        runBackground();
        assertTrue(vm.offer().get().startsWith("An interrupted job wrote 46 % of this"), vm.offer().get());
        assertFalse(vm.offer().get().contains("--"), "no command-line words");
        assertEquals(store.fileFor(job), vm.forForm().get().file());
        vm.formChanged(null);
        assertEquals("", vm.offer().get(), "no valid form: no offer");
        vm.formChanged(job);
        vm.formChanged(plan("b.img"));
        runBackground();
        assertNull(vm.forForm().get(), "a late answer about an older form is dropped");
    }

    @Test
    void theStartUpLinesListUnfinishedJobsAndDiscardDeletesTheMap() throws Exception {
        MapStore store = new MapStore(dir.resolve("maps"));
        ResumeViewModel vm = new ResumeViewModel(store, background::add, Runnable::run);
        CopyPlanner.Plan job = plan("a.img", "b.img", "c.img");
        Path map = TestMaps.write(store, job, 2 << 20);
        Path finished = TestMaps.write(store, plan("d.img"), 4 << 20);
        vm.scan();
        runBackground();
        assertEquals(1, vm.pending().size());
        assertEquals("An interrupted job: " + dir.resolve("src.img") + " -> 3 drives, 50 % done (2.0 MiB of 4.0 MiB)",
                ResumeViewModel.line(vm.pending().get(0)));
        assertFalse(Files.exists(finished), "a finished job's map is pruned");
        vm.formChanged(job);
        runBackground();
        assertTrue(vm.forForm().get() != null);
        vm.discard(vm.pending().get(0));
        runBackground();
        assertFalse(Files.exists(map), "Discard deletes the map");
        assertTrue(vm.pending().isEmpty());
        assertNull(vm.forForm().get(), "and the offer goes with it");
        assertEquals("", vm.offer().get());
    }

    @Test
    void afterAJobTheOfferFollowsTheFormAsItIsNowNotTheLastPlanAskedAbout() throws Exception {
        MapStore store = new MapStore(dir.resolve("maps"));
        ResumeViewModel vm = new ResumeViewModel(store, background::add, Runnable::run);
        CopyPlanner.Plan job = plan("a.img");
        vm.formChanged(job);
        runBackground();
        assertNull(vm.forForm().get(), "nothing interrupted yet");
        vm.formChanged(null); // while the job ran the form made no plan (its destination held by the job)
        TestMaps.write(store, job, 512 << 10); // the job was cancelled half way: its map stays
        vm.jobEnded(job);
        runBackground();
        assertTrue(vm.forForm().get() != null, "the interrupted job is offered once it has ended");
    }

    @Test
    void aStartUpLineGoesOnceItsJobRunsAndDoesNotComeBackWhenItFinishes() throws Exception {
        MapStore store = new MapStore(dir.resolve("maps"));
        ResumeViewModel vm = new ResumeViewModel(store, background::add, Runnable::run);
        CopyPlanner.Plan job = plan("a.img");
        CopyPlanner.Plan other = plan("b.img");
        TestMaps.write(store, job, 1 << 20);
        TestMaps.write(store, other, 1 << 20);
        vm.scan();
        runBackground();
        assertEquals(2, vm.pending().size());
        vm.jobStarted(job); // Resume: the job runs from its map (the map stays unfinished while it runs)
        runBackground();
        assertEquals(List.of(store.fileFor(other)), vm.pending().stream().map(MapStore.Unfinished::file).toList(),
                "the resumed job's line went; the other's stays");
        vm.scan(); // a scan while the job runs does not list it either
        runBackground();
        assertEquals(1, vm.pending().size());
        TestMaps.write(store, job, 4 << 20); // it finished
        vm.jobEnded(job);
        runBackground();
        assertEquals(List.of(store.fileFor(other)), vm.pending().stream().map(MapStore.Unfinished::file).toList(),
                "finished: not listed again");
        assertNull(vm.forForm().get());
    }

    @Test
    void aResumedJobInterruptedAgainIsListedAfreshAndAHelperJobsNoteGoesWhileItRuns() throws Exception {
        MapStore store = new MapStore(dir.resolve("maps"));
        ResumeViewModel vm = new ResumeViewModel(store, background::add, Runnable::run);
        CopyPlanner.Plan job = plan("a.img");
        TestMaps.write(store, job, 1 << 20);
        vm.scan();
        runBackground();
        vm.jobStarted(job);
        runBackground();
        assertTrue(vm.pending().isEmpty());
        TestMaps.write(store, job, 3 << 20); // cancelled again, further on
        vm.jobEnded(job);
        runBackground();
        assertEquals(1, vm.pending().size());
        assertEquals(75, vm.pending().get(0).percent(), "its line says how far it is now");

        Files.delete(store.fileFor(job));
        CopyPlanner.Plan viaHelper = plan("c.img");
        store.noteHelperJob(viaHelper); // the privileged helper's job: the window has a note of it
        vm.scan();
        runBackground();
        assertTrue(vm.pending().get(0).viaHelper());
        vm.jobStarted(viaHelper);
        runBackground();
        assertTrue(vm.pending().isEmpty(), "the note's line goes too");
    }

    @Test
    void aJobThatEndedBeforeItsFilesWereKnownHidesNothing() throws Exception {
        MapStore store = new MapStore(dir.resolve("maps"));
        ResumeViewModel vm = new ResumeViewModel(store, background::add, Runnable::run);
        CopyPlanner.Plan job = plan("a.img");
        TestMaps.write(store, job, 1 << 20);
        vm.jobStarted(job);
        vm.jobEnded(job); // refused at once: ended before the map's name was worked out
        runBackground();
        assertEquals(1, vm.pending().size(), "still interrupted, still listed");
        vm.scan();
        runBackground();
        assertEquals(1, vm.pending().size());
    }

    @Test
    void aMapsRefusalIsSaidInTheWindowsWords() {
        String said = ResumeText.refused("the source changed where it was already copied: /dev/sdb no longer has"
                + " the bytes it had (edited since?): the map is stale. Copy again without this map; nothing was"
                + " written");
        assertTrue(said.startsWith("the interrupted job cannot be resumed: the source changed"), said);
        assertTrue(said.contains("Start (not Resume) copies everything again"), said);
        assertFalse(said.contains("--") || said.contains("nothing was written"), said);
    }

    @Test
    void interruptedJobsBeyondTheLinesListedAreCounted() {
        assertEquals("", ResumeText.more(0));
        assertEquals("", ResumeText.more(-2));
        assertEquals("and 1 more interrupted job (listed here as these are resumed or discarded)", ResumeText.more(1));
        assertEquals("and 27 more interrupted jobs (listed here as these are resumed or discarded)", ResumeText.more(27));
        assertEquals(3, ResumeView.MAX_LINES);
    }
}
