package org.kclone.ui.table;

/**
 * Where one destination is, as its row shows it: the word, the mark, and the CSS pseudo-class
 * that colours the row ({@code kclone.css}: {@code .destination-row:failed} and so on).
 */
public enum RowState {
    /** Before a job: in the list, passes every guard. */
    QUEUED("queued", ""),
    /** Before a job: breaks a guard; the job cannot start until it is fixed or removed. */
    REFUSED("cannot start", "✗ "),
    /** The job waits (the administrator password, the helper starting). */
    WAITING("waiting", ""),
    /** Removable drives are probed for fake capacity before the copy. */
    CHECKING("checking", ""),
    WRITING("writing", ""),
    VERIFYING("verifying", ""),
    DONE("done", "✓ "),
    FAILED("failed", "✗ "),
    MISMATCH("mismatch", "✗ "),
    /** Cancelled before it had everything: partly overwritten. */
    CANCELLED("cancelled", "■ "),
    /** Written and flushed, but the read-back did not finish (cancelled during verification). */
    UNVERIFIED("unverified", "! "),
    /** The job ended without a report (the helper gone, not authorized). */
    NOT_DONE("not done", "✗ ");

    private final String word;
    private final String mark;

    RowState(String word, String mark) {
        this.word = word;
        this.mark = mark;
    }

    /** The state in words ("failed"). */
    public String word() {
        return word;
    }

    /** The sign before the word in the state cell ("✓ ", "✗ "), or "". */
    public String mark() {
        return mark;
    }

    /** The row's pseudo-class: the enum's name in lower case with dashes ("not-done"). */
    public String pseudoClass() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Failed, refused, mismatch, not done: the rows the eye must go to. */
    public boolean bad() {
        return this == FAILED || this == REFUSED || this == MISMATCH || this == NOT_DONE;
    }

    /** No more work will be done on the row in this job. */
    public boolean ended() {
        return this == DONE || this == FAILED || this == MISMATCH || this == CANCELLED || this == UNVERIFIED
                || this == NOT_DONE;
    }
}
