package org.kclone.device;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.kclone.engine.SectorRange;

/**
 * The JSON report of {@code copy}, {@code zero} and {@code verify} (README, "The JSON report").
 * {@code start}, {@code length} and {@code count} are 512-byte sectors; {@code bytes} is bytes.
 */
@JsonPropertyOrder({"command", "source", "bytes", "seconds", "cancelled", "readErrors", "destinations"})
public record Report(String command, Region source, long bytes, double seconds, boolean cancelled,
        List<Range> readErrors, List<Destination> destinations) {

    /** A region: path, first sector, sector count. */
    @JsonPropertyOrder({"path", "start", "length"})
    public record Region(String path, long start, long length) {
    }

    /** A run of sectors. */
    @JsonPropertyOrder({"start", "count"})
    public record Range(long start, long count) {
        public static List<Range> of(List<SectorRange> ranges) {
            return ranges.stream().map(r -> new Range(r.start(), r.count())).toList();
        }
    }

    /** One destination: {@code status} is ok, failed or mismatch; {@code error} the OS error of a failed one. */
    @JsonPropertyOrder({"path", "start", "length", "status", "error", "mismatches"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Destination(String path, long start, long length, String status, String error,
            List<Range> mismatches) {
    }

    /** Exit code: 0 all written (and verified) without a read error; 1 anything failed or cancelled. */
    public int exitCode() {
        boolean bad = cancelled || !readErrors.isEmpty()
                || destinations.stream().anyMatch(d -> !"ok".equals(d.status()));
        return bad ? 1 : 0;
    }
}
