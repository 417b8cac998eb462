package org.kclone.ui.table;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.kclone.device.Report;

/**
 * One destination's row in the table, before a job (path, start, the guard it breaks) and during
 * and after one (bar, bytes, speed, ETA, state). A ViewModel without toolkit: the job's poll sets
 * it, the table's cells are bound to it.
 *
 * <p>The bar is one bar for the whole job of the row: with verification the copy fills it to the
 * half and the read-back from the half to the end, so it never runs backwards.
 */
public final class DestinationRow {

    private final StringProperty path = new SimpleStringProperty("");
    private final StringProperty model = new SimpleStringProperty("");
    private final StringProperty serial = new SimpleStringProperty("");
    private final StringProperty size = new SimpleStringProperty("");
    private final StringProperty start = new SimpleStringProperty("0");
    private final StringProperty guard = new SimpleStringProperty("");
    private final ObjectProperty<RowState> kind = new SimpleObjectProperty<>(RowState.QUEUED);
    private final DoubleProperty progress = new SimpleDoubleProperty();
    private final DoubleProperty verifyProgress = new SimpleDoubleProperty();
    private final DoubleProperty bar = new SimpleDoubleProperty();
    private final StringProperty bytes = new SimpleStringProperty("");
    private final StringProperty speed = new SimpleStringProperty("");
    private final StringProperty eta = new SimpleStringProperty("");
    private final StringProperty detail = new SimpleStringProperty("");
    private final StringProperty state = new SimpleStringProperty("queued");
    private final StringProperty error = new SimpleStringProperty("");
    private final StringProperty stateText = new SimpleStringProperty("queued");
    private final ObjectProperty<OverwriteStrip> overwrite = new SimpleObjectProperty<>();

    public DestinationRow(String path) {
        this.path.set(path);
        guard.addListener((o, a, b) -> {
            if (kind.get() == RowState.QUEUED || kind.get() == RowState.REFUSED) {
                queue();
            }
        });
    }

    public StringProperty path() {
        return path;
    }

    public StringProperty model() {
        return model;
    }

    public StringProperty serial() {
        return serial;
    }

    /** The whole device's or image's size, in words ("64 MiB"); "" when not known. */
    public StringProperty size() {
        return size;
    }

    /** The first sector written, as typed ("0", "2048", "1M"). */
    public StringProperty start() {
        return start;
    }

    /** Before a job: the guard this row breaks, in the window's words; "" when it passes. */
    public StringProperty guard() {
        return guard;
    }

    public ObjectProperty<RowState> kind() {
        return kind;
    }

    /** Bytes written of the region, 0 to 1; never goes back when verification starts. */
    public DoubleProperty progress() {
        return progress;
    }

    /** Bytes read back and compared, 0 to 1. */
    public DoubleProperty verifyProgress() {
        return verifyProgress;
    }

    /** The row's one bar, 0 to 1: copy then (when asked) verification, as two halves; never goes back. */
    public DoubleProperty bar() {
        return bar;
    }

    /** "14 MiB of 64 MiB" (written, or read back while verifying). */
    public StringProperty bytes() {
        return bytes;
    }

    /** "12.5 MiB/s"; "" for a row that failed or has not started. */
    public StringProperty speed() {
        return speed;
    }

    /** Time left including the verification pass ("1:05", "--"); "" when the row has ended. */
    public StringProperty eta() {
        return eta;
    }

    /** The written/verified line in one sentence (bytes, speed, ETA). */
    public StringProperty detail() {
        return detail;
    }

    /** The state as one word or two: queued, waiting, checking, writing, verifying, done, done, verified, failed... */
    public StringProperty state() {
        return state;
    }

    /** Empty while the row is fine; otherwise why it is not (failed, mismatch ranges, cancelled). */
    public StringProperty error() {
        return error;
    }

    /** What the state cell says in full: mark, state and reason ("✗ failed: Input/output error"). */
    public StringProperty stateText() {
        return stateText;
    }

    /** Fills in what the row is: model, serial (may be null) and the whole device's size in bytes (0: unknown). */
    /** The strip of what the copy will overwrite on this destination; null while not worked out. */
    public ObjectProperty<OverwriteStrip> overwrite() {
        return overwrite;
    }

    public void describe(String model, String serial, long sizeBytes) {
        this.model.set(model == null ? "" : model.trim());
        this.serial.set(serial == null ? "" : serial.trim());
        this.size.set(sizeBytes > 0 ? Eta.bytes(sizeBytes) : "");
    }

    /** Back to before a job: no progress, queued (or refused, when it breaks a guard). */
    public void queue() {
        progress.set(0);
        verifyProgress.set(0);
        bar.set(0);
        bytes.set("");
        speed.set("");
        eta.set("");
        detail.set("");
        boolean refused = !guard.get().isEmpty();
        set(refused ? RowState.REFUSED : RowState.QUEUED, refused ? "cannot start" : "queued", guard.get());
    }

    /** A job is starting on this row. */
    public void begin() {
        queue();
        set(RowState.WAITING, "waiting", "");
    }

    /** The job waits before it starts. */
    public void waiting() {
        set(RowState.WAITING, "waiting", "");
    }

    /**
     * The copy goes on.
     *
     * @param seconds how long the copy has run
     * @param verifyPass whether a verification pass follows
     * @param probing whether removable drives are being probed (nothing written yet)
     */
    public void copying(long written, long before, long total, double seconds, boolean verifyPass, boolean probing) {
        progress.set(fraction(written, total));
        raiseBar(verifyPass ? progress.get() / 2 : progress.get());
        double rate = seconds > 0 ? Math.max(0, written - before) / seconds : 0;
        long left = Eta.seconds(total, written, 0, verifyPass, false, seconds, 0, before);
        show(written, total, rate, left, "written");
        set(probing ? RowState.CHECKING : RowState.WRITING, probing ? "checking" : "writing", "");
    }

    /** The read-back goes on (every row being verified moves together). */
    public void verifying(long verified, long total, double copySeconds, double verifySeconds) {
        progress.set(1.0);
        verifyProgress.set(fraction(verified, total));
        raiseBar(0.5 + verifyProgress.get() / 2);
        double rate = verifySeconds > 0 ? verified / verifySeconds : 0;
        long left = Eta.seconds(total, total, verified, true, true, copySeconds, verifySeconds);
        show(verified, total, rate, left, "verified");
        set(RowState.VERIFYING, "verifying", "");
    }

    /** The destination failed (the engine dropped it): no speed, no ETA; the bar stays where it stopped. */
    public void fail(String why) {
        speed.set("");
        eta.set("");
        set(RowState.FAILED, "failed", why == null || why.isBlank() ? "failed" : why);
    }

    /** The job ended without a report: a row not already failed says why. */
    public void notDone(String why) {
        if (kind.get() != RowState.FAILED) {
            speed.set("");
            eta.set("");
            set(RowState.NOT_DONE, "not done", why);
        }
    }

    /**
     * The report's verdict on this destination.
     *
     * @param check whether verification was asked for
     * @param cancelled whether the job was cancelled
     * @param total bytes of the region
     * @param written bytes written to it, as last counted
     * @param verified bytes read back, as last counted
     * @param mismatchText where it differs, in words (used for a mismatch)
     */
    public void finish(Report.Destination d, boolean check, boolean cancelled, long total, long written,
            long verified, String mismatchText) {
        String status = d.status() == null ? "" : d.status();
        if ("ok".equals(status) && check && cancelled && verified < total) {
            status = "unverified"; // cancelled before the read-back reached the end: written, not checked
        }
        eta.set("");
        switch (status) {
            case "ok" -> {
                progress.set(1.0);
                if (check) {
                    verifyProgress.set(1.0);
                }
                bar.set(1.0);
                bytes.set(Eta.bytes(total));
                speed.set(""); // the summary gives the job's average; a last reading would mislead
                detail.set(org.kclone.device.Sizes.human(total) + (check ? " written and verified" : " written")
                        + (d.gpt() != null ? "; " + d.gpt() : "")); // a GPT fitted to a larger disk
                set(RowState.DONE, check ? "done, verified" : "done", "");
            }
            case "failed" -> fail(d.error());
            case "cancelled" -> {
                speed.set("");
                set(RowState.CANCELLED, "cancelled", written <= 0 ? "nothing written"
                        : Eta.bytes(written) + " of " + Eta.bytes(total) + " written, partly overwritten");
            }
            case "mismatch" -> {
                speed.set("");
                set(RowState.MISMATCH, "mismatch", mismatchText);
            }
            case "unverified" -> {
                speed.set("");
                set(RowState.UNVERIFIED, "unverified", d.error() != null ? d.error()
                        : "written, but the verification did not finish: the data was not checked");
            }
            default -> {
                speed.set("");
                set(RowState.NOT_DONE, status.isEmpty() ? "unknown" : status,
                        d.error() != null ? d.error() : "not confirmed as done (status '" + status + "')");
            }
        }
    }

    private void show(long done, long total, double rate, long left, String verb) {
        bytes.set(Eta.bytes(done) + " of " + Eta.bytes(total));
        speed.set(rate > 0 ? Eta.bytes((long) rate) + "/s" : "");
        eta.set(Eta.format(left));
        detail.set(verb + " " + org.kclone.device.Sizes.human(done) + " of " + org.kclone.device.Sizes.human(total)
                + ", " + org.kclone.device.Sizes.human((long) rate) + "/s, ETA " + Eta.format(left));
    }

    private void set(RowState k, String word, String why) {
        error.set(why == null ? "" : org.kclone.ui.Reasons.forTheWindow(why)); // no command-line flags in the window
        state.set(word);
        kind.set(k);
        stateText.set(k.mark() + word + (error.get().isEmpty() ? "" : ": " + error.get()));
    }

    private void raiseBar(double v) {
        bar.set(Math.max(bar.get(), Math.min(1.0, v)));
    }

    private static double fraction(long n, long total) {
        return total <= 0 ? 0 : Math.min(1.0, (double) n / total);
    }
}
