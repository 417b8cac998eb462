package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's exit code and its JSON shape (README, "The JSON report"), without any device. */
class ReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Report.Destination ok(String path) {
        return new Report.Destination(path, 0, 8, "ok", null, List.of());
    }

    private static Report report(boolean cancelled, List<Report.Range> readErrors, Report.Destination... d) {
        return new Report("copy", new Report.Region("/dev/sdb", 0, 8), 4096, 1.5, cancelled, readErrors, List.of(d));
    }

    @Test
    void exitCodeIsZeroOnlyWhenEverythingIsOk() {
        assertEquals(0, report(false, List.of(), ok("/a"), ok("/b")).exitCode());
        assertEquals(1, report(false, List.of(), ok("/a"),
                new Report.Destination("/b", 0, 8, "failed", "Input/output error", List.of())).exitCode(),
                "a failed destination");
        assertEquals(1, report(false, List.of(), new Report.Destination("/a", 0, 8, "mismatch", null,
                List.of(new Report.Mismatch(3, 1, 3))), ok("/b")).exitCode(), "a mismatch");
        assertEquals(1, report(false, List.of(new Report.Range(2048, 16)), ok("/a")).exitCode(),
                "a read error, even ignored");
        assertEquals(1, report(true, List.of(), ok("/a")).exitCode(), "cancelled");
        assertEquals(1, report(false, List.of(), new Report.Destination("/a", 0, 8, "unverified", null, List.of()))
                .exitCode(), "any status but ok");
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void jsonHasTheReadmeFieldsInTheReadmeOrder() throws Exception {
        Report r = report(false, List.of(new Report.Range(2048, 16)), ok("/dev/sdc"),
                new Report.Destination("/dev/sdd", 2048, 8, "failed", "Input/output error", List.of()),
                new Report.Destination("/dev/sde", 0, 8, "mismatch", null, List.of(new Report.Mismatch(5, 2, 1029))));
        JsonNode j = JSON.readTree(JSON.writeValueAsString(r));
        assertEquals(List.of("command", "source", "bytes", "seconds", "cancelled", "readErrors", "destinations"),
                names(j));
        assertEquals("copy", j.path("command").asText());
        assertEquals(List.of("path", "start", "length"), names(j.path("source")));
        assertEquals("/dev/sdb", j.path("source").path("path").asText());
        assertEquals(8, j.path("source").path("length").asLong());
        assertEquals(4096, j.path("bytes").asLong());
        assertEquals(1.5, j.path("seconds").asDouble());
        assertTrue(j.path("cancelled").isBoolean());
        assertEquals(List.of("start", "count"), names(j.path("readErrors").get(0)));
        assertEquals(2048, j.path("readErrors").get(0).path("start").asLong());
        assertEquals(16, j.path("readErrors").get(0).path("count").asLong());
        JsonNode d = j.path("destinations");
        assertEquals(3, d.size());
        for (JsonNode x : d) {
            assertEquals(List.of("path", "start", "length", "status", "error", "mismatches", "verified"), names(x));
        }
        assertTrue(d.get(0).path("error").isNull(), "error is present as null on an ok destination");
        assertTrue(d.get(0).path("mismatches").isArray() && d.get(0).path("mismatches").isEmpty());
        assertEquals(2048, d.get(1).path("start").asLong());
        assertEquals("failed", d.get(1).path("status").asText());
        assertEquals("Input/output error", d.get(1).path("error").asText());
        assertEquals(5, d.get(2).path("mismatches").get(0).path("start").asLong());
        assertEquals(2, d.get(2).path("mismatches").get(0).path("count").asLong());
        assertEquals(List.of("start", "count", "sourceStart"), names(d.get(2).path("mismatches").get(0)));
        assertEquals(1029, d.get(2).path("mismatches").get(0).path("sourceStart").asLong());
    }

    @Test
    void aZeroReportHasANullSource() throws Exception {
        Report r = new Report("zero", null, 4096, 0.1, false, List.of(), List.of(ok("/a")));
        JsonNode j = JSON.readTree(JSON.writeValueAsString(r));
        assertEquals("zero", j.path("command").asText());
        assertTrue(j.has("source") && j.path("source").isNull(), j.toString());
        assertEquals(0, r.exitCode());
    }

    @Test
    void theAuditFieldsFollowTheJobsFieldsWhichKeepTheirNamesAndMeaning() throws Exception {
        Report plain = report(false, List.of(), ok("/dev/sdc"),
                new Report.Destination("/dev/sdd", 0, 8, "failed", "Input/output error", List.of()));
        java.util.Map<String, Object> options = org.kclone.device.report.AuditInfo.newOptions();
        options.put("verify", true);
        options.put("chunk", "1M");
        options.put("limit", null);
        Report r = plain.withAudit(new org.kclone.device.report.AuditInfo("1.0", "bench",
                org.kclone.device.report.AuditInfo.time(java.time.Instant.parse("2026-12-05T21:00:00Z")),
                org.kclone.device.report.AuditInfo.time(java.time.Instant.parse("2026-12-05T21:00:02Z")), options,
                new org.kclone.device.report.DeviceFacts("/dev/sdb", "device", "Cruzer", "SRC", 16L << 30, null),
                List.of(new org.kclone.device.report.DeviceFacts("/dev/sdc", "device", "Cruzer", "C1", 8L << 30, true),
                        new org.kclone.device.report.DeviceFacts("/dev/sdd", "device", null, null, 8L << 30, false))));
        assertEquals(plain.exitCode(), r.exitCode());
        JsonNode j = JSON.readTree(JSON.writeValueAsString(r));
        assertEquals(List.of("command", "source", "bytes", "seconds", "cancelled", "readErrors", "destinations",
                "version", "host", "startedAt", "endedAt", "options", "sourceDevice", "destinationDevices"), names(j));
        JsonNode before = JSON.readTree(JSON.writeValueAsString(plain));
        for (String f : names(before)) {
            assertEquals(before.get(f), j.get(f), f + " unchanged by the audit part");
        }
        assertEquals("1.0", j.path("version").asText());
        assertEquals("bench", j.path("host").asText());
        for (String t : List.of("startedAt", "endedAt")) {
            String v = j.path(t).asText();
            assertTrue(v.matches(".*T.*(Z|[+-]\\d\\d:\\d\\d)"), t + " carries its zone: " + v);
            java.time.OffsetDateTime.parse(v); // ISO 8601
        }
        assertEquals(java.time.Instant.parse("2026-12-05T21:00:02Z"),
                java.time.OffsetDateTime.parse(j.path("endedAt").asText()).toInstant());
        assertEquals(List.of("verify", "chunk", "limit"), names(j.path("options")));
        assertTrue(j.path("options").path("verify").asBoolean());
        assertTrue(j.path("options").has("limit") && j.path("options").path("limit").isNull());
        assertEquals(List.of("path", "kind", "model", "serial", "size"), names(j.path("sourceDevice")),
                "no verified on the source");
        assertEquals("SRC", j.path("sourceDevice").path("serial").asText());
        assertEquals(16L << 30, j.path("sourceDevice").path("size").asLong());
        JsonNode dd = j.path("destinationDevices");
        assertEquals(2, dd.size());
        assertEquals(List.of("path", "kind", "model", "serial", "size", "verified"), names(dd.get(0)));
        assertEquals("C1", dd.get(0).path("serial").asText());
        assertTrue(dd.get(0).path("verified").asBoolean());
        assertTrue(dd.get(1).path("serial").isNull() && !dd.get(1).path("verified").asBoolean());
    }

    @Test
    void withoutTheAuditPartTheReportIsAsBefore() throws Exception {
        Report r = report(false, List.of(), ok("/a"));
        assertEquals(null, r.audit());
        assertEquals(List.of("command", "source", "bytes", "seconds", "cancelled", "readErrors", "destinations"),
                names(JSON.readTree(JSON.writeValueAsString(r))));
    }

    @Test
    void aJsonReportReadsBackWithOrWithoutTheAuditFields() throws Exception {
        Report plain = report(false, List.of(new Report.Range(2048, 16)), ok("/dev/sdc"));
        assertEquals(plain, JSON.readValue(JSON.writeValueAsString(plain), Report.class));
        Report full = plain.withAudit(new org.kclone.device.report.AuditInfo("1.0", "h", "2026-12-05T21:00:00Z",
                "2026-12-05T21:00:01Z", java.util.Map.of("verify", true), null,
                List.of(new org.kclone.device.report.DeviceFacts("/dev/sdc", "device", "M", "S", 1, true))));
        Report back = JSON.readValue(JSON.writeValueAsString(full), Report.class);
        assertEquals(plain.destinations(), back.destinations());
        assertEquals(JSON.readTree(JSON.writeValueAsString(full)), JSON.readTree(JSON.writeValueAsString(back)),
                "the audit fields too");
    }
}
