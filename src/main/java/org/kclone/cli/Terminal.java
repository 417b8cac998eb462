package org.kclone.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Standard input and error as the CLI sees them: whether they are terminals, and a line of input. */
public class Terminal {

    private final InputStream in;
    private BufferedReader reader;

    public Terminal(InputStream in) {
        this.in = in;
    }

    /** Whether standard input is a terminal a person can answer on. */
    public boolean stdinIsTerminal() {
        return isTty(0);
    }

    /** Whether standard error is a terminal (bars) or a log (plain lines). */
    public boolean stderrIsTerminal() {
        return isTty(2);
    }

    /** One line of input, or null at end of input. */
    public String readLine() throws IOException {
        if (reader == null) {
            reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return reader.readLine();
    }

    /** Asks and reads the answer. */
    public String ask(PrintWriter err, String question) throws IOException {
        err.print(question);
        err.flush();
        return readLine();
    }

    private static boolean isTty(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
