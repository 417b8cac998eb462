package org.kclone;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where the engine's log lines go. The command line speaks in its own words on the terminal; the
 * engine's lines (slf4j-simple) go to a log file, {@code $XDG_STATE_HOME/kclone/kclone.log}
 * ({@code ~/.local/state/kclone/kclone.log} without it), or with {@code --debug} to standard
 * error. The file's folder is created quietly; where it cannot be, logging is off. slf4j-simple
 * reads its configuration once, when the first logger is made, so {@link Main} calls this before
 * anything logs. A property given with {@code -D} wins.
 *
 * <p>slf4j-simple truncates its file when it opens it, so a non-empty log of an earlier run is
 * first moved to {@code kclone.log.1}: the latest run's log and the one before are kept. Only
 * {@code copy}, {@code zero} and {@code verify} do this and log; {@code list}, {@code --help} and
 * {@code --version} leave the log alone. A run
 * still writing keeps writing to its own file after the move.
 */
final class Logging {

    static final String DEBUG_OPTION = "--debug";
    static final String LOG_FILE = "org.slf4j.simpleLogger.logFile";
    static final String LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private Logging() {
    }

    /** Whether {@code --debug} is among the options (before a {@code --} that ends them). */
    static boolean debug(String[] args) {
        List<String> all = Arrays.asList(args);
        int end = all.indexOf("--");
        return (end < 0 ? all : all.subList(0, end)).contains(DEBUG_OPTION);
    }

    /** The commands that write or compare, the only ones that keep a log (and so move the last one aside). */
    static final List<String> LOGGED = List.of("copy", "zero", "verify");

    /**
     * Whether this command line runs a command that writes or verifies ({@code copy}, {@code
     * zero}, {@code verify}), not its help: only such a run rotates the log and writes one.
     * {@code list}, {@code --help} and {@code --version} leave the log alone. The window (no
     * arguments) writes, so it logs.
     */
    static boolean logs(String[] args) {
        List<String> all = Arrays.asList(args);
        int end = all.indexOf("--");
        List<String> options = end < 0 ? all : all.subList(0, end);
        if (options.contains("--help") || options.contains("-h") || options.contains("--version")
                || options.contains("-V")) {
            return false;
        }
        return args.length == 0 || !options.isEmpty() && LOGGED.contains(options.get(0)); // none: the window
    }

    /** The log file for this environment, or null when neither XDG_STATE_HOME nor HOME is usable. */
    static Path logFile(Map<String, String> env) {
        String state = env.get("XDG_STATE_HOME");
        if (state != null && !state.isEmpty() && Path.of(state).isAbsolute()) {
            return Path.of(state, "kclone", "kclone.log");
        }
        String home = env.get("HOME");
        if (home != null && !home.isEmpty() && Path.of(home).isAbsolute()) {
            return Path.of(home, ".local", "state", "kclone", "kclone.log");
        }
        return null;
    }

    /**
     * Sets slf4j-simple's system properties for this run and returns the log file in use, or null
     * (standard error with --debug, or logging off).
     */
    static Path configure(String[] args, Map<String, String> env) {
        if (System.getProperty(LOG_FILE) != null) {
            return null; // the person running kclone chose with -D
        }
        if (debug(args)) {
            System.setProperty(LOG_FILE, "System.err");
            setIfAbsent(LEVEL, "debug");
            return null;
        }
        if (!logs(args)) {
            // list, --help, --version: nothing to log, and the last copy's log stays where it is
            System.setProperty(LEVEL, "off");
            return null;
        }
        Path file = prepare(logFile(env));
        if (file == null) {
            System.setProperty(LEVEL, "off");
            return null;
        }
        System.setProperty(LOG_FILE, file.toString());
        setIfAbsent(LEVEL, "info");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSSZ");
        return file;
    }

    /** Creates the folder, keeps the previous log, and checks the file can be written; null if not. */
    private static Path prepare(Path file) {
        if (file == null) {
            return null;
        }
        try {
            Files.createDirectories(file.getParent());
            if (Files.isRegularFile(file) && Files.size(file) > 0) {
                Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            try (OutputStream ignored = Files.newOutputStream(file, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                return file;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
