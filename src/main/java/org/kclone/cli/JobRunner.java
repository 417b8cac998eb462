package org.kclone.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.OpenedPlan;
import org.kclone.device.RefusedException;
import org.kclone.device.Sizes;
import org.kclone.device.Verifier;
import org.kclone.engine.IoRegion;
import org.kclone.engine.JobResult;
import org.kclone.engine.KcopydClient;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;
import org.kclone.engine.KcopydJob;
import org.kclone.engine.SectorRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a planned copy or zero: confirmation, opening, the engine job, verification, the report. */
final class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String command;
    private final WriteOptions options;
    private final Terminal terminal;
    private final PrintWriter out;
    private final PrintWriter err;

    JobRunner(String command, WriteOptions options, Terminal terminal, PrintWriter out, PrintWriter err) {
        this.command = command;
        this.options = options;
        this.terminal = terminal;
        this.out = out;
        this.err = err;
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
            throw new RefusedException("--pages", options.pages + " pages (" + Sizes.human(options.pages * 4096L)
                    + ") cannot hold one chunk of " + Sizes.human(config.chunkBytes()) + "; give at least "
                    + config.pagesPerChunk());
        }
        limit();
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
        for (Endpoint d : plan.destinations()) {
            err.println("  " + d.field() + ": " + d.describe());
        }
        String answer = terminal.ask(err, "Everything in these regions will be lost. Type 'yes' to go on: ");
        if (answer == null || !answer.trim().equals("yes")) {
            throw new RefusedException("confirmation", "not confirmed (answer was "
                    + (answer == null ? "end of input" : "'" + answer.trim() + "'") + "); nothing was written");
        }
    }

    /** Runs the plan and returns the exit code; the report goes to stdout. */
    int run(CopyPlanner.Plan plan, boolean verify, boolean ignoreErrors) throws RefusedException, IOException,
            InterruptedException {
        KcopydConfig config = config();
        long limit = limit();
        confirm(plan);
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
        try (OpenedPlan opened = OpenedPlan.open(plan, true)) {
            KcopydClient client = KcopydClient.create(options.pages, config);
            client.setThrottle(limit);
            long t0 = System.nanoTime();
            AtomicBoolean interrupted = new AtomicBoolean();
            JobResult result;
            long[] written;
            Verifier.Result verified = null;
            try {
                List<IoRegion> dests = opened.destinationRegions();
                KcopydJob job = plan.source() != null
                        ? client.copy(opened.sourceRegion(), dests, flags, (r, w, res) -> { })
                        : client.zero(dests, flags, (r, w, res) -> { });
                List<String> names = plan.destinations().stream().map(d -> d.path().toString()).toList();
                try (Interrupts ignored = Interrupts.onInterrupt(() -> {
                        interrupted.set(true);
                        err.println();
                        err.println("kclone: interrupted: finishing the writes in flight and flushing...");
                        err.flush();
                        job.cancel();
                    });
                        ProgressPrinter p = new ProgressPrinter(err, terminal.stderrIsTerminal(),
                                plan.source() != null ? "copied" : "zeroed", names, job.totalBytes(),
                                () -> job.progress().bytesWritten())) {
                    result = job.await();
                    written = job.progress().bytesWritten();
                    if (verify && !result.cancelled() && plan.source() != null) {
                        List<IoRegion> toVerify = new ArrayList<>();
                        List<Integer> index = new ArrayList<>();
                        for (int i = 0; i < dests.size(); i++) {
                            if (!result.failed(i)) {
                                toVerify.add(dests.get(i));
                                index.add(i);
                            }
                        }
                        if (!toVerify.isEmpty()) {
                            err.println("kclone: verifying " + toVerify.size() + " destination(s), reading back past"
                                    + " the page cache...");
                            err.flush();
                            AtomicLong verifiedBytes = new AtomicLong();
                            verified = Verifier.verify(opened.sourceRegion(), toVerify, result.unreadable(),
                                    verifiedBytes::set, interrupted::get);
                            verified = spread(verified, index, dests.size());
                        }
                    }
                }
            } finally {
                client.destroy();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Report report = report(plan, result, written, verified, seconds, interrupted.get());
            print(report);
            return report.exitCode();
        }
    }

    /** Puts verification outcomes back at their destination index (failed ones were not verified). */
    private static Verifier.Result spread(Verifier.Result v, List<Integer> index, int n) {
        List<Verifier.Outcome> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(null);
        }
        for (int k = 0; k < index.size(); k++) {
            all.set(index.get(k), v.destinations().get(k));
        }
        return new Verifier.Result(all, v.unreadableSource(), v.cancelled());
    }

    private Report report(CopyPlanner.Plan plan, JobResult result, long[] written, Verifier.Result verified,
            double seconds, boolean interrupted) {
        List<Report.Destination> dests = new ArrayList<>();
        for (int i = 0; i < plan.destinations().size(); i++) {
            Endpoint e = plan.destinations().get(i);
            String status = "ok";
            String error = null;
            List<Report.Range> mismatches = List.of();
            long needed = e.count() * Sizes.SECTOR;
            if (result.failed(i)) {
                status = "failed";
                Exception ex = result.destinationErrors().get(i);
                error = ex == null ? "failed" : ex.getMessage();
            } else if (written[i] < needed) {
                // Never "ok" for a destination that did not get everything: the job stopped early.
                status = "failed";
                error = "incomplete: " + written[i] + " of " + needed + " bytes written; the job stopped "
                        + (result.cancelled() ? "when it was cancelled"
                                : result.readError() ? "at a source read error (--ignore-errors goes past it)"
                                        : "at another destination's error (--strict)");
            } else if (verified != null && verified.destinations().get(i) != null) {
                Verifier.Outcome o = verified.destinations().get(i);
                if (o.error() != null) {
                    status = "failed";
                    error = "reading back for verification: " + o.error().getMessage();
                } else if (!o.mismatches().isEmpty()) {
                    status = "mismatch";
                    mismatches = Report.Range.of(o.mismatches());
                }
            }
            dests.add(new Report.Destination(e.path().toString(), e.start(), e.count(), status, error, mismatches));
        }
        List<SectorRange> readErrors = verified != null ? verified.unreadableSource() : result.unreadable();
        boolean cancelled = result.cancelled() || interrupted || (verified != null && verified.cancelled());
        Report.Region source = plan.source() == null ? null
                : new Report.Region(plan.source().path().toString(), plan.source().start(), plan.source().count());
        return new Report(command, source, result.bytesCopied(), Math.round(seconds * 1000) / 1000.0, cancelled,
                Report.Range.of(readErrors), dests);
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
        for (Report.Destination d : report.destinations()) {
            switch (d.status()) {
                case "ok" -> out.printf("  ok        %s%n", d.path());
                case "failed" -> out.printf("  FAILED    %s: %s%n", d.path(), d.error());
                default -> out.printf("  MISMATCH  %s: sectors %s%n", d.path(), d.mismatches().stream()
                        .map(r -> r.start() + "+" + r.count()).toList());
            }
        }
        out.flush();
        LOG.debug("report printed");
    }
}
