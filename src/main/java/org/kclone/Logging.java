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
 * error. The file's folder is created; where it or the file cannot be written, kclone says so in
 * one warning line and runs without a log. Run as root in a user's home ({@code sudo -E}), the
 * folders and files it creates belong to that home's owner. slf4j-simple
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
    static final List<String> LOGGED = List.of("copy", "zero", "verify", "helper");

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
        Path file = logFile(env);
        try {
            prepare(file);
        } catch (IOException | RuntimeException e) {
            // said once, not quietly: a run without its log is worse to debug later
            System.err.println(cannotLog(file, e));
            file = null;
        }
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

    /** The warning when the log file cannot be written (null file: no HOME to put it in). */
    static String cannotLog(Path file, Exception e) {
        return file == null ? "kclone: warning: no log this run: neither XDG_STATE_HOME nor HOME names a folder"
                : "kclone: warning: no log this run: cannot write " + file + " (" + reason(e) + ")";
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied" + (((java.nio.file.FileSystemException) e).getFile() == null ? ""
                    : ": " + ((java.nio.file.FileSystemException) e).getFile());
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException f) {
            return f.getFile() + " is not a folder";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Creates the folder, keeps the previous log, and checks the file can be written. Run as root
     * inside someone's home ({@code sudo -E} keeps HOME), the folders it creates and the log files
     * take the owner of the folder they were created in, so the user's own later runs can still
     * write their log.
     */
    static void prepare(Path file) throws IOException {
        if (file == null) {
            throw new java.nio.file.NoSuchFileException("no folder for the log");
        }
        Path existing = file.getParent().getParent(); // the kclone folder itself is ours to set right
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        Files.createDirectories(file.getParent());
        Path kept = file.resolveSibling(file.getFileName() + ".1");
        if (Files.isRegularFile(file) && Files.size(file) > 0) {
            Files.move(file, kept, StandardCopyOption.REPLACE_EXISTING);
        }
        try (OutputStream ignored = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            // only to see it can be written
        }
        if (existing != null && isRoot()) {
            Object uid = Files.getAttribute(existing, "unix:uid");
            Object gid = Files.getAttribute(existing, "unix:gid");
            if (!Integer.valueOf(0).equals(uid)) {
                for (Path p = file.getParent(); p != null && !p.equals(existing); p = p.getParent()) {
                    chown(p, uid, gid);
                }
                chown(file, uid, gid);
                if (Files.exists(kept)) {
                    chown(kept, uid, gid);
                }
            }
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void chown(Path p, Object uid, Object gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
