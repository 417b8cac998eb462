package org.kclone.device.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Report;

/**
 * The audit part of the report (README, "The JSON report"): which kclone ran where and when, with
 * which options, on which hardware. Its fields appear at the top level of the JSON report, after the
 * job's own fields.
 *
 * @param version kclone's version
 * @param host the machine's host name
 * @param startedAt when the job started, ISO 8601 with the zone offset ({@code 2026-12-05T21:57:12+01:00})
 * @param endedAt when the report was made, same form
 * @param options the options the job ran with, by their command-line names
 * @param sourceDevice the source's facts; null for {@code zero}
 * @param destinationDevices each destination's facts, in the order of {@code destinations}
 */
@JsonPropertyOrder({"version", "host", "startedAt", "endedAt", "options", "sourceDevice", "destinationDevices"})
public record AuditInfo(String version, String host, String startedAt, String endedAt, Map<String, Object> options,
        DeviceFacts sourceDevice, List<DeviceFacts> destinationDevices) {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    public AuditInfo {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        destinationDevices = List.copyOf(destinationDevices);
    }

    /**
     * The audit of a finished job.
     *
     * @param plan what ran
     * @param report its report (which destinations were compared)
     * @param verifyAsked whether a read-back was asked for ({@code --verify}, or the {@code verify} command)
     */
    public static AuditInfo of(CopyPlanner.Plan plan, Report report, boolean verifyAsked, Instant started,
            Instant ended, Map<String, Object> options) {
        List<DeviceFacts> dests = new ArrayList<>();
        for (int i = 0; i < plan.destinations().size(); i++) {
            Report.Destination d = i < report.destinations().size() ? report.destinations().get(i) : null;
            dests.add(DeviceFacts.of(plan.destinations().get(i), verifyAsked && d != null && compared(d.status())));
        }
        return new AuditInfo(kcloneVersion(), hostName(), time(started), time(ended), options,
                plan.source() != null ? DeviceFacts.of(plan.source(), null) : null, dests);
    }

    /** Whether a destination with this status was compared to its end: ok and mismatch are the verifier's verdicts. */
    private static boolean compared(String status) {
        return Set.of("ok", "mismatch").contains(status);
    }

    /** {@code 2026-12-05T21:57:12+01:00} (UTC as {@code Z}), in this machine's zone, to the second. */
    public static String time(Instant t) {
        return OffsetDateTime.ofInstant(t.truncatedTo(ChronoUnit.SECONDS), ZoneId.systemDefault()).format(ISO);
    }

    /** kclone's version from the build ({@code version.properties}, filtered by Maven), or "unknown". */
    public static String kcloneVersion() {
        try (InputStream in = AuditInfo.class.getResourceAsStream("/org/kclone/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The kernel's host name (no DNS lookup), else Java's, else "unknown". */
    public static String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** An options map builder that keeps the order options were put in. */
    public static Map<String, Object> newOptions() {
        return new LinkedHashMap<>();
    }
}
