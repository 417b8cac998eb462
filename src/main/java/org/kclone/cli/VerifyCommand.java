package org.kclone.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.device.Report;
import org.kclone.device.RegionSpec;
import org.kclone.device.Verifier;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.FileBlockDevice;
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

    @Option(names = "--json", description = "Print the JSON report on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        CopyPlanner.Plan plan;
        try {
            RegionSpec src = RegionSpec.parse("SOURCE", source);
            List<RegionSpec> to = KcloneCommand.destinations(dests);
            plan = new CopyPlanner(Devices.discover(), CopyPlanner.Options.NONE).verify(src, to);
        } catch (RefusedException e) {
            return KcloneCommand.refused(err, e);
        }
        List<BlockDevice> opened = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            Endpoint s = plan.source();
            FileBlockDevice srcDev = FileBlockDevice.open(s.path(), false, s.logicalSectorSize());
            opened.add(srcDev);
            List<IoRegion> regions = new ArrayList<>();
            for (Endpoint d : plan.destinations()) {
                FileBlockDevice dev = FileBlockDevice.open(d.path(), false, d.logicalSectorSize());
                opened.add(dev);
                regions.add(new IoRegion(dev, d.start(), d.count()));
            }
            Verifier.Result r = Verifier.verify(new IoRegion(srcDev, s.start(), s.count()), s.byteLength(), regions,
                    List.of(), b -> { }, () -> false);
            List<Report.Destination> ds = new ArrayList<>();
            for (int i = 0; i < regions.size(); i++) {
                Endpoint d = plan.destinations().get(i);
                Verifier.Outcome o = r.destinations().get(i);
                String status = o.error() != null ? "failed" : o.mismatches().isEmpty() ? "ok" : "mismatch";
                String error = o.error() != null ? o.error().getMessage() : "mismatch".equals(status) ? shortBy(d) : null;
                ds.add(new Report.Destination(d.path().toString(), d.start(), d.count(), status, error,
                        Report.Mismatch.of(o.mismatches(), d.start(), s.start())));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Report report = new Report("verify", Report.Region.of(s),
                    s.byteLength(), Math.round(seconds * 1000) / 1000.0, false,
                    Report.Range.of(r.unreadableSource()), ds);
            if (json) {
                out.println(JobRunner.JSON.writeValueAsString(report));
                out.flush();
            } else {
                JobRunner.printHuman(report, out);
            }
            return report.exitCode();
        } finally {
            for (BlockDevice d : opened) {
                d.close();
            }
        }
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
