package org.kclone.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs the CLI in this JVM and keeps what it printed. */
final class Cli {

    final int exit;
    final String out;
    final String err;
    /** Whether kclone asked its confirmation question. */
    final boolean asked;

    private Cli(int exit, String out, String err, boolean asked) {
        this.exit = exit;
        this.out = out;
        this.err = err;
        this.asked = asked;
    }

    /** What happens on the machine while the person reads the prompt. */
    interface WhileReading {
        void happen() throws IOException;
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
        return new Cli(code, o.toString(), e.toString(), false);
    }

    /**
     * As from a terminal where the person, while reading the confirmation, lets {@code meanwhile}
     * happen (mounts the destination, resizes a file, ...) and then answers {@code answer}.
     */
    static Cli answering(String answer, WhileReading meanwhile, String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        AtomicBoolean asked = new AtomicBoolean();
        Terminal t = new Terminal(new ByteArrayInputStream(new byte[0])) {
            @Override
            public boolean stdinIsTerminal() {
                return true;
            }

            @Override
            public boolean stderrIsTerminal() {
                return false;
            }

            @Override
            public String ask(PrintWriter err, String question) throws IOException {
                err.print(question);
                asked.set(true);
                meanwhile.happen();
                return answer;
            }
        };
        int code = KcloneCommand.run(args, new PrintWriter(o, true), new PrintWriter(e, true), t);
        return new Cli(code, o.toString(), e.toString(), asked.get());
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- out\n" + out + "\n--- err\n" + err;
    }
}
