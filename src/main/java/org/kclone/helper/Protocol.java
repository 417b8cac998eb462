package org.kclone.helper;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.kclone.device.Report;

/**
 * The JSON lines the window and the helper ({@code kclone helper}) exchange over the helper's
 * standard input and output, one object per line, each with a {@code type}.
 *
 * <p>In (to the helper): {@code start} (source region, destination regions, options) and
 * {@code cancel}. Out: {@code hello} (the helper runs: authorization is done), {@code refused}
 * (nothing was written), {@code started} (with a resumed job's {@code copiedBefore}), {@code progress}
 * (at most about ten a second), {@code failed} (a destination dropped), {@code unreadable} (the source's bad ranges so far),
 * {@code report} (the same JSON as {@code kclone copy --json}), {@code aborted} (no report: the job
 * failed inside), and {@code error} (a line the helper
 * did not accept; it goes on reading).
 */
public final class Protocol {

    /** Protocol version, in {@code hello}. */
    public static final int VERSION = 1;

    /** The longest line the helper reads, in bytes; a longer one is refused without being kept. */
    public static final int MAX_LINE = 64 * 1024;

    /** Strict: a field the helper does not know is an error naming it. */
    static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The window's reading: tolerant of fields a newer helper may add. */
    static final ObjectMapper LENIENT = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Protocol() {
    }

    /**
     * A message to the helper. {@code start}: {@code source} and {@code destinations} are regions as
     * on the command line ({@code PATH[@START][+LENGTH]}, absolute paths), {@code limit} bytes per
     * second (0 or absent: none), {@code probe} one of removable (default), all, off, {@code grow}
     * true to extend an existing image file too short for its region (the CLI's --grow; absent: no);
     * {@code usedOnly} true: only the blocks the file systems use (the helper plans that itself
     * from the source it opens; absent: every sector); {@code resume} true: continue this job from
     * the map the helper itself kept of it (absent: start over; the helper names, keeps and deletes
     * its maps in its own folder, never a path it is sent).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "source", "destinations", "verify", "ignoreErrors", "limit", "probe", "grow",
            "usedOnly", "resume"})
    public record Request(String type, String source, List<String> destinations, Boolean verify,
            Boolean ignoreErrors, Long limit, String probe, Boolean grow, Boolean usedOnly, Boolean resume) {

        public static Request start(String source, List<String> destinations, boolean verify, boolean ignoreErrors,
                long limit, String probe) {
            return start(source, destinations, verify, ignoreErrors, limit, probe, false, false);
        }

        /**
         * A start, with {@code grow} and {@code usedOnly} sent only when true (an older helper knows
         * no such fields).
         */
        public static Request start(String source, List<String> destinations, boolean verify, boolean ignoreErrors,
                long limit, String probe, boolean grow, boolean usedOnly) {
            return start(source, destinations, verify, ignoreErrors, limit, probe, grow, usedOnly, false);
        }

        /** A start, with {@code grow}, {@code usedOnly} and {@code resume} sent only when true. */
        public static Request start(String source, List<String> destinations, boolean verify, boolean ignoreErrors,
                long limit, String probe, boolean grow, boolean usedOnly, boolean resume) {
            return new Request("start", source, destinations, verify, ignoreErrors, limit, probe,
                    grow ? Boolean.TRUE : null, usedOnly ? Boolean.TRUE : null, resume ? Boolean.TRUE : null);
        }

        public static Request cancel() {
            return new Request("cancel", null, null, null, null, null, null, null, null, null);
        }
    }

    /** A message from the helper; only the fields of its type are set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "version", "field", "reason", "message", "totalBytes", "destinations", "phase",
        "probing", "written", "verified", "ranges", "destination", "error", "report", "copiedBefore"})
    public record Event(String type, Integer version, String field, String reason, String message, Long totalBytes,
            List<String> destinations, String phase, Boolean probing, long[] written, Long verified,
            List<Report.Range> ranges, Integer destination, String error, Report report, Long copiedBefore) {

        static Event hello() {
            return new Event("hello", VERSION, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null);
        }

        static Event refused(String field, String reason) {
            return new Event("refused", null, field, reason, null, null, null, null, null, null, null, null, null, null,
                    null, null);
        }

        static Event error(String message) {
            return new Event("error", null, null, null, message, null, null, null, null, null, null, null, null, null,
                    null, null);
        }

        /** The job ended without a report (an internal failure); {@code message} says what. */
        static Event aborted(String message) {
            return new Event("aborted", null, null, null, message, null, null, null, null, null, null, null, null,
                    null, null, null);
        }

        /**
         * The job runs: its {@code totalBytes}, its destinations, and {@code copiedBefore}, the bytes
         * earlier runs of a resumed job had already copied to each destination (counted in
         * {@code written}; 0 for a job started from the beginning). A helper that predates it sends
         * none: read as 0.
         */
        static Event started(long totalBytes, List<String> destinations, long copiedBefore) {
            return new Event("started", null, null, null, null, totalBytes, destinations, null, null, null, null, null,
                    null, null, null, copiedBefore);
        }

        static Event progress(String phase, boolean probing, long[] written, long verified) {
            return new Event("progress", null, null, null, null, null, null, phase, probing, written, verified, null,
                    null, null, null, null);
        }

        static Event failed(int destination, String error) {
            return new Event("failed", null, null, null, null, null, null, null, null, null, null, null, destination,
                    error, null, null);
        }

        static Event unreadable(List<Report.Range> ranges) {
            return new Event("unreadable", null, null, null, null, null, null, null, null, null, null, ranges, null,
                    null, null, null);
        }

        static Event report(Report report) {
            return new Event("report", null, null, null, null, null, null, null, null, null, null, null, null, null,
                    report, null);
        }
    }

    /** One line of JSON (no line breaks inside: Jackson escapes them in strings). */
    static String line(Object message) {
        try {
            return LENIENT.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + message + " as JSON", e);
        }
    }
}
