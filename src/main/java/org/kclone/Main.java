package org.kclone;

import org.kclone.cli.KcloneCommand;

/**
 * The jar's entry point. With arguments it runs the command line ({@code org.kclone.cli}); with
 * none it will open the window ({@code org.kclone.ui}, a later issue) and until then prints usage.
 * It does not extend {@code javafx.application.Application}, so it starts from the plain classpath.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(KcloneCommand.run(args));
    }
}
