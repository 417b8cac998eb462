package org.kclone.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in this JVM and keeps what it printed. */
final class Cli {

    final int exit;
    final String out;
    final String err;

    private Cli(int exit, String out, String err) {
        this.exit = exit;
        this.out = out;
        this.err = err;
    }

    /** As from a script: standard input is not a terminal. */
    static Cli run(String... args) {
        return typing(null, args);
    }

    /** As from a terminal where the person types {@code typed} (null: not a terminal). */
    static Cli typing(String typed, String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        Terminal t = new Terminal(new ByteArrayInputStream(
                (typed == null ? "" : typed + "\n").getBytes(StandardCharsets.UTF_8))) {
            @Override
            public boolean stdinIsTerminal() {
                return typed != null;
            }

            @Override
            public boolean stderrIsTerminal() {
                return false;
            }
        };
        int code = KcloneCommand.run(args, new PrintWriter(o, true), new PrintWriter(e, true), t);
        return new Cli(code, o.toString(), e.toString());
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- out\n" + out + "\n--- err\n" + err;
    }
}
