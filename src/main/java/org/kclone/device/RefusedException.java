package org.kclone.device;

/** A request refused before anything was written: names the argument and says why. */
public final class RefusedException extends Exception {

    private final String field;
    private final String reason;

    public RefusedException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    /** The argument at fault, e.g. {@code SOURCE} or {@code DEST 2 (/dev/sdc)}. */
    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
