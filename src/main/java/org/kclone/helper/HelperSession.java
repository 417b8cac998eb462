package org.kclone.helper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.kclone.device.CloneRun;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Lsblk;
import org.kclone.device.RefusedException;
import org.kclone.device.RegionSpec;
import org.kclone.device.probe.ProbeMode;
import org.kclone.engine.KcopydConfig;
import org.kclone.engine.KcopydFlag;

/**
 * One helper process's conversation: reads requests line by line from standard input (bounded,
 * {@link Protocol#MAX_LINE}), runs one job at a time, writes events. A line it does not accept is
 * answered with an {@code error} event and the helper goes on reading. When standard input ends
 * (the window closed it, or died), a running job is cancelled: writes in flight finish, the
 * destinations are flushed, the report is sent (if anyone still reads), then the session ends.
 */
public final class HelperSession {

    /** Most destinations one request may name. */
    static final int MAX_DESTINATIONS = 64;

    private final BoundedLineReader in;
    private final EventWriter out;
    private final Requester user;
    private final HelperMaps maps;
    private CloneRun run;
    private Thread reporter;

    HelperSession(InputStream in, OutputStream out, Requester user) {
        this(in, out, user, HelperMaps.fromEnvironment(System.getenv()));
    }

    HelperSession(InputStream in, OutputStream out, Requester user, HelperMaps maps) {
        this.in = new BoundedLineReader(in, Protocol.MAX_LINE);
        this.out = new EventWriter(out);
        this.user = user;
        this.maps = maps;
    }

    /** Runs until standard input ends; returns the exit code (0; 1 when the last job was not all ok). */
    int run() throws InterruptedException {
        out.send(Protocol.Event.hello());
        int code = 0;
        while (true) {
            BoundedLineReader.Result r;
            try {
                r = in.next();
            } catch (IOException e) {
                r = new BoundedLineReader.End();
            }
            if (r instanceof BoundedLineReader.Line line) {
                handle(line.text());
                continue;
            }
            if (r instanceof BoundedLineReader.TooLong t) {
                out.send(Protocol.Event.error("refused a line of " + t.bytes() + " bytes: the limit is "
                        + Protocol.MAX_LINE));
                continue;
            }
            if (r instanceof BoundedLineReader.NotUtf8) {
                out.send(Protocol.Event.error("refused a line that is not UTF-8"));
                continue;
            }
            if (r instanceof BoundedLineReader.Truncated t) {
                out.send(Protocol.Event.error("refused a truncated line (" + t.bytes()
                        + " bytes, input ended before its newline)"));
            }
            break; // end of input
        }
        if (run != null) {
            run.cancel(); // no-op when it is over; else it stops cleanly and flushes
            reporter.join();
            try {
                code = run.completion().join().exitCode();
            } catch (RuntimeException e) {
                code = 1; // told as "aborted"
            }
        }
        return code;
    }

    private void handle(String text) {
        Protocol.Request request;
        try {
            request = Protocol.STRICT.readValue(text, Protocol.Request.class);
        } catch (UnrecognizedPropertyException e) {
            out.send(Protocol.Event.error("refused a message with the unknown field '" + e.getPropertyName() + "'"));
            return;
        } catch (com.fasterxml.jackson.core.JsonParseException e) { // also a line cut short
            out.send(Protocol.Event.error("refused a line that is not a JSON message: "
                    + e.getOriginalMessage()));
            return;
        } catch (JsonProcessingException e) {
            out.send(Protocol.Event.error("refused a malformed message: " + e.getOriginalMessage()));
            return;
        }
        if (request == null || request.type() == null) {
            out.send(Protocol.Event.error("refused a message without 'type'"));
            return;
        }
        switch (request.type()) {
            case "start" -> start(request);
            case "cancel" -> {
                if (running()) {
                    run.cancel();
                } else {
                    out.send(Protocol.Event.error("refused 'cancel': no job is running"));
                }
            }
            default -> out.send(Protocol.Event.error("refused a message of unknown type '" + request.type() + "'"));
        }
    }

    private boolean running() {
        return run != null && reporter.isAlive();
    }

    private void start(Protocol.Request r) {
        if (running()) {
            out.send(Protocol.Event.error("refused 'start': a job is already running"));
            return;
        }
        try {
            if (r.source() == null || r.destinations() == null || r.destinations().isEmpty()) {
                throw new RefusedException("start", "needs 'source' and at least one of 'destinations'");
            }
            if (r.destinations().size() > MAX_DESTINATIONS) {
                throw new RefusedException("destinations", r.destinations().size() + " destinations; at most "
                        + MAX_DESTINATIONS);
            }
            long limit = r.limit() == null ? 0 : r.limit();
            if (limit < 0) {
                throw new RefusedException("limit", limit + " is negative; give bytes per second, or 0 for none");
            }
            ProbeMode probe = probe(r.probe());
            RequestGuard guard = new RequestGuard(user);
            RegionSpec src = guard.source(RegionSpec.parse("SOURCE", r.source()));
            List<RegionSpec> dests = new ArrayList<>();
            for (int i = 0; i < r.destinations().size(); i++) {
                dests.add(guard.destination(RegionSpec.parse("DEST " + (i + 1), r.destinations().get(i))));
            }
            CopyPlanner.Plan plan;
            try {
                plan = new CopyPlanner(Lsblk.discover(),
                        new CopyPlanner.Options(false, false, Boolean.TRUE.equals(r.grow()))).copy(src, dests);
            } catch (IOException e) {
                throw new RefusedException("lsblk", "cannot list the block devices (" + e.getMessage()
                        + "), so the guards against the wrong disk cannot be checked; nothing was written");
            }
            Set<KcopydFlag> flags = EnumSet.of(KcopydFlag.DROP_FAILED_DESTINATIONS);
            if (Boolean.TRUE.equals(r.ignoreErrors())) {
                flags.add(KcopydFlag.IGNORE_ERROR);
            }
            CloneRun.Settings settings = new CloneRun.Settings(2048, KcopydConfig.DEFAULT, limit, flags,
                    Boolean.TRUE.equals(r.verify()), probe);
            boolean resume = Boolean.TRUE.equals(r.resume());
            boolean usedOnly = Boolean.TRUE.equals(r.usedOnly());
            if (usedOnly) {
                org.kclone.device.used.UsedOnlyCheck.check(plan);
                settings = settings.usedOnly(false); // planned by CloneRun from the source this helper opens
            }
            PinnedOpener opener; // every open of the job's devices, the map's checks' too
            try {
                opener = new PinnedOpener(guard.checked(), user);
            } catch (IOException e) {
                throw new RefusedException("helper", e.getMessage());
            }
            if (resume || org.kclone.device.resume.MapStore.canKeep(plan)) {
                // the helper's own map of this job, in its own folder (the request names no file); a
                // used-blocks-only job's map holds its extent list and resumes only as such
                org.kclone.device.resume.JobMap map = maps.prepare(user, plan, resume, usedOnly, opener);
                settings = map == null ? settings : settings.withMap(map);
            }
            run = CloneRun.start(plan, opener, settings, new CloneRun.Listener() { });
            if (settings.map() != null) {
                org.kclone.device.resume.JobMap map = settings.map();
                run.completion().whenComplete((report, failure) -> HelperMaps.forgetIfFinished(map));
            }
        } catch (RefusedException e) {
            out.send(Protocol.Event.refused(e.field(), e.reason()));
            return;
        }
        out.send(Protocol.Event.started(run.totalBytes(),
                run.plan().destinations().stream().map(d -> d.path().toString()).toList(), run.copiedBefore()));
        reporter = new Thread(new RunReporter(run, out), "kclone-helper-events");
        reporter.start();
    }

    private static ProbeMode probe(String name) throws RefusedException {
        if (name == null || name.equals("removable")) {
            return ProbeMode.REMOVABLE;
        }
        return switch (name) {
            case "all" -> ProbeMode.ALL;
            case "off" -> ProbeMode.OFF;
            default -> throw new RefusedException("probe", "'" + name + "' is not one of removable, all, off");
        };
    }
}
