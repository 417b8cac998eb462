package org.kclone.device.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kclone.device.Report;

/** The printable page: escaping, every destination with its facts and state, self-contained. */
class HtmlReportTest {

    private static Report report(boolean cancelled, List<Report.Destination> ds, List<DeviceFacts> facts) {
        AuditInfo a = new AuditInfo("1.2.3", "bench<1>", "2026-12-05T21:00:00+01:00", "2026-12-05T21:05:00+01:00",
                Map.of("verify", true), new DeviceFacts("/dev/sdb", "device", "Master & Co", "SRC-1", 16L << 30, null),
                facts);
        return new Report("copy", new Report.Region("/dev/sdb", 0, 2048), 1 << 20, 3.25, cancelled, List.of(), ds)
                .withAudit(a);
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void escapesEveryTextFromTheReport() {
        assertEquals("a&amp;b&lt;c&gt;d&quot;e&#39;f", HtmlReport.esc("a&b<c>d\"e'f"));
        assertEquals("x&#xFFFD;y", HtmlReport.esc("x\u0007y"));
        String page = HtmlReport.render(report(false, List.of(new Report.Destination("/img/<script>alert(1)</script>.img",
                0, 2048, "failed", "No \"space\" left & <gone>", List.of())), List.of(
                        new DeviceFacts("/img/<script>alert(1)</script>.img", "image", null, null, 0, false))));
        assertFalse(page.contains("<script"), "no markup from the report survives");
        assertTrue(page.contains("/img/&lt;script&gt;alert(1)&lt;/script&gt;.img"), page);
        assertTrue(page.contains("No &quot;space&quot; left &amp; &lt;gone&gt;"));
        assertTrue(page.contains("Master &amp; Co"));
        assertTrue(page.contains("bench&lt;1&gt;"));
    }

    @Test
    void aUsedOnlyCopySaysWhatWasCopiedAndSkippedPerPartition() {
        Report r = report(false, List.of(new Report.Destination("/dev/sdc", 0, 2048, "ok", null, List.of())),
                List.of()).withUsedOnly(new Report.UsedOnly(300 << 10, 724 << 10, false, List.of(
                        new Report.UsedOnly.Area("partition 1", 2048, 1024, "ext4", 100 << 10, 412 << 10, null),
                        new Report.UsedOnly.Area("partition 2", 3072, 1024, null, 200 << 10, 312 << 10,
                                "copied whole: <bad> bitmap"))));
        String page = HtmlReport.render(r);
        assertTrue(page.contains("300.0 KiB copied, 724.0 KiB skipped, skipped space left as it was"), page);
        assertTrue(page.contains("partition 1 (ext4)"));
        assertTrue(page.contains("partition 2 (no supported file system)"));
        assertTrue(page.contains("copied whole: &lt;bad&gt; bitmap"));
    }

    @Test
    void listsEveryDestinationWithItsSerialStateAndVerification() {
        String page = HtmlReport.render(report(false, List.of(
                new Report.Destination("/dev/sdc", 0, 2048, "ok", null, List.of()),
                new Report.Destination("/dev/sdd", 0, 2048, "failed", "Input/output error", List.of()),
                new Report.Destination("/dev/sde", 0, 2048, "mismatch", null, List.of(new Report.Mismatch(7048, 1, 7048))),
                new Report.Destination("/dev/sdf", 0, 2048, "unverified", "verification stopped", List.of())),
                List.of(new DeviceFacts("/dev/sdc", "device", "Stick", "SER-C", 8L << 30, true),
                        new DeviceFacts("/dev/sdd", "device", "Stick", "SER-D", 8L << 30, false),
                        new DeviceFacts("/dev/sde", "device", "Stick", "SER-E", 8L << 30, true),
                        new DeviceFacts("/dev/sdf", "device", "Stick", "SER-F", 8L << 30, false))));
        assertEquals(4, count(page, "<tr class=\"destination\">"));
        for (String s : List.of("SER-C", "SER-D", "SER-E", "SER-F", "/dev/sdc", "/dev/sdf", "SRC-1")) {
            assertTrue(page.contains(s), s);
        }
        assertTrue(page.contains("<td class=\"state ok\">OK</td>"));
        assertTrue(page.contains("<td class=\"state failed\">FAILED</td>"));
        assertTrue(page.contains("<td class=\"state mismatch\">MISMATCH</td>"));
        assertTrue(page.contains("<td class=\"state unverified\">UNVERIFIED</td>"));
        assertTrue(page.contains("differs at sectors 7048+1"));
        assertTrue(page.contains("Input/output error"));
        assertEquals(2, count(page, "<td>yes</td>"), "verified per destination");
        assertEquals(2, count(page, "<td>no</td>") - count(page, "<th>Cancelled</th><td>no</td>"));
        assertTrue(page.contains("1 of 4 destinations OK"), "the verdict says not all went well");
        assertTrue(page.contains("2026-12-05T21:00:00+01:00") && page.contains("2026-12-05T21:05:00+01:00"));
        assertTrue(page.contains("verify=true"));
    }

    @Test
    void aGoodJobSaysSoAndTheCancelledOneDoesNot() {
        List<Report.Destination> ok = List.of(new Report.Destination("/dev/sdc", 0, 2048, "ok", null, List.of()));
        List<DeviceFacts> f = List.of(new DeviceFacts("/dev/sdc", "device", "M", "S", 1, true));
        assertTrue(HtmlReport.render(report(false, ok, f)).contains("<div class=\"verdict good\">All 1 destination OK"));
        String cancelled = HtmlReport.render(report(true, ok, f));
        assertTrue(cancelled.contains("<div class=\"verdict bad\">CANCELLED."), cancelled);
    }

    @Test
    void isOneSelfContainedPage() {
        String page = HtmlReport.render(report(false, List.of(new Report.Destination("/dev/sdc", 0, 2048, "ok", null,
                List.of())), List.of(new DeviceFacts("/dev/sdc", "device", "M", "S", 1, true))));
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertTrue(page.contains("<meta charset=\"utf-8\">"));
        assertTrue(page.contains("<style>"));
        assertFalse(page.contains("<script"));
        assertFalse(page.contains("<link"));
        assertFalse(page.matches("(?s).*(src|href)=.*"), "nothing loaded from elsewhere");
        assertTrue(page.trim().endsWith("</html>"));
    }

    @Test
    void showsHashesWhereTheJsonCarriesThemAndSaysNotComputedElse() {
        Report r = new Report("copy", new Report.Region("a.img", 0, 8), 4096, 0.1, false, List.of(),
                List.of(new Report.Destination("b.img", 0, 8, "ok", null, List.of())));
        String without = HtmlReport.render(r);
        assertTrue(without.contains("<td class=\"hash\">not computed</td>"), "a report without audit part still renders");
        ObjectNode j = ReportFiles.JSON.valueToTree(r);
        ((ObjectNode) j.path("source")).put("sha256", "ab".repeat(32));
        ((ObjectNode) j.path("destinations").get(0)).put("sha256", "cd".repeat(32));
        String with = HtmlReport.render(j);
        assertTrue(with.contains("ab".repeat(32)));
        assertTrue(with.contains("<td class=\"hash\">" + "cd".repeat(32) + "</td>"));
    }
}
