package org.kclone;

import org.kclone.cli.KcloneCommand;

/**
 * The jar's entry point. With arguments it runs the command line ({@code org.kclone.cli}); with
 * none it opens the window ({@code org.kclone.ui}). It does not extend
 * {@code javafx.application.Application}, so it starts from the plain classpath.
 *
 * <p>First of all it sends the engine's log lines to the log file (or, with {@code --debug}, to
 * standard error): see {@link Logging}. On the command line nothing reaches the terminal as a
 * stack trace: an unexpected error or exception, in any thread, is one line
 * ({@code kclone: internal error: ...}) and exit 1, its trace in the log.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Logging.configure(args, System.getenv());
        if (args.length == 0) {
            try {
                org.kclone.ui.KcloneApp.launchApp(args);
                return;
            } catch (RuntimeException | Error e) {
                System.err.println("kclone: cannot open the window (" + e.getMessage() + "); is there a display?"
                        + " The command line works without one: java -jar kclone.jar --help");
                System.exit(1);
            }
        }
        // A thread of ours that dies says so in one line; the copy itself ends through its report.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) ->
                KcloneCommand.internalError(System.err, " in thread " + thread.getName(), e));
        int code;
        try {
            code = KcloneCommand.run(args);
        } catch (Throwable e) {
            KcloneCommand.internalError(System.err, "", e);
            code = 1;
        }
        System.exit(code);
    }
}
