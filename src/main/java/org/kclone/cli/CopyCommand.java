package org.kclone.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kclone.device.CopyPlanner;
import org.kclone.device.GptStep;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.device.claim.Claims;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kclone copy SOURCE DEST...}: the source region to every destination region. */
@Command(name = "copy", mixinStandardHelpOptions = true,
        description = {"Copy SOURCE to every DEST at once (each chunk read once, written to all).",
            "Regions are PATH[@START][+LENGTH]: START and LENGTH in 512-byte sectors or with a unit (s, B, K, M, G, T;"
                    + " binary). LENGTH defaults to the rest of the source; a destination's START to 0."
                    + " In PATH, @@ and ++ stand for a literal @ and + (backup@@2024.img is the file backup@2024.img).",
            "A failed destination is dropped and the others finish (--strict: stop at the first error)."})
final class CopyCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    private KcloneCommand parent;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "Device, partition or image file to read.")
    String source;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "DEST",
            description = "Devices, partitions or image files to write (a new image file is created).")
    List<String> dests = new ArrayList<>();

    @Mixin
    WriteOptions options;

    @Option(names = "--verify", description = "Read every destination back, past the page cache, and compare.")
    boolean verify;

    @Option(names = "--ignore-errors",
            description = "Go past unreadable source sectors: write zeros there and report the ranges.")
    boolean ignoreErrors;

    @Option(names = "--grow", description = "Extend an existing image file that is too short for the region.")
    boolean grow;

    @Option(names = "--grow-last",
            description = "When a whole GPT disk goes to a larger disk (whose backup GPT kclone always moves to the"
                    + " end), also extend the last partition to the end. Its file system is not resized: grow it"
                    + " afterwards (resize2fs, xfs_growfs, ...).")
    boolean growLast;

    @Option(names = "--used-only",
            description = "Copy only the blocks the file systems use (ext2/3/4, FAT, exFAT, NTFS, swap); partition"
                    + " tables, gaps and other file systems are copied whole. Free blocks on the destinations keep"
                    + " what they held (see --wipe-free). Not with compressed images.")
    boolean usedOnly;

    @Option(names = "--wipe-free",
            description = "With --used-only: discard the skipped space on the destinations (BLKDISCARD on devices,"
                    + " holes in image files; zeros where neither works).")
    boolean wipeFree;

    @Option(names = "--map", paramLabel = "FILE",
            description = "Keep a map of what each destination has durably received in FILE (text, like GNU ddrescue's"
                    + " mapfile). Run the same command with the same map again after an interruption (a crash, a power"
                    + " cut) to copy only what is missing; a finished job's map means nothing to do.")
    java.nio.file.Path map;

    @Option(names = "--map-every", paramLabel = "SIZE",
            description = "With --map: flush the destinations and record the map after every SIZE written to each"
                    + " (default: 256M), and at least every 5 seconds.")
    String mapEvery;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        try {
            if (wipeFree && !usedOnly) {
                throw new RefusedException("--wipe-free", "goes with --used-only (a whole copy leaves no free space"
                        + " unwritten)");
            }
            RegionSpec src = RegionSpec.parse("SOURCE", source);
            // a gzip or bzip2 source is decompressed once to learn its length: say so as it goes
            org.kclone.device.image.compress.CompressedImages.allowMeasuring(true);
            org.kclone.device.image.compress.CompressedImages.onMeasuring((file, format, bytes) -> err.println(
                    "kclone: measuring the uncompressed length of " + file + " (" + format.label() + " does not"
                            + " record it; SOURCE+LENGTH skips this): " + org.kclone.device.Sizes.human(bytes)));
            List<RegionSpec> to = KcloneCommand.destinations(dests, err);
            JobRunner runner = new JobRunner("copy", options, parent.terminal, out, err);
            runner.config();
            CopyPlanner.Options allowed = new CopyPlanner.Options(options.force, options.allowSystemDisk, grow);
            JobRunner.Planning planning = () -> new CopyPlanner(Devices.discover(), allowed).copy(src, to);
            CopyPlanner.Plan plan = planning.plan();
            if (usedOnly) {
                org.kclone.device.used.UsedOnlyCheck.check(plan);
            }
            String degraded = Claims.degraded(plan);
            if (degraded != null) {
                err.println("kclone: warning: " + degraded);
            }
            List<org.kclone.device.gpt.GptFixup> gpt = GptStep.preview(plan, growLast);
            if (growLast) {
                GptStep.checkGrowLast(plan, gpt);
            }
            if (map != null || mapEvery != null) {
                org.kclone.device.resume.JobMap m = ResumeOption.prepare(map, mapEvery, options.report, plan, usedOnly,
                        err);
                if (m.finished()) {
                    return 0;
                }
                runner.map(m).option("map", map.toString()).option("resumedAt", m.resumeAt());
            }
            return runner.replanning(planning).gpt(growLast, gpt).option("grow", grow).option("growLast", growLast)
                    .option("usedOnly", usedOnly).option("wipeFree", wipeFree).usedOnly(usedOnly, wipeFree)
                    .run(plan, verify, ignoreErrors);
        } catch (RefusedException e) {
            return KcloneCommand.refused(err, e);
        }
    }
}
