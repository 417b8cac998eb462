package org.kclone.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.Report;
import org.kclone.device.Sizes;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;

/** Runs a planned copy or zero: confirmation, opening, the engine job, verification, the report. */
final class JobRunner {

    static final ObjectMapper JSON = org.kclone.device.report.ReportFiles.JSON;

    private final String command;
    private final WriteOptions options;
    private final Terminal terminal;
    private final PrintWriter out;
    private final PrintWriter err;
    /** What a signal does: at the prompt a refusal, then a clean cancel, a second one quits. */
    final JobSignals signals;

    JobRunner(String command, WriteOptions options, Terminal terminal, PrintWriter out, PrintWriter err) {
        this.command = command;
        this.options = options;
        this.terminal = terminal;
        this.out = out;
        this.err = err;
        this.signals = new JobSignals(err);
    }

    /** Checks the tuning options before anything is touched. */
    KcopydConfig config() throws RefusedException {
        long chunk;
        try {
            chunk = Sizes.toBytes(options.chunk);
        } catch (IllegalArgumentException e) {
            throw new RefusedException("--chunk", e.getMessage());
        }
        KcopydConfig config;
        try {
            config = KcopydConfig.DEFAULT.withChunkBytes((int) Math.min(chunk, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new RefusedException("--chunk", e.getMessage());
        }
        if (options.pages < config.pagesPerChunk()) {
            throw new RefusedException("--pages", options.pages + " pages"
                    + (options.pages > 0 ? " (" + Sizes.human(options.pages * 4096L) + ")" : "")
                    + " cannot hold one chunk of " + Sizes.human(config.chunkBytes()) + "; give at least "
                    + config.pagesPerChunk());
        }
        int usable = PageBudget.usable(config);
        if (options.pages > usable) {
            err.println("kclone: --pages " + options.pages + " capped at " + usable + " (" + Sizes.human(usable * 4096L)
                    + "): a job holds at most " + config.maxChunksInFlight() + " chunks of "
                    + Sizes.human(config.chunkBytes()) + " in flight, so more pages would never be used");
            err.flush();
            options.pages = usable;
        }
        PageBudget.check(options.pages, config, PageBudget.Machine.current());
        limit();
        if (options.report != null) {
            ReportFile.check(options.report);
        }
        return config;
    }

    long limit() throws RefusedException {
        if (options.limit == null) {
            return 0;
        }
        try {
            long rate = Sizes.toBytes(options.limit);
            if (rate <= 0) {
                throw new IllegalArgumentException("must be more than 0");
            }
            return rate;
        } catch (IllegalArgumentException e) {
            throw new RefusedException("--limit", e.getMessage());
        }
    }

    /** Asks for confirmation unless --yes; refuses without a terminal. */
    void confirm(CopyPlanner.Plan plan) throws RefusedException, IOException {
        if (options.yes) {
            return;
        }
        if (!terminal.stdinIsTerminal()) {
            throw new RefusedException("--yes", "standard input is not a terminal, so nobody can confirm; nothing was"
                    + " written. Pass --yes to confirm in a script");
        }
        err.println();
        if (plan.source() != null) {
            err.println("Source:  " + plan.source().describe());
        }
        err.println("kclone will OVERWRITE " + (plan.source() != null ? "with the source" : "with zeros") + ":");
        for (int i = 0; i < plan.destinations().size(); i++) {
            Endpoint d = plan.destinations().get(i);
            String line = "  " + d.field() + ": " + d.describe();
            if (plan.loopsUnder().containsKey(d.field())) {
                line += "  (loop device " + org.kclone.device.LoopBacking.describe(plan.loopsUnder().get(d.field()))
                        + ")";
            }
            String busy = d.kind() == Endpoint.Kind.BLOCK && d.device() != null ? d.device().busy() : null;
            if (busy != null) {
                line += "  " + busy.replaceFirst("^mounted at", "MOUNTED at").replace("held by", "HELD by")
                        + ", written anyway (--force)";
            }
            err.println(line);
            String note = i < gpt.size() ? gpt.get(i).note() : null;
            if (note != null) {
                err.println("      " + note);
            }
        }
        String answer = terminal.ask(err, "Everything in these regions will be lost. Type 'yes' to go on: ");
        if (answer == null || !answer.trim().equals("yes")) {
            throw new RefusedException("confirmation", "not confirmed (answer was "
                    + (answer == null ? "end of input" : "'" + answer.trim() + "'") + "); nothing was written");
        }
    }

    private boolean growLast;
    private boolean usedOnly;
    private boolean wipeFree;

    /** {@code --used-only} (and {@code --wipe-free}): copy only what the file systems use. */
    JobRunner usedOnly(boolean used, boolean wipe) {
        this.usedOnly = used;
        this.wipeFree = wipe;
        return this;
    }

    private org.kclone.device.resume.JobMap map;

    /** With --map: the job's map, read and checked (null: none). */
    JobRunner map(org.kclone.device.resume.JobMap m) {
        this.map = m;
        return this;
    }
    private List<org.kclone.device.gpt.GptFixup> gpt = List.of();

    /** With --grow-last, and what the GPT fix-up will do on each destination (shown in the plan). */
    JobRunner gpt(boolean growLast, List<org.kclone.device.gpt.GptFixup> preview) {
        this.growLast = growLast;
        this.gpt = preview;
        return this;
    }

    /** Makes the plan from a fresh discovery: the command's regions and options, every guard. */
    interface Planning {
        CopyPlanner.Plan plan() throws RefusedException;
    }

    private Planning again;

    /** How to make the plan again after the confirmation; every command that writes gives it. */
    JobRunner replanning(Planning planning) {
        this.again = planning;
        return this;
    }

    /**
     * After the confirmation, right before opening: discovery and every guard again (a prompt can
     * wait for hours), refused unless the fresh plan targets what the person confirmed.
     */
    CopyPlanner.Plan recheck(CopyPlanner.Plan confirmed) throws RefusedException {
        if (again == null) {
            throw new IllegalStateException("no way to re-check the plan after the confirmation was given");
        }
        CopyPlanner.Plan fresh;
        try {
            fresh = again.plan();
        } catch (RefusedException e) {
            // a guard that passed before the prompt fails now: say that something changed meanwhile
            throw new RefusedException(e.field(), "changed after the confirmation: " + e.reason()
                    + (e.reason().contains("nothing was written") ? "" : "; nothing was written"));
        }
        fresh.checkUnchangedSince(confirmed);
        return fresh;
    }

    /** Runs the plan and returns the exit code; the report goes to stdout. */
    int run(CopyPlanner.Plan plan, boolean verify, boolean ignoreErrors) throws RefusedException, IOException,
            InterruptedException {
        KcopydConfig config = config();
        long limit = limit();
        AtomicReference<CloneRun> running = new AtomicReference<>();
        AtomicReference<String> signalled = new AtomicReference<>();
        // The handlers go in before the prompt: a signal there is a refusal (nothing was written),
        // and from the first byte written SIGINT, SIGTERM and SIGHUP cancel cleanly (flush, report,
        // exit 1) instead of killing kclone mid-write; a second one quits at once, saying so.
        try (Interrupts ignored = Interrupts.onSignal(signal -> signals.firstSignal(signal, running, signalled),
                signal -> signals.secondSignal(running.get()))) {
            ReportFile.notAnEndpoint(options.report, plan);
            confirm(plan);
            signals.confirmed();
            return start(plan, verify, ignoreErrors, config, limit, running, signalled);
        }
    }

    private int start(CopyPlanner.Plan plan, boolean verify, boolean ignoreErrors, KcopydConfig config, long limit,
            AtomicReference<CloneRun> running, AtomicReference<String> signalled) throws RefusedException,
            IOException, InterruptedException {
        CopyPlanner.Plan fresh = recheck(plan);
        Set<KcopydFlag> flags = EnumSet.noneOf(KcopydFlag.class);
        if (!options.strict) {
            flags.add(KcopydFlag.DROP_FAILED_DESTINATIONS);
        }
        if (ignoreErrors) {
            flags.add(KcopydFlag.IGNORE_ERROR);
        }
        if (options.sequential) {
            flags.add(KcopydFlag.WRITE_SEQ);
        }
        List<String> names = plan.destinations().stream().map(d -> d.path().toString()).toList();
        String verb = plan.source() != null ? "copied" : "zeroed";
        AtomicReference<ProgressPrinter> printer = new AtomicReference<>();
        Report report;
        java.time.Instant startedAt = java.time.Instant.now();
        CloneRun run = CloneRun.start(fresh, new CloneRun.Settings(options.pages, config, limit, flags, verify,
                options.probeMode(), growLast).withMap(map).withUsedOnly(usedOnly, wipeFree),
                new CloneRun.Listener() {
                    @Override
                    public void probing(List<String> destinations) {
                        err.println("kclone: checking " + String.join(", ", destinations)
                                + " for fake capacity (a few seconds; --no-probe skips it)...");
                        err.flush();
                    }

                    @Override
                    public void verifying(CloneRun r) {
                        ProgressPrinter p = printer.get();
                        if (p != null) {
                            p.phaseChanged();
                        }
                    }
                });
        running.set(run);
        if (signalled.get() != null) {
            signals.cancel(run, signalled.get()); // a signal came while the devices were being opened
        }
        long exact = fresh.source() != null && !usedOnly ? fresh.source().byteLength() : run.totalBytes();
        if (run.usedCopy() != null) {
            err.println("kclone: --used-only: copying " + Sizes.human(run.usedCopy().bytes()) + " of "
                    + Sizes.human(fresh.source().count() * Sizes.SECTOR) + " (the rest is free space)");
            err.flush();
        }
        try (ProgressPrinter p = new ProgressPrinter(err, terminal.stderrIsTerminal(), names, exact,
                () -> snapshot(run, verb))) {
            printer.set(p);
            if (run.phase() == CloneRun.Phase.VERIFYING) {
                p.phaseChanged(); // verification began before the printer was there
            }
            report = run.await();
        }
        report = report.withAudit(org.kclone.device.report.AuditInfo.of(fresh, report, verify, startedAt,
                java.time.Instant.now(), usedOptions(verify, ignoreErrors)));
        print(report);
        return ReportFile.write(options.report, report, err, report.exitCode());
    }

    private final java.util.Map<String, Object> more = new java.util.LinkedHashMap<>();

    /** An option of the command itself (not in WriteOptions) that the report lists among the options used. */
    JobRunner option(String name, Object value) {
        more.put(name, value);
        return this;
    }

    /** The options this job ran with, by their command-line names, for the report. */
    java.util.Map<String, Object> usedOptions(boolean verify, boolean ignoreErrors) {
        java.util.Map<String, Object> o = org.kclone.device.report.AuditInfo.newOptions();
        if ("copy".equals(command)) {
            o.put("verify", verify);
            o.put("ignoreErrors", ignoreErrors);
        }
        o.putAll(more);
        o.put("strict", options.strict);
        o.put("sequential", options.sequential);
        o.put("force", options.force);
        o.put("allowSystemDisk", options.allowSystemDisk);
        o.put("chunk", options.chunk);
        o.put("pages", options.pages);
        o.put("limit", options.limit);
        o.put("probe", options.probeMode().name().toLowerCase(java.util.Locale.ROOT));
        o.put("yes", options.yes);
        o.put("json", options.json);
        o.put("report", options.report != null ? options.report.toString() : null);
        return o;
    }

    /** What the progress line shows: the copy's bytes per destination, then verification's. */
    private static ProgressPrinter.Snapshot snapshot(CloneRun run, String verb) {
        List<ProgressPrinter.Row> rows = new ArrayList<>();
        CloneRun.Phase phase = run.phase();
        int n = run.plan().destinations().size();
        boolean readBack = phase != CloneRun.Phase.COPYING
                && java.util.stream.IntStream.range(0, n).anyMatch(run::isVerifying);
        if (readBack) {
            long v = run.verifiedBytes();
            for (int i = 0; i < n; i++) {
                rows.add(run.isVerifying(i) ? ProgressPrinter.Row.active(v)
                        : ProgressPrinter.Row.out(run.error(i) != null ? "failed: " + run.error(i) : "not verified"));
            }
            return new ProgressPrinter.Snapshot(phase == CloneRun.Phase.VERIFYING ? "verifying" : "verified", rows);
        }
        long[] written = run.written();
        for (int i = 0; i < written.length; i++) {
            String error = run.error(i);
            rows.add(error == null ? ProgressPrinter.Row.active(written[i]) : ProgressPrinter.Row.out("failed: " + error));
        }
        return new ProgressPrinter.Snapshot(verb, rows, run.copiedBefore());
    }

    void print(Report report) throws IOException {
        if (options.json) {
            out.println(JSON.writeValueAsString(report));
            out.flush();
            return;
        }
        printHuman(report, out);
    }

    static void printHuman(Report report, PrintWriter out) {
        out.printf("%s: %s in %.1f s%s%n", report.command(), Sizes.human(report.bytes()), report.seconds(),
                report.cancelled() ? " (CANCELLED)" : "");
        for (Report.Range r : report.readErrors()) {
            out.printf("  unreadable source sectors %d+%d%n", r.start(), r.count());
        }
        if (report.usedOnly() != null) {
            UsedOnlyText.print(report.usedOnly(), out);
        }
        for (Report.Destination d : report.destinations()) {
            switch (d.status()) {
                case "ok" -> out.printf("  ok        %s%n", d.path());
                case "failed" -> out.printf("  FAILED    %s: %s%n", d.path(), d.error());
                case "mismatch" -> out.printf("  MISMATCH  %s: %s%n", d.path(), mismatchText(d));
                // unverified, or any status this printer does not know: never shown as ok
                default -> out.printf("  %-9s %s: %s%n", d.status().toUpperCase(java.util.Locale.ROOT), d.path(),
                        d.error());
            }
            if (d.gpt() != null) {
                out.printf("            %s%n", d.gpt());
            }
        }
        out.flush();
    }

    /** {@code sectors 7048+1, 9000+8 (source sectors 2952+1, 4904+8)}: the destination's own sectors. */
    static String mismatchText(Report.Destination d) {
        int shown = Math.min(d.mismatches().size(), 20);
        List<Report.Mismatch> first = d.mismatches().subList(0, shown);
        String more = d.mismatches().size() > shown ? ", and " + (d.mismatches().size() - shown)
                + " more ranges (--json lists them all)" : "";
        return "sectors " + String.join(", ", first.stream().map(m -> m.start() + "+" + m.count()).toList())
                + " (source sectors " + String.join(", ", first.stream().map(m -> m.sourceStart() + "+" + m.count())
                        .toList()) + ")" + more + (d.error() != null ? "; " + d.error() : "");
    }
}
