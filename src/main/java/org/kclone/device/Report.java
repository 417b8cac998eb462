package org.kclone.device;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import org.kclone.device.report.AuditInfo;
import org.kclone.engine.SectorRange;

/**
 * The JSON report of {@code copy}, {@code zero} and {@code verify} (README, "The JSON report").
 * {@code start}, {@code length} and {@code count} are 512-byte sectors; {@code bytes} is bytes.
 * {@code audit} (version, host, times, options, device facts) is written at the top level after
 * the job's fields, and left out while null.
 */
@JsonPropertyOrder({"command", "source", "bytes", "seconds", "cancelled", "readErrors", "destinations"})
public record Report(String command, Region source, long bytes, double seconds, boolean cancelled,
        List<Range> readErrors, List<Destination> destinations, @JsonUnwrapped AuditInfo audit) {

    /** A report without its audit part (as the job makes it; {@link #withAudit} adds it). */
    public Report(String command, Region source, long bytes, double seconds, boolean cancelled,
            List<Range> readErrors, List<Destination> destinations) {
        this(command, source, bytes, seconds, cancelled, readErrors, destinations, null);
    }

    /** How Jackson reads a JSON report (it cannot read an unwrapped record component): with the audit fields where present. */
    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    static Report fromJson(@JsonProperty("command") String command, @JsonProperty("source") Region source,
            @JsonProperty("bytes") long bytes, @JsonProperty("seconds") double seconds,
            @JsonProperty("cancelled") boolean cancelled, @JsonProperty("readErrors") List<Range> readErrors,
            @JsonProperty("destinations") List<Destination> destinations, @JsonProperty("version") String version,
            @JsonProperty("host") String host, @JsonProperty("startedAt") String startedAt,
            @JsonProperty("endedAt") String endedAt, @JsonProperty("options") java.util.Map<String, Object> options,
            @JsonProperty("sourceDevice") org.kclone.device.report.DeviceFacts sourceDevice,
            @JsonProperty("destinationDevices") List<org.kclone.device.report.DeviceFacts> destinationDevices) {
        AuditInfo audit = version == null && host == null && startedAt == null ? null
                : new AuditInfo(version, host, startedAt, endedAt, options != null ? options : java.util.Map.of(),
                        sourceDevice, destinationDevices != null ? destinationDevices : List.of());
        return new Report(command, source, bytes, seconds, cancelled, readErrors, destinations, audit);
    }

    /** This report with its audit part. */
    public Report withAudit(AuditInfo a) {
        return new Report(command, source, bytes, seconds, cancelled, readErrors, destinations, a);
    }

    /**
     * A region: path, first sector, sector count; {@code bytes} its exact length when its last
     * sector is partial (an image file of odd size), else null and left out of the JSON;
     * {@code sha256} the SHA-256 of its content as the copy read it (null, left out, when the copy
     * did not read all of it or some of it was unreadable).
     */
    @JsonPropertyOrder({"path", "start", "length", "bytes", "sha256"})
    public record Region(String path, long start, long length,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long bytes,
            @JsonInclude(JsonInclude.Include.NON_NULL) String sha256) {

        /** A region without its hash. */
        public Region(String path, long start, long length, Long bytes) {
            this(path, start, length, bytes, null);
        }

        /** A region of whole sectors. */
        public Region(String path, long start, long length) {
            this(path, start, length, null, null);
        }

        /** This region with the SHA-256 of its content (null: not known). */
        public Region withSha256(String hash) {
            return new Region(path, start, length, bytes, hash);
        }

        /** The region of an endpoint, with its bytes when the last sector is partial. */
        public static Region of(Endpoint e) {
            return new Region(e.path().toString(), e.start(), e.count(), e.partialTail() ? e.byteLength() : null);
        }
    }

    /** A run of sectors. */
    @JsonPropertyOrder({"start", "count"})
    public record Range(long start, long count) {
        public static List<Range> of(List<SectorRange> ranges) {
            return ranges.stream().map(r -> new Range(r.start(), r.count())).toList();
        }
    }

    /**
     * Sectors that differ: {@code start} and {@code count} on the destination itself (its own
     * sector numbers, not relative to the region), {@code sourceStart} where the same sectors lie on
     * the source.
     */
    @JsonPropertyOrder({"start", "count", "sourceStart"})
    public record Mismatch(long start, long count, long sourceStart) {

        /**
         * @param relative sectors relative to the regions' starts (as {@link Verifier} finds them)
         * @param destStart the destination region's first sector
         * @param sourceStart the source region's first sector
         */
        public static List<Mismatch> of(List<SectorRange> relative, long destStart, long sourceStart) {
            return relative.stream().map(r -> new Mismatch(destStart + r.start(), r.count(), sourceStart + r.start()))
                    .toList();
        }
    }

    /**
     * One destination: {@code status} is ok, failed or mismatch; {@code error} the OS error of a
     * failed one, or for a mismatch that the destination is shorter than the source; {@code sha256}
     * the SHA-256 of its region's content as verification read it back (null, left out, when it was
     * not read back whole); {@code gpt} what was done to a GPT copied to a larger disk (its backup
     * moved to the end, with --grow-last the last partition grown) or why it was left as it is;
     * left out when there was no such GPT; {@code verified} whether it was read back to its end and
     * compared with the source (ok or mismatch after a whole verification pass; false when verification
     * was not asked for, was cancelled, or could not read it). {@code status} "cancelled": the job was
     * cancelled before this destination had everything (partly overwritten).
     */
    @JsonPropertyOrder({"path", "start", "length", "status", "error", "mismatches", "sha256", "gpt", "verified"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Destination(String path, long start, long length, String status, String error,
            List<Mismatch> mismatches, @JsonInclude(JsonInclude.Include.NON_NULL) String sha256,
            @JsonInclude(JsonInclude.Include.NON_NULL) String gpt, boolean verified) {

        /** A destination that was not (or not wholly) verified. */
        public Destination(String path, long start, long length, String status, String error,
                List<Mismatch> mismatches, String sha256, String gpt) {
            this(path, start, length, status, error, mismatches, sha256, gpt, false);
        }

        /** A destination with nothing to say about a GPT. */
        public Destination(String path, long start, long length, String status, String error,
                List<Mismatch> mismatches, String sha256) {
            this(path, start, length, status, error, mismatches, sha256, null);
        }

        /** A destination without its hash. */
        public Destination(String path, long start, long length, String status, String error,
                List<Mismatch> mismatches) {
            this(path, start, length, status, error, mismatches, null, null);
        }
    }

    /** Exit code: 0 all written (and verified) without a read error; 1 anything failed or cancelled. */
    public int exitCode() {
        boolean bad = cancelled || !readErrors.isEmpty()
                || destinations.stream().anyMatch(d -> !"ok".equals(d.status()));
        return bad ? 1 : 0;
    }
}
