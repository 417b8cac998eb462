package org.kclone.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.device.claim.Claims;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code kclone zero DEST...}: kcopyd's zero, wiping the regions. */
@Command(name = "zero", mixinStandardHelpOptions = true,
        description = {"Write zeros over every DEST region (kcopyd's zero).",
            "DEST is PATH[@START][+LENGTH]; LENGTH defaults to the rest of the first destination, and all must be"
                    + " equally long."})
final class ZeroCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    private KcloneCommand parent;

    @Parameters(arity = "1..*", paramLabel = "DEST", description = "Devices, partitions or image files to wipe.")
    List<String> dests = new ArrayList<>();

    @Mixin
    WriteOptions options;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        try {
            List<RegionSpec> to = KcloneCommand.destinations(dests);
            JobRunner runner = new JobRunner("zero", options, parent.terminal, out, err);
            runner.config();
            CopyPlanner.Options allowed = new CopyPlanner.Options(options.force, options.allowSystemDisk, false);
            JobRunner.Planning planning = () -> new CopyPlanner(Devices.discover(), allowed).zero(to);
            CopyPlanner.Plan plan = planning.plan();
            String degraded = Claims.degraded(plan);
            if (degraded != null) {
                err.println("kclone: warning: " + degraded);
            }
            return runner.replanning(planning).run(plan, false, false);
        } catch (RefusedException e) {
            return KcloneCommand.refused(err, e);
        }
    }
}
