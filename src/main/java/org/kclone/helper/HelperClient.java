package org.kclone.helper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import org.kclone.device.Report;
import org.kclone.engine.SectorRange;

/**
 * The window's end of the helper: starts the helper's command (pkexec ... helper, or in tests the
 * helper directly), sends the request, and keeps what the events say in fields any thread may
 * read (the window polls them; nothing is pushed). When the helper ends without a report, or never
 * starts (no password given, no polkit agent, pkexec missing), {@link #problem()} says why and
 * what to do. Nothing here blocks the caller.
 */
public final class HelperClient {

    /** The client reads lines up to this size (a report listing many mismatches is long). */
    static final int MAX_EVENT_LINE = 64 * 1024 * 1024;
    /** A line of the helper's standard error is cut at this many bytes. */
    static final int MAX_STDERR_LINE = 4096;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HelperClient.class);

    private final Process process;
    private final OutputStream toHelper;
    private final StringBuilder stderrTail = new StringBuilder();
    private final int destinations;
    private volatile boolean hello;
    private volatile boolean started;
    private volatile String phase = "COPYING";
    private volatile boolean probing;
    private volatile long totalBytes;
    /** A resumed job's bytes from earlier runs, as the helper's {@code started} said (checked; else 0). */
    private volatile long copiedBefore;
    private volatile long[] written;
    private volatile long verified;
    private final AtomicReferenceArray<String> errors;
    private volatile List<SectorRange> unreadable = List.of();
    private volatile Report report;
    private volatile String problem;
    private volatile boolean done;
    private volatile boolean cancelled;
    private Thread stderrReader;
    private Consumer<String> stderrLines = line -> { };
    private Consumer<String> notes = line -> { };

    private HelperClient(Process process, int destinations, long totalBytes) {
        this.process = process;
        this.toHelper = process == null ? null : process.getOutputStream();
        this.destinations = destinations;
        this.totalBytes = totalBytes;
        this.written = new long[destinations];
        this.errors = new AtomicReferenceArray<>(destinations);
    }

    /**
     * Starts {@code command} and sends {@code request}; {@code totalBytes} is shown until the helper
     * says. A command that cannot be started at all gives a client that is done, with the problem.
     */
    public static HelperClient start(List<String> command, Protocol.Request request, long totalBytes) {
        return start(command, request, totalBytes, line -> { });
    }

    /**
     * As {@link #start(List, Protocol.Request, long)}, handing each line the helper (or pkexec)
     * prints to its standard error to {@code stderrLines}, on the client's own thread, as it comes
     * (the window puts them in its Details pane's buffer). Lines longer than {@link #MAX_STDERR_LINE}
     * bytes are cut there.
     */
    public static HelperClient start(List<String> command, Protocol.Request request, long totalBytes,
            Consumer<String> stderrLines) {
        return start(command, request, totalBytes, stderrLines, line -> { });
    }

    /**
     * As {@link #start(List, Protocol.Request, long, Consumer)}, with {@code notes} told (on the
     * client's own thread) what the client itself set aside of what the helper said: an event's
     * value out of its range, shown as if absent.
     */
    public static HelperClient start(List<String> command, Protocol.Request request, long totalBytes,
            Consumer<String> stderrLines, Consumer<String> notes) {
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            HelperClient c = new HelperClient(null, request.destinations().size(), totalBytes);
            c.problem = HelperProblems.cannotStart(command, e);
            c.done = true;
            return c;
        }
        HelperClient c = new HelperClient(p, request.destinations().size(), totalBytes);
        c.stderrLines = stderrLines;
        c.notes = notes;
        c.send(request); // waits in the pipe while pkexec asks for the password
        c.stderrReader = new Thread(c::readErrors, "kclone-helper-stderr");
        c.stderrReader.setDaemon(true);
        c.stderrReader.start();
        Thread events = new Thread(c::readEvents, "kclone-helper-client");
        events.setDaemon(true);
        events.start();
        return c;
    }

    private synchronized void send(Protocol.Request r) {
        try {
            toHelper.write((Protocol.line(r) + "\n").getBytes(StandardCharsets.UTF_8));
            toHelper.flush();
        } catch (IOException e) {
            // the helper is gone: its end is told by readEvents
        }
    }

    private void readEvents() {
        BoundedLineReader in = new BoundedLineReader(process.getInputStream(), MAX_EVENT_LINE);
        try {
            while (report == null && problem == null) {
                BoundedLineReader.Result r = in.next();
                if (r instanceof BoundedLineReader.Line line) {
                    take(line.text());
                } else if (!(r instanceof BoundedLineReader.TooLong || r instanceof BoundedLineReader.NotUtf8)) {
                    break;
                }
            }
        } catch (IOException e) {
            // the helper's output ended
        }
        try {
            toHelper.close(); // the job is over (or the helper is gone): the helper ends
        } catch (IOException ignored) {
            // already closed
        }
        int exit;
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit = -1;
        }
        try {
            stderrReader.join(5000); // what pkexec said before it ended (its output ends with it)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (report == null && problem == null) {
            String err;
            synchronized (stderrTail) {
                err = stderrTail.toString().trim();
            }
            problem = HelperProblems.ended(exit, err, hello, started, cancelled);
        }
        done = true;
    }

    private void take(String text) {
        Protocol.Event e;
        try {
            e = Protocol.LENIENT.readValue(text, Protocol.Event.class);
        } catch (IOException ex) {
            return; // not an event: a stray line
        }
        if (e.type() == null) {
            return;
        }
        switch (e.type()) {
            case "hello" -> hello = true;
            case "refused" -> problem = "Refused by the helper, nothing was written: " + e.field() + ": " + e.reason();
            case "started" -> {
                if (e.totalBytes() != null) {
                    totalBytes = e.totalBytes();
                }
                copiedBefore = copiedBefore(e.copiedBefore(), totalBytes);
                started = true;
            }
            case "progress" -> {
                if (e.written() != null && e.written().length == destinations) {
                    written = e.written();
                }
                verified = e.verified() == null ? verified : e.verified();
                probing = Boolean.TRUE.equals(e.probing());
                if (e.phase() != null) {
                    phase = e.phase();
                }
            }
            case "failed" -> {
                if (e.destination() != null && e.destination() >= 0 && e.destination() < destinations) {
                    errors.set(e.destination(), e.error());
                }
            }
            case "unreadable" -> unreadable = e.ranges() == null ? List.of()
                    : e.ranges().stream().map(r -> new SectorRange(r.start(), r.count())).toList();
            case "report" -> report = e.report();
            case "aborted" -> problem = "The job failed inside the helper: " + e.message()
                    + ". The destinations may be incomplete: run the job again.";
            default -> {
                // "error": a line of ours the helper refused; nothing the window acts on
            }
        }
    }

    /**
     * The {@code started} event's {@code copiedBefore}: absent (an older helper) is 0; a value
     * outside 0 to the job's total bytes is not believed (shown only: the speed and time left then
     * count every byte written), it is 0 and said in a note.
     */
    private long copiedBefore(Long said, long total) {
        if (said == null) {
            return 0;
        }
        if (said < 0 || said > total) {
            note("the helper's 'started' said copiedBefore " + said + ", outside 0 to the job's " + total
                    + " bytes: ignored (the speed and time left count every byte written)");
            return 0;
        }
        return said;
    }

    private void note(String text) {
        LOG.warn(text);
        try {
            notes.accept(text);
        } catch (RuntimeException e) {
            // the sink's trouble must not stop the reading
        }
    }

    private void readErrors() {
        byte[] b = new byte[4096];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (InputStream in = process.getErrorStream()) {
            int n;
            while ((n = in.read(b)) > 0) {
                synchronized (stderrTail) {
                    stderrTail.append(new String(b, 0, n, StandardCharsets.UTF_8));
                    if (stderrTail.length() > 4000) {
                        stderrTail.delete(0, stderrTail.length() - 4000);
                    }
                }
                for (int i = 0; i < n; i++) {
                    if (b[i] == '\n') {
                        emitErrorLine(line);
                    } else if (b[i] != '\r' && line.size() < MAX_STDERR_LINE) {
                        line.write(b[i]);
                    }
                }
            }
        } catch (IOException ignored) {
            // the helper ended
        }
        if (line.size() > 0) {
            emitErrorLine(line); // a last line without its line break
        }
    }

    private void emitErrorLine(ByteArrayOutputStream line) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        try {
            stderrLines.accept(text);
        } catch (RuntimeException e) {
            // the sink's trouble must not stop the reading: the helper would block on a full pipe
        }
    }

    /**
     * Cancels: the helper stops the job cleanly (writes in flight finish, flushed). Before the
     * helper runs (pkexec still asking for the password), pkexec is stopped: nothing was written.
     */
    public void cancel() {
        cancelled = true;
        if (process == null) {
            return;
        }
        send(Protocol.Request.cancel());
        if (!hello) {
            // pkexec, still the user's process while it asks (the helper, root, cannot be signalled by us)
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
    }

    /** Whether the helper is waiting for authorization (pkexec asks for the password): it has not said hello. */
    public boolean authorizing() {
        return !hello && !done;
    }

    public boolean started() {
        return started;
    }

    public String phase() {
        return phase;
    }

    public boolean probing() {
        return probing;
    }

    public long totalBytes() {
        return totalBytes;
    }

    /**
     * Bytes earlier runs of a resumed job had copied to each destination (counted in {@link
     * #written()}); 0 for a job started from the beginning, before {@code started}, and when the
     * helper said none or a value out of range.
     */
    public long copiedBefore() {
        return copiedBefore;
    }

    public long[] written() {
        return written.clone();
    }

    public long verifiedBytes() {
        return verified;
    }

    public String error(int i) {
        return errors.get(i);
    }

    public List<SectorRange> unreadableSoFar() {
        return unreadable;
    }

    /** Whether it is over: a report, or a problem. */
    public boolean isDone() {
        return done;
    }

    /** The report, once done; null when there is none (see {@link #problem()}). */
    public Report report() {
        return report;
    }

    /** Why there is no report (refused, not authorized, the helper died...), with what to do; null when there is one. */
    public String problem() {
        return report != null ? null : problem;
    }
}
