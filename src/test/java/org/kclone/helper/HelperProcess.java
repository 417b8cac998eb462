package org.kclone.helper;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code kclone helper} as its own process, as pkexec would start it but without pkexec: this
 * test's classpath less the test classes, standard input a pipe the test writes, every event read
 * from standard output and kept. Its log goes under {@code state}.
 */
public final class HelperProcess implements AutoCloseable {

    final Process process;
    private final OutputStream in;
    private final BlockingQueue<Protocol.Event> events = new LinkedBlockingQueue<>();
    private final List<Protocol.Event> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread reader;

    private HelperProcess(Process process) {
        this.process = process;
        this.in = process.getOutputStream();
        reader = new Thread(this::read, "helper-events");
        reader.setDaemon(true);
        reader.start();
        Thread e = new Thread(() -> copy(process.getErrorStream(), err), "helper-stderr");
        e.setDaemon(true);
        e.start();
    }

    /** The command that starts the helper directly (java ... org.kclone.Main helper), with a heap cap. */
    public static List<String> command(String maxHeap) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx" + maxHeap, "-cp", productClassPath(), "org.kclone.Main",
                "helper"));
        return cmd;
    }

    static String productClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** Starts the helper with these environment variables added (PKEXEC_UID...). */
    static HelperProcess start(Path state, String maxHeap, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(maxHeap));
        pb.environment().put("XDG_STATE_HOME", state.toAbsolutePath().toString());
        pb.environment().remove("PKEXEC_UID");
        // its maps under the test's folder, never /var/lib/kclone (the environment may say otherwise)
        pb.environment().put("KCLONE_HELPER_MAPS", state.toAbsolutePath().resolve("helper-maps").toString());
        pb.environment().putAll(env);
        return new HelperProcess(pb.start());
    }

    static HelperProcess start(Path state) throws IOException {
        return start(state, "256m", Map.of());
    }

    private void read() {
        BoundedLineReader r = new BoundedLineReader(process.getInputStream(), 64 << 20);
        try {
            while (true) {
                BoundedLineReader.Result res = r.next();
                if (res instanceof BoundedLineReader.Line l) {
                    Protocol.Event e = Protocol.STRICT.readValue(l.text(), Protocol.Event.class);
                    seen.add(e);
                    events.add(e);
                } else if (res instanceof BoundedLineReader.End || res instanceof BoundedLineReader.Truncated) {
                    return;
                } else {
                    throw new IOException("the helper wrote an unreadable line: " + res);
                }
            }
        } catch (IOException e) {
            events.add(Protocol.Event.error("TEST: reading the helper failed: " + e));
        }
    }

    private static void copy(InputStream from, ByteArrayOutputStream to) {
        byte[] b = new byte[8192];
        try {
            for (int n; (n = from.read(b)) > 0; ) {
                synchronized (to) {
                    to.write(b, 0, n);
                }
            }
        } catch (IOException ignored) {
            // ended
        }
    }

    /** Sends one line (a newline is added). */
    void send(String line) throws IOException {
        sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes) throws IOException {
        in.write(bytes);
        in.flush();
    }

    /** Closes the helper's standard input (the window went away). */
    void closeInput() throws IOException {
        in.close();
    }

    /**
     * The next event of {@code type}, skipping others (they stay in {@link #seen()}); fails when the
     * helper's output ends or nothing comes within two minutes.
     */
    Protocol.Event next(String type) throws InterruptedException {
        while (true) {
            Protocol.Event e = events.poll(120, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no '" + type + "' event within 120 s; seen " + seen() + "\nstderr: " + err());
            }
            if (e.type().equals(type)) {
                return e;
            }
        }
    }

    /** Waits for the end of the process (at most two minutes) and of its output; returns the exit code. */
    int waitFor() throws InterruptedException {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the helper did not end within 120 s; seen " + seen() + "\nstderr: " + err());
        }
        reader.join(10_000);
        return process.exitValue();
    }

    List<Protocol.Event> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    List<Protocol.Event> seen(String type) {
        return seen().stream().filter(e -> e.type().equals(type)).toList();
    }

    String err() {
        synchronized (err) {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
