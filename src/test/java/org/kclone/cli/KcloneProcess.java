package org.kclone.cli;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.kclone.testing.Tools;

/**
 * kclone as its own process, as a script or a service manager runs it: {@code org.kclone.Main}
 * on this test's classpath less the test classes, standard input from /dev/null, standard output
 * and error collected.
 * The child gets the default disposition of SIGINT, SIGTERM and SIGHUP whatever ours is (a JVM
 * started as a background job of a non-interactive shell has SIGINT ignored, under nohup SIGHUP,
 * and a ProcessBuilder child inherits what is ignored), and its log goes under {@code state}
 * ($XDG_STATE_HOME), never into the home of whoever runs the tests.
 */
final class KcloneProcess {

    /**
     * What the jar's manifest says ({@code Enable-Native-Access: ALL-UNNAMED}, for JNA), given on
     * the command line since the child runs from the classes, not the jar: without it JDK 24+
     * warns on standard error when JNA loads. JDK 17 accepts the flag too.
     */
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    final Process process;
    final Drain out;
    final Drain err;

    private KcloneProcess(Process process) {
        this.process = process;
        this.out = new Drain(process.getInputStream());
        this.err = new Drain(process.getErrorStream());
    }

    /** Starts {@code java [jvmFlags] org.kclone.Main args} in {@code workDir}; the log under {@code state}. */
    static KcloneProcess start(Path workDir, Path state, List<String> jvmFlags, String... args) throws IOException {
        return start(workDir, state, List.of(), jvmFlags, args);
    }

    /** As {@link #start(Path, Path, List, String...)}, behind {@code prefix} (e.g. a shell that sets a limit). */
    static KcloneProcess start(Path workDir, Path state, List<String> prefix, List<String> jvmFlags, String... args)
            throws IOException {
        return start(workDir, state, null, prefix, jvmFlags, args);
    }

    /** As above, with {@code pathFirst} put first in the child's PATH (null: PATH as it is). */
    static KcloneProcess start(Path workDir, Path state, Path pathFirst, List<String> prefix, List<String> jvmFlags,
            String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        if (Files.isExecutable(Path.of("/usr/bin/env"))) {
            cmd.addAll(List.of("/usr/bin/env", "--default-signal=INT,TERM,HUP"));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(NATIVE_ACCESS);
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", productClassPath(), "org.kclone.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("XDG_STATE_HOME", state.toAbsolutePath().toString());
        if (pathFirst != null) {
            pb.environment().put("PATH", pathFirst + File.pathSeparator + System.getenv("PATH"));
        }
        return new KcloneProcess(pb.start());
    }

    /** How a child that is run to its end is set up: a folder first in PATH (null: none), a file size limit (0: none). */
    record Setup(Path pathFirst, long fileSizeLimit) {
    }

    /** A child run to its end: exit code, standard output, standard error. */
    static final class Finished {
        final int exit;
        final String out;
        final String err;

        Finished(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }

    /**
     * Runs kclone to its end in {@code workDir} with another PATH (a fake {@code lsblk}) or under a
     * file size limit (RLIMIT_FSIZE through {@code prlimit}: writes past it fail with the kernel's
     * real EFBIG, "File too large"), for what cannot be done to the test's own JVM.
     */
    static Finished run(Path workDir, Setup setup, String... args) throws IOException, InterruptedException {
        List<String> prefix = new ArrayList<>();
        if (setup.fileSizeLimit() > 0) {
            Tools.assumeInstalled("prlimit");
            prefix.addAll(List.of(Tools.find("prlimit").orElseThrow().toString(), "--fsize=" + setup.fileSizeLimit()));
        }
        KcloneProcess p = start(workDir, workDir.resolve("state"), setup.pathFirst(), prefix, List.of("-Xmx256m"),
                args);
        int exit = p.waitFor();
        return new Finished(exit, p.out.text(), p.err.text());
    }

    /**
     * Starts kclone on a pseudo-terminal of its own ({@code script -qec} from util-linux): its
     * standard input is a terminal, so it asks for confirmation; what it prints comes out of
     * {@link #out} (terminal output, stdout and stderr mixed). Standard input of script is a pipe
     * kept open, so the prompt never reads end of input. {@link #signalKclone} reaches the JVM.
     */
    static KcloneProcess startOnTerminal(Path workDir, Path state, String... args) throws IOException {
        StringBuilder cmd = new StringBuilder("exec /usr/bin/env --default-signal=INT,TERM,HUP ");
        List<String> words = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), NATIVE_ACCESS, "-cp", productClassPath(), "org.kclone.Main"));
        words.addAll(List.of(args));
        for (String w : words) {
            cmd.append('\'').append(w.replace("'", "'\\''")).append("' ");
        }
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", cmd.toString(), "/dev/null")
                .directory(workDir.toFile());
        pb.environment().put("XDG_STATE_HOME", state.toAbsolutePath().toString());
        return new KcloneProcess(pb.start());
    }

    /** Sends a signal to the JVM running kclone: this process, or under script its java descendant. */
    void signalKclone(String name) throws IOException, InterruptedException {
        long pid = process.toHandle().descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .map(ProcessHandle::pid).findFirst().orElse(process.pid());
        int rc = new ProcessBuilder("kill", "-s", name, Long.toString(pid)).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new AssertionError("kill -s " + name + " " + pid + " failed: " + rc);
        }
    }

    /**
     * This test run's classpath without the test classes: the child is the product as shipped, not
     * configured by the tests' own resources (src/test/resources/simplelogger.properties).
     */
    static String productClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** Waits for the end (at most a minute) and for both streams to be read; returns the exit code. */
    int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kclone did not end within a minute\n" + this);
        }
        out.join(5000);
        err.join(5000);
        return process.exitValue();
    }

    /** Waits (polling, at most a minute) until {@code condition} holds or the process ended. */
    boolean awaitWhileAlive(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) { // the condition is asked once a round: a state seen is the answer, not a second look at it
            if (condition.getAsBoolean()) {
                return true;
            }
            if (!process.isAlive() || System.nanoTime() >= deadline) {
                return condition.getAsBoolean();
            }
            Thread.sleep(20);
        }
    }

    /** Sends a signal by name (INT, TERM, HUP) with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new AssertionError("kill -s " + name + " failed: " + rc);
        }
    }

    @Override
    public String toString() {
        String state = "running";
        if (!process.isAlive()) { // ended: everything it wrote, and how it ended
            try {
                out.join(5000);
                err.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            state = "ended, exit " + process.exitValue();
        }
        return "kclone " + state + "\n--- out\n" + out.text() + "\n--- err\n" + err.text();
    }

    /** Collects a stream in the background. */
    static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Drain(InputStream in) {
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] b = new byte[8192];
            try {
                for (int n; (n = in.read(b)) > 0; ) {
                    synchronized (buf) {
                        buf.write(b, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }

        String text() {
            synchronized (buf) {
                return buf.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
