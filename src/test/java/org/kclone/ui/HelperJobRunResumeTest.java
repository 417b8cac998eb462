package org.kclone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RegionSpec;
import org.kclone.ui.table.DestinationRow;

/**
 * A resumed job run through the helper, seen by the window: a stand-in helper (a shell script
 * printing the events a helper prints for a job whose map had 32 MiB of 64 MiB) behind the
 * window's own launcher, {@link JobViewModel} polled with a clock the test moves. The speed and
 * time left count only this run's bytes, and the end line names the bytes copied before, as for a
 * job resumed in the window's own process ({@code DestinationTableViewModelTest}).
 */
class HelperJobRunResumeTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);

    private Path sparse(String name, long bytes) throws Exception {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return p;
    }

    private CopyPlanner.Plan plan() throws Exception {
        Path src = sparse("s.img", 64 * MIB);
        return new CopyPlanner(List.of(), CopyPlanner.Options.NONE).copy(RegionSpec.parse("SOURCE", src.toString()),
                List.of(RegionSpec.parse("DEST 1", sparse("a.img", 64 * MIB).toString()),
                        RegionSpec.parse("DEST 2", sparse("b.img", 64 * MIB).toString())));
    }

    private static String dest(Path p) {
        return "{\"path\":\"" + p + "\",\"start\":0,\"length\":67108864,\"status\":\"ok\",\"error\":null,"
                + "\"mismatches\":[]}";
    }

    /**
     * The stand-in: it checks it was asked to resume, says the job started with {@code started}'s
     * extra JSON, that 40 MiB are on each destination, and once {@code go} exists, the end.
     */
    private List<String> helper(CopyPlanner.Plan plan, String started, Path go) {
        String a = plan.destinations().get(0).path().toString();
        String b = plan.destinations().get(1).path().toString();
        String report = "{\"type\":\"report\",\"report\":{\"command\":\"copy\",\"source\":{\"path\":\"s\",\"start\":0,"
                + "\"length\":67108864},\"bytes\":67108864,\"seconds\":6.0,\"cancelled\":false,\"readErrors\":[],"
                + "\"destinations\":[" + dest(plan.destinations().get(0).path()) + ","
                + dest(plan.destinations().get(1).path()) + "]}}";
        String script = "read -r req; case \"$req\" in *'\"resume\":true'*) ;; *) echo \"not a resume: $req\" >&2;"
                + " exit 9;; esac\n"
                + "echo '{\"type\":\"hello\",\"version\":1}'\n"
                + "echo '{\"type\":\"started\",\"totalBytes\":67108864,\"destinations\":[\"" + a + "\",\"" + b + "\"]"
                + started + "}'\n"
                + "echo '{\"type\":\"progress\",\"phase\":\"COPYING\",\"probing\":false,"
                + "\"written\":[41943040,41943040],\"verified\":0}'\n"
                + "i=0; while [ ! -e '" + go + "' ] && [ $i -lt 2400 ]; do sleep 0.05; i=$((i+1)); done\n"
                + "echo '{\"type\":\"progress\",\"phase\":\"COPYING\",\"probing\":false,"
                + "\"written\":[67108864,67108864],\"verified\":0}'\n"
                + "echo '" + report + "'\n";
        return List.of("/bin/sh", "-c", script);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    private JobViewModel job(CopyPlanner.Plan plan, String started, Path go, List<String> log) {
        JobViewModel job = new JobViewModel();
        job.clock(now::get);
        job.verify().set(false); // the time left then is the copy's only
        job.launcher(JobLauncher.helper(helper(plan, started, go), log::add));
        return job;
    }

    @Test
    void aResumedHelpersJobCountsOnlyThisRunsBytesAndTheEndLineNamesTheEarlierOnes() throws Exception {
        CopyPlanner.Plan plan = plan();
        Path go = dir.resolve("go");
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        JobViewModel job = job(plan, ",\"copiedBefore\":33554432", go, log);
        try {
            job.start(plan, true);
            DestinationRow a = job.rows().get(0);
            await(() -> {
                job.poll(); // as the window's timer does; the clock stays put until the helper said 40 MiB
                return "40 MiB of 64 MiB".equals(a.bytes().get());
            }, "the helper's progress reached the row: " + a.bytes().get() + "; log " + log);
            now.addAndGet(2 * SECOND);
            job.poll();
            assertEquals("40 MiB of 64 MiB", a.bytes().get(), "Done counts the whole job");
            assertEquals("4 MiB/s", a.speed().get(), "8 MiB in 2 s, not 40");
            assertEquals("0:06", a.eta().get(), "24 MiB left at 4 MiB/s");
            assertTrue(job.overallLine().get().contains("; 8 MiB/s total; ETA 0:06"), job.overallLine().get());
        } finally {
            Files.createFile(go);
        }
        await(() -> {
            if (job.running().get()) {
                now.set(1_006 * SECOND);
                job.poll();
            }
            return !job.running().get();
        }, "the job ended: " + job.status().get() + "; log " + log);
        assertEquals("done", job.status().get(), job.overallLine().get());
        assertEquals("Done in 0:06: 2 ok, 0 failed, 0 mismatch; 64 MiB (32 MiB of them copied before the"
                + " interruption) at 5.3 MiB/s average", job.summary().get().text(), "32 MiB in 6 s");
        assertEquals(List.of(), log, "nothing set aside");
    }

    @Test
    void aCopiedBeforeBeyondTheJobIsIgnoredAndSaidInTheDetails() throws Exception {
        CopyPlanner.Plan plan = plan();
        Path go = dir.resolve("go");
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        JobViewModel job = job(plan, ",\"copiedBefore\":99999999999", go, log);
        try {
            job.start(plan, true);
            DestinationRow a = job.rows().get(0);
            await(() -> {
                job.poll();
                return "40 MiB of 64 MiB".equals(a.bytes().get());
            }, "the helper's progress reached the row: " + a.bytes().get() + "; log " + log);
            now.addAndGet(2 * SECOND);
            job.poll();
            assertEquals("20 MiB/s", a.speed().get(), "every byte written counts: nothing believed from before");
            assertEquals(List.of("the helper's 'started' said copiedBefore 99999999999, outside 0 to the job's"
                    + " 67108864 bytes: ignored (the speed and time left count every byte written)"), log);
        } finally {
            Files.createFile(go);
        }
        await(() -> {
            job.poll();
            return !job.running().get();
        }, "the job ended: " + job.status().get());
        assertFalse(job.summary().get().text().contains("before the interruption"), job.summary().get().text());
    }
}
