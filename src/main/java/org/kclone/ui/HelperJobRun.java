package org.kclone.ui;

import java.util.List;
import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.Report;
import org.kclone.engine.KcopydFlag;
import org.kclone.engine.SectorRange;
import org.kclone.helper.HelperClient;
import org.kclone.helper.Protocol;

/**
 * A job run by the privileged helper, seen as a {@link JobRun}: the helper's events, kept by
 * {@link HelperClient}, read by the window's timer like an in-process run's counters. The helper
 * plans again from the regions sent (every guard runs there), so what is sent is only the
 * regions and the options.
 */
final class HelperJobRun implements JobRun {

    private final HelperClient client;

    private HelperJobRun(HelperClient client) {
        this.client = client;
    }

    static HelperJobRun start(List<String> command, CopyPlanner.Plan plan, CloneRun.Settings settings) {
        return start(command, plan, settings, false, line -> { });
    }

    /** With {@code resume}: the helper continues the job from the map it kept of it (its own, in its folder). */
    static HelperJobRun start(List<String> command, CopyPlanner.Plan plan, CloneRun.Settings settings,
            boolean resume) {
        return start(command, plan, settings, resume, line -> { });
    }

    /**
     * Starts the helper; each line it (or pkexec) prints to its standard error goes to {@code log}
     * as "helper: LINE" (the window's Details pane buffer, drained by its 30 Hz poll), and so does
     * what the window set aside of the helper's events (a value out of range), without the prefix.
     */
    static HelperJobRun start(List<String> command, CopyPlanner.Plan plan, CloneRun.Settings settings,
            java.util.function.Consumer<String> log) {
        return start(command, plan, settings, false, log);
    }

    /** Both: resuming from the helper's own map, and its standard error lines to {@code log}. */
    static HelperJobRun start(List<String> command, CopyPlanner.Plan plan, CloneRun.Settings settings,
            boolean resume, java.util.function.Consumer<String> log) {
        return new HelperJobRun(HelperClient.start(command, request(plan, settings, resume),
                plan.destinations().get(0).byteLength(), line -> log.accept(STDERR_PREFIX + line), log));
    }

    /** What leads each of the helper's standard error lines in the Details pane. */
    static final String STDERR_PREFIX = "helper: ";

    static Protocol.Request request(CopyPlanner.Plan plan, CloneRun.Settings settings) {
        return request(plan, settings, false);
    }

    /** The plan's regions as the command line writes them, with the window's options. */
    static Protocol.Request request(CopyPlanner.Plan plan, CloneRun.Settings settings, boolean resume) {
        Endpoint s = plan.source();
        String source = escape(s) + "@" + s.start() + "+" + s.count();
        List<String> dests = plan.destinations().stream()
                .map(d -> d.start() == 0 ? escape(d) : escape(d) + "@" + d.start()).toList();
        return Protocol.Request.start(source, dests, settings.verify(),
                settings.flags().contains(KcopydFlag.IGNORE_ERROR), settings.bytesPerSecond(),
                settings.probe().name().toLowerCase(java.util.Locale.ROOT), grows(plan), settings.usedOnly(), resume);
    }

    /** Whether the plan extends an existing image file (the window's grow option was ticked for it). */
    static boolean grows(CopyPlanner.Plan plan) {
        return plan.destinations().stream().anyMatch(d -> d.kind() == Endpoint.Kind.IMAGE
                && d.endByte() > d.sizeBytes());
    }

    /** A path with its @ and + doubled (PATH[@START][+LENGTH] reads them literally then), made absolute. */
    private static String escape(Endpoint e) {
        return e.path().toAbsolutePath().toString().replace("@", "@@").replace("+", "++");
    }

    @Override
    public CloneRun.Phase phase() {
        if (client.isDone()) {
            return CloneRun.Phase.DONE;
        }
        try {
            return CloneRun.Phase.valueOf(client.phase());
        } catch (IllegalArgumentException e) {
            return CloneRun.Phase.COPYING;
        }
    }

    @Override
    public long totalBytes() {
        return client.totalBytes();
    }

    @Override
    public boolean probing() {
        return client.probing();
    }

    /** A resumed job's bytes from earlier runs, as the helper said in {@code started} (checked by the client). */
    @Override
    public long copiedBefore() {
        return client.copiedBefore();
    }

    @Override
    public long[] written() {
        return client.written();
    }

    @Override
    public long verifiedBytes() {
        return client.verifiedBytes();
    }

    @Override
    public String error(int i) {
        return client.error(i);
    }

    @Override
    public List<SectorRange> unreadableSoFar() {
        return client.unreadableSoFar();
    }

    @Override
    public boolean isDone() {
        return client.isDone();
    }

    @Override
    public Report report() {
        return client.report();
    }

    @Override
    public void cancel() {
        client.cancel();
    }

    @Override
    public String waitingFor() {
        if (client.isDone() || client.started()) {
            return null;
        }
        return client.authorizing()
                ? "waiting for the administrator password: kclone needs it to open the devices (polkit asks)"
                : "starting: the helper checks the devices";
    }

    @Override
    public String problem() {
        String p = client.problem();
        String map = "Refused by the helper, nothing was written: ";
        for (String field : List.of("--map: ", "map: ", "resume: ")) {
            if (p != null && p.startsWith(map + field)) { // the map's checks, in the window's words
                return "Not started, nothing was written: "
                        + org.kclone.ui.resume.ResumeText.refused(p.substring(map.length() + field.length()));
            }
        }
        return p;
    }
}
