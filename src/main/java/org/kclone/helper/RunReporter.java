package org.kclone.helper;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.kclone.device.CloneRun;
import org.kclone.device.Report;
import org.kclone.engine.SectorRange;

/**
 * Turns a running {@link CloneRun} into events: its counters are read every {@link #PERIOD_MS}
 * and sent when they changed (so at most about ten progress lines a second, however fast the
 * chunks go), each destination's failure once, the unreadable ranges when there are more, and at
 * the end the report.
 */
final class RunReporter implements Runnable {

    static final long PERIOD_MS = 100;

    private final CloneRun run;
    private final EventWriter out;

    RunReporter(CloneRun run, EventWriter out) {
        this.run = run;
        this.out = out;
    }

    @Override
    public void run() {
        int n = run.plan().destinations().size();
        boolean[] told = new boolean[n];
        int unreadable = 0;
        Protocol.Event last = null;
        Report report = null;
        while (report == null) {
            Throwable failure = null;
            try {
                report = run.completion().get(PERIOD_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // not yet: tell what changed
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            }
            Protocol.Event now = Protocol.Event.progress(run.phase().name(), run.probing(), run.written(),
                    run.verifiedBytes());
            if (last == null || !same(last, now)) {
                out.send(now);
                last = now;
            }
            for (int i = 0; i < n; i++) {
                String error = run.error(i);
                if (error != null && !told[i]) {
                    told[i] = true;
                    out.send(Protocol.Event.failed(i, error));
                }
            }
            List<SectorRange> bad = run.unreadableSoFar();
            if (bad.size() != unreadable) {
                unreadable = bad.size();
                out.send(Protocol.Event.unreadable(Report.Range.of(bad)));
            }
            if (failure != null) {
                out.send(Protocol.Event.aborted(failure.toString()));
                return;
            }
        }
        out.send(Protocol.Event.report(report));
    }

    private static boolean same(Protocol.Event a, Protocol.Event b) {
        return a.phase().equals(b.phase()) && a.probing().equals(b.probing()) && Arrays.equals(a.written(), b.written())
                && a.verified().equals(b.verified());
    }
}
