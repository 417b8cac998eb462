package org.kclone.cli;

import java.util.ArrayList;
import java.util.List;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.Report;
import org.kclone.device.RegionSpec;
import org.kclone.device.Verifier;
import org.kclone.engine.BlockDevice;
import org.kclone.device.image.compress.CompressedImages;
import org.kclone.engine.IoRegion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kclone verify SOURCE DEST...}: compare only. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compare SOURCE with every DEST, reading past the page cache; report mismatching sectors.")
final class VerifyCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE")
    String source;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "DEST")
    List<String> dests = new ArrayList<>();

    @CommandLine.ParentCommand
    private KcloneCommand parent;

    @Option(names = "--json", description = "Print the JSON report on stdout.")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write the report to FILE: printable HTML when FILE ends in .html, else the JSON report.")
    java.nio.file.Path report;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        CopyPlanner.Plan plan;
        try {
            RegionSpec src = RegionSpec.parse("SOURCE", source);
            List<RegionSpec> to = KcloneCommand.destinations(dests);
            plan = new CopyPlanner(Devices.discover(), CopyPlanner.Options.NONE).verify(src, to);
            if (report != null) {
                ReportFile.check(report);
                ReportFile.notAnEndpoint(report, plan);
            }
        } catch (RefusedException e) {
            return KcloneCommand.refused(err, e);
        }
        List<BlockDevice> opened = new ArrayList<>();
        try {
            Endpoint s = plan.source();
            // a compressed image (either side) is compared by its uncompressed bytes
            BlockDevice srcDev = CompressedImages.openForReading(s);
            opened.add(srcDev);
            List<IoRegion> regions = new ArrayList<>();
            for (Endpoint d : plan.destinations()) {
                BlockDevice dev = CompressedImages.openForReading(d);
                opened.add(dev);
                regions.add(new IoRegion(dev, d.start(), d.count()));
            }
            java.time.Instant startedAt = java.time.Instant.now();
            Report r = run(plan, new IoRegion(srcDev, s.start(), s.count()), regions, err);
            java.util.Map<String, Object> used = org.kclone.device.report.AuditInfo.newOptions();
            used.put("json", json);
            used.put("report", report != null ? report.toString() : null);
            r = r.withAudit(org.kclone.device.report.AuditInfo.of(plan, r, true, startedAt, java.time.Instant.now(),
                    used));
            if (json) {
                out.println(JobRunner.JSON.writeValueAsString(r));
                out.flush();
            } else {
                JobRunner.printHuman(r, out);
            }
            return ReportFile.write(report, r, err, r.exitCode());
        } catch (RefusedException e) {
            return KcloneCommand.refused(err, e);
        } finally {
            for (BlockDevice d : opened) {
                d.close();
            }
        }
    }

    /** How kclone quits at once on a second signal; tests replace it. */
    IntConsumer exit = System::exit;

    /**
     * Compares with progress on {@code err}; SIGINT, SIGTERM and SIGHUP stop the comparison (the
     * report says cancelled, what was not fully compared is unverified), a second one quits at once.
     */
    private Report run(CopyPlanner.Plan plan, IoRegion source, List<IoRegion> regions, PrintWriter err) {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicBoolean finished = new AtomicBoolean();
        List<String> names = plan.destinations().stream().map(d -> d.path().toString()).toList();
        try (Interrupts ignored = Interrupts.onSignal(signal -> {
            err.println();
            err.println(Interrupts.interrupted(signal) + ": stopping the verification (nothing is written;"
                    + " interrupt again to quit at once)...");
            err.flush();
            stop.set(true);
        }, signal -> {
            err.println();
            err.println("kclone: second interrupt: quitting without waiting for the verification to stop");
            err.flush();
            exit.accept(1);
        }); ProgressPrinter p = new ProgressPrinter(err, parent.terminal.stderrIsTerminal(), names,
                plan.source().byteLength(), () -> new ProgressPrinter.Snapshot(finished.get() ? "verified"
                        : "verifying", names.stream().map(n -> ProgressPrinter.Row.active(done.get())).toList()))) {
            p.phaseChanged(); // "verifying 0 B of ..." at once
            Report report = compare(plan, source, regions, done::set, stop::get);
            finished.set(true);
            return report;
        }
    }

    /** Compares and makes the report; {@code stop} is polled between windows. */
    static Report compare(CopyPlanner.Plan plan, IoRegion source, List<IoRegion> regions, LongConsumer progress,
            BooleanSupplier stop) {
        long t0 = System.nanoTime();
        Endpoint s = plan.source();
        AtomicLong verified = new AtomicLong();
        Verifier.Result r = Verifier.verify(source, s.byteLength(), regions, List.of(), b -> {
            verified.set(b);
            progress.accept(b);
        }, stop);
        List<Report.Destination> ds = new ArrayList<>();
        for (int i = 0; i < regions.size(); i++) {
            Endpoint d = plan.destinations().get(i);
            Verifier.Outcome o = r.destinations().get(i);
            String status;
            String error;
            if (o.error() != null) {
                status = "failed";
                error = o.error().getMessage();
            } else if (!o.mismatches().isEmpty()) {
                status = "mismatch";
                error = r.cancelled() ? "verification stopped at " + verified.get() + " of " + s.byteLength()
                        + " bytes when it was cancelled; these mismatches were found before" : shortBy(d);
            } else if (r.cancelled()) {
                // Not fully compared: never "ok".
                status = CloneRun.UNVERIFIED;
                error = "verification stopped at " + verified.get() + " of " + s.byteLength()
                        + " bytes when it was cancelled";
            } else {
                status = "ok";
                error = null;
            }
            ds.add(new Report.Destination(d.path().toString(), d.start(), d.count(), status, error,
                    Report.Mismatch.of(o.mismatches(), d.start(), s.start()), null, null,
                    !r.cancelled() && ("ok".equals(status) || "mismatch".equals(status))));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // as a cancelled copy reports the bytes copied, a cancelled verify reports the bytes compared
        long bytes = r.cancelled() ? verified.get() : s.byteLength();
        return new Report("verify", Report.Region.of(s), bytes, Math.round(seconds * 1000) / 1000.0,
                r.cancelled(), Report.Range.of(r.unreadableSource()), ds);
    }

    /** Says how much of the region a destination lacks when it ends before the region does, else null. */
    static String shortBy(Endpoint d) {
        long there = Math.max(0, Math.min(d.byteLength(), d.sizeBytes() - d.startByte()));
        if (there >= d.byteLength()) {
            return null;
        }
        return d.path() + " ends " + (d.byteLength() - there) + " bytes before the region does: it holds " + there
                + " of the region's " + d.byteLength() + " bytes";
    }
}
