package org.kclone.device;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.kclone.device.used.UsedCopy;
import org.kclone.device.verify.DigestVerifier;
import org.kclone.device.verify.SourceHasher;
import org.kclone.engine.IoRegion;
import org.kclone.engine.JobResult;

/**
 * A {@link CloneRun}'s read-back after the copy ({@code --verify}): which destinations are read back
 * (fully written and not failed), compared with the digests the source's hasher kept (with
 * {@code --used-only}, its extents only), the GPT step told; how far it is, read from any thread.
 */
final class VerifyPhase {

    private final OpenedPlan opened;
    private final AtomicLong verified = new AtomicLong();
    /** Destinations being read back (all false until verification starts). */
    private volatile boolean[] verifying;
    /** Destinations that were to be read back: fully written and not failed (all false without --verify). */
    private boolean[] toCheck;
    /** The verifier's result at each destination's index (null where not read back); null when none was. */
    private Verifier.Result checked;
    /** Per destination, the SHA-256 verification read back, or null. */
    private List<String> destSha256;

    VerifyPhase(OpenedPlan opened) {
        this.opened = opened;
        this.verifying = new boolean[opened.plan().destinations().size()];
    }

    /**
     * On the run's thread after the job has ended: with {@code asked}, reads back every destination
     * that has all of its bytes ({@code written}) and did not fail, unless the job was cancelled.
     * {@code starting} runs just before the first read; {@code told} after each window with the
     * bytes of every destination read back so far. Stops early when {@code cancelled}.
     */
    void run(boolean asked, JobResult result, long[] written, JobSetup setup, GptStep gpt,
            BooleanSupplier cancelled, Runnable starting, LongConsumer told) {
        toCheck = new boolean[written.length];
        if (!asked) {
            return;
        }
        List<IoRegion> toVerify = new ArrayList<>();
        List<Integer> index = new ArrayList<>();
        List<IoRegion> dests = opened.destinationRegions();
        for (int i = 0; i < dests.size(); i++) {
            if (!result.failed(i) && written[i] == dests.get(i).byteLength()) {
                toVerify.add(dests.get(i));
                index.add(i);
                toCheck[i] = true;
            }
        }
        if (toVerify.isEmpty() || result.cancelled() || cancelled.getAsBoolean()) {
            return;
        }
        verifying = toCheck.clone();
        starting.run();
        LongConsumer progress = b -> {
            verified.set(b);
            told.accept(b);
        };
        UsedCopy used = setup.used();
        SourceHasher hasher = setup.hasher();
        DigestVerifier.Verified v = used != null
                ? used.verify(hasher, opened.sourceRegion(), opened.sourceRereadable(), toVerify,
                        result.unreadable(), progress, cancelled)
                : DigestVerifier.afterCopy(hasher, opened.plan().source().byteLength(), opened.sourceRegion(),
                        opened.sourceRereadable(), toVerify, result.unreadable(), progress, cancelled);
        checked = gpt.afterVerify(RunReport.spread(v.result(), index, dests.size()), opened);
        destSha256 = v.sha256At(index, dests.size());
    }

    /** Whether destination {@code i} is being (or was) read back; false until verification starts. */
    boolean isVerifying(int i) {
        return verifying[i];
    }

    /** Bytes verified so far (every destination being verified moves together). */
    long verifiedBytes() {
        return verified.get();
    }

    /** After {@link #run}: the destinations that were to be read back. */
    boolean[] toCheck() {
        return toCheck;
    }

    /** After {@link #run}: the verifier's result by destination, or null when nothing was read back. */
    Verifier.Result checked() {
        return checked;
    }

    /** After {@link #run}: per destination the SHA-256 read back, or null (as a whole when nothing was). */
    List<String> destSha256() {
        return destSha256;
    }
}
