package org.kclone;

import org.kclone.cli.KcloneCommand;

/**
 * The jar's entry point. With arguments it runs the command line ({@code org.kclone.cli}); with
 * none it opens the window ({@code org.kclone.ui}). It does not extend
 * {@code javafx.application.Application}, so it starts from the plain classpath.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
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
        System.exit(KcloneCommand.run(args));
    }
}
