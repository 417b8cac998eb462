package org.kclone.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code kclone} command: parses the arguments and runs a subcommand. */
@Command(name = "kclone",
        mixinStandardHelpOptions = true,
        versionProvider = KcloneCommand.Version.class,
        description = "Clone a disk, a partition or an image file to one or more destinations at once.",
        subcommands = {ListCommand.class, CopyCommand.class, ZeroCommand.class, VerifyCommand.class,
            HelperCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:everything written (and verified, if asked) with no read error",
            "1:the job ran and something failed (a read error, even an ignored one; a destination failed or"
                    + " mismatched) or it was cancelled",
            "2:the request was refused before anything was written"})
public final class KcloneCommand implements Runnable {

    /** Exit code: refused before anything was written. */
    public static final int REFUSED = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    final Terminal terminal;

    KcloneCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    /** Runs the command line and returns the exit code. */
    public static int run(String[] args) {
        return run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), new Terminal(System.in));
    }

    static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, new Terminal(System.in));
    }

    static int run(String[] args, PrintWriter out, PrintWriter err, Terminal terminal) {
        CommandLine cl = new CommandLine(new KcloneCommand(terminal));
        // No @argfiles: an argument that begins with @ is a region or a file name, never a list of
        // arguments read from somewhere else (a disk cloner must write only where it was told).
        cl.setExpandAtFiles(false);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(KcloneCommand::badArguments);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            // Never a stack trace for the user: say what went wrong.
            if (e instanceof IOException || e instanceof UncheckedIOException) {
                line.getErr().println("kclone: error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
                line.getErr().flush();
            } else {
                internalError(line.getErr(), "", e);
            }
            return 1;
        });
        return cl.execute(args);
    }

    /**
     * A bad option value, an unknown option, a missing parameter: one line naming the option and
     * the reason and a hint, exit 2 (nothing was written), never the whole usage text.
     */
    static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        PrintWriter err = line.getErr();
        err.println("kclone: refused: " + ArgumentErrors.describe(e));
        err.println("kclone: see '" + line.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return REFUSED;
    }

    /**
     * Says in one line that something unexpected went wrong ({@code where}: "" or " in thread X"),
     * never as a stack trace; the trace goes to the log (the log file, or stderr with --debug).
     * Exit code 1 is the caller's.
     */
    public static void internalError(PrintStream err, String where, Throwable e) {
        PrintWriter w = new PrintWriter(err, true);
        internalError(w, where, e);
    }

    static void internalError(PrintWriter err, String where, Throwable e) {
        try {
            LoggerFactory.getLogger(KcloneCommand.class).error("internal error" + where, e);
        } catch (Throwable ignored) {
            // out of memory, or logging itself broke: the line below still goes out
        }
        String log = System.getProperty("org.slf4j.simpleLogger.logFile");
        boolean logFile = log != null && !log.startsWith("System.");
        err.println("kclone: internal error" + where + ": " + e.getClass().getSimpleName()
                + (e.getMessage() != null ? ": " + e.getMessage() : "")
                + (logFile ? " (details in " + log + ")" : ""));
        err.flush();
    }

    @Override
    public void run() {
        // Options but no subcommand (Main opens the window when there are no arguments at all).
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Parses DEST arguments as {@code DEST 1}, {@code DEST 2}, ... */
    static List<RegionSpec> destinations(List<String> args) throws RefusedException {
        List<RegionSpec> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            out.add(RegionSpec.parse("DEST " + (i + 1), args.get(i)));
        }
        return out;
    }

    /**
     * Parses DEST arguments of a copy, and warns on {@code warnings} for each that will be created
     * as a new image file although START or LENGTH was read from its name ({@code backup@20240101}
     * is the file {@code backup} at sector 20240101), saying how to name a file with that literal name.
     */
    static List<RegionSpec> destinations(List<String> args, PrintWriter warnings) throws RefusedException {
        List<RegionSpec> out = destinations(args);
        for (RegionSpec d : out) {
            Path p = Path.of(d.path());
            if (d.hasRegion() && !Files.exists(p) && !p.toAbsolutePath().startsWith("/dev")) {
                warnings.println("kclone: warning: " + d.newImageWarning());
            }
        }
        warnings.flush();
        return out;
    }

    /** Prints a refusal (argument and reason) and returns exit code 2: nothing was written. */
    static int refused(PrintWriter err, RefusedException e) {
        err.println("kclone: refused: " + e.getMessage());
        err.flush();
        return REFUSED;
    }

    /** The version from the build ({@code version.properties}, filtered by Maven), as the report has it. */
    public static String version() {
        return org.kclone.device.report.AuditInfo.kcloneVersion();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kclone " + version()};
        }
    }
}
