package org.kclone.cli;

import picocli.CommandLine.Option;

/** Options shared by the commands that write: copy and zero. */
final class WriteOptions {

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation (for scripts).")
    boolean yes;

    @Option(names = "--force", description = "Write even to a mounted destination or one held by LVM, md or dm.")
    boolean force;

    @Option(names = "--allow-system-disk",
            description = "Together with --force: allow writing to the disk that holds the running system.")
    boolean allowSystemDisk;

    @Option(names = "--json", description = "When done, print the JSON report on stdout (progress goes to stderr).")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write the report to FILE: printable HTML when FILE ends in .html, else the JSON report"
                    + " (checked before anything is written; the file appears whole or not at all).")
    java.nio.file.Path report;

    @Option(names = "--strict",
            description = "Stop at the first error, as the kernel's kcopyd does (default: drop a failed destination and"
                    + " finish the others).")
    boolean strict;

    @Option(names = "--sequential", description = "Write each destination in strictly ascending order (WRITE_SEQ).")
    boolean sequential;

    @Option(names = "--pages", paramLabel = "N", defaultValue = "2048",
            description = "Page budget: 4 KiB pages of copy buffers (default: ${DEFAULT-VALUE}, 8 MiB); capped at what"
                    + " one job uses (8 chunks in flight), refused beyond what this machine and Java can give.")
    int pages;

    @Option(names = "--chunk", paramLabel = "SIZE", defaultValue = "1M",
            description = "Chunk size, a multiple of 4K (default: ${DEFAULT-VALUE}).")
    String chunk;

    @Option(names = "--limit", paramLabel = "RATE",
            description = "Bandwidth limit per second for the whole job, e.g. 50M.")
    String limit;

    @Option(names = "--probe", negatable = true,
            description = "Probe destinations for fake capacity before writing (a few seconds: marker blocks written"
                    + " across the region and read back). Default: removable drives only; --probe: every block"
                    + " device; --no-probe: none. A fake drive is reported failed and the others go on.")
    Boolean probe;

    /** What --probe / --no-probe ask for: by default removable drives only. */
    org.kclone.device.probe.ProbeMode probeMode() {
        return probe == null ? org.kclone.device.probe.ProbeMode.REMOVABLE
                : probe ? org.kclone.device.probe.ProbeMode.ALL : org.kclone.device.probe.ProbeMode.OFF;
    }

    /** Read by org.kclone.Main before anything logs (slf4j-simple is configured once); here for --help and parsing. */
    @Option(names = "--debug",
            description = "Engine log lines on standard error (otherwise they go to $XDG_STATE_HOME/kclone/kclone.log,"
                    + " by default ~/.local/state/kclone/kclone.log).")
    boolean debug;
}
