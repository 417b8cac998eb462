package org.kclone.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.resume.MapStore;

/**
 * How the window runs a job: in this process ({@link #IN_PROCESS}), or in the privileged helper
 * ({@link #helper}: {@code kclone helper} through pkexec). {@link JobViewModel} sees a
 * {@link JobRun} either way. {@link #automatic()} chooses per job: in this process when it can
 * open every device of the plan itself (root, or a member of the disk group, or image files
 * only), else through the helper.
 */
interface JobLauncher {

    /** The installed program the polkit action org.kclone.helper allows (resources/org.kclone.helper.policy). */
    Path INSTALLED = Path.of("/opt/kclone/bin/kclone");

    JobRun start(CopyPlanner.Plan plan, CloneRun.Settings settings) throws RefusedException;

    /**
     * With the person's choice for an interrupted job of this plan: {@code resume} continues it from
     * its map, else the job starts over (its old map goes). Launchers without maps ignore it.
     */
    default JobRun start(CopyPlanner.Plan plan, CloneRun.Settings settings, boolean resume) throws RefusedException {
        return start(plan, settings);
    }

    JobLauncher IN_PROCESS = (plan, settings) -> JobRun.of(CloneRun.start(plan, settings));

    /**
     * In this process, started on a thread of its own ({@link StartingRun}: the map's checks and a
     * used-blocks-only job's planning read the disks), each job keeping its map in {@code maps}.
     */
    static JobLauncher inProcess(MapStore maps) {
        return resumable((plan, settings, resume) -> {
            String waiting = settings.usedOnly() ? "starting: reading the source's file systems for the used blocks"
                    : resume ? "starting: checking the interrupted job against the devices" : "starting";
            return StartingRun.start(plan.destinations().size(), waiting,
                    () -> WindowMaps.start(maps, plan, settings, resume));
        });
    }

    /** Through the helper started by {@code command} (tests: the helper itself, without pkexec). */
    static JobLauncher helper(List<String> command) {
        return helper(command, line -> { });
    }

    /** Through the helper started by {@code command}, its standard error's lines handed to {@code log}. */
    static JobLauncher helper(List<String> command, java.util.function.Consumer<String> log) {
        return resumable((plan, settings, resume) -> HelperJobRun.start(command, plan, settings, resume, log));
    }

    /** In this process when it may open every device of the plan, else through pkexec and the helper. */
    static JobLauncher automatic() {
        return automatic(line -> { });
    }

    /** As {@link #automatic()}, the helper's standard error lines (pkexec's too) handed to {@code log}. */
    static JobLauncher automatic(java.util.function.Consumer<String> log) {
        MapStore maps = MapStore.user(System.getenv());
        return resumable((plan, settings, resume) -> canOpenAll(plan) ? inProcess(maps).start(plan, settings, resume)
                : HelperNotes.start(maps, pkexecCommand(), plan, settings, resume, log));
    }

    /** A job start given the person's choice for an interrupted job (resume, or start over). */
    @FunctionalInterface
    interface ResumableStart {
        JobRun start(CopyPlanner.Plan plan, CloneRun.Settings settings, boolean resume) throws RefusedException;
    }

    /** A launcher whose every job goes to {@code how}; without a choice, the job starts over (no resume). */
    private static JobLauncher resumable(ResumableStart how) {
        return new JobLauncher() {
            @Override
            public JobRun start(CopyPlanner.Plan plan, CloneRun.Settings settings) throws RefusedException {
                return how.start(plan, settings, false);
            }

            @Override
            public JobRun start(CopyPlanner.Plan plan, CloneRun.Settings settings, boolean resume)
                    throws RefusedException {
                return how.start(plan, settings, resume);
            }
        };
    }

    /** Whether this process may read the source and write every destination (access(2), as the kernel says). */
    static boolean canOpenAll(CopyPlanner.Plan plan) {
        if (plan.source() != null && !Files.isReadable(plan.source().path())) {
            return false;
        }
        for (Endpoint e : plan.destinations()) {
            Path p = e.kind() == Endpoint.Kind.NEW_IMAGE ? e.path().toAbsolutePath().getParent() : e.path();
            if (p == null || !Files.isWritable(p)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code pkexec /opt/kclone/bin/kclone helper} when kclone is installed (polkit then asks under
     * the action org.kclone.helper, with its message). Run from a build, there is no such program:
     * pkexec runs this same Java with this same class path (polkit asks with its generic message,
     * for the administrator's password, showing that command line).
     */
    static List<String> pkexecCommand() {
        List<String> cmd = new ArrayList<>(List.of("pkexec"));
        if (Files.isExecutable(INSTALLED)) {
            cmd.addAll(List.of(INSTALLED.toString(), "helper"));
        } else {
            cmd.addAll(javaCommand());
            cmd.add("helper");
        }
        return cmd;
    }

    /** This JVM and class path running org.kclone.Main (no further arguments). */
    static List<String> javaCommand() {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "org.kclone.Main"));
    }
}
