package org.kclone.device.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.kclone.device.Report;
import org.kclone.device.Sizes;

/**
 * The report as one printable, self-contained HTML page (inline CSS, no scripts, no outside
 * resources) that a technician can hand to a customer: the job, the source, and a table of the
 * destinations with their model, serial, hashes and states. Rendered from the JSON report, so every
 * field the JSON carries (a {@code sha256} where the job computed one) shows without changes here.
 * All text from the report is escaped.
 */
public final class HtmlReport {

    private static final String CSS = """
            body{font-family:sans-serif;font-size:11pt;color:#111;margin:2em;max-width:60em}
            h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:1px solid #999}
            .verdict{font-size:1.15em;font-weight:bold;padding:.4em .6em;margin:.6em 0;border:2px solid}
            .verdict.good{color:#0a5c0a;border-color:#0a5c0a}.verdict.bad{color:#a00;border-color:#a00}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.25em .5em;\
            border:1px solid #bbb}th{background:#eee}table.facts th{width:12em}
            .hash,.mono{font-family:monospace;word-break:break-all}
            .state{font-weight:bold}.ok{color:#0a5c0a}.failed,.mismatch{color:#a00}.unverified{color:#a65f00}.cancelled{color:#6a1b9a}
            .other{color:#555}footer{margin-top:2em;color:#555;font-size:.9em}
            @media print{body{margin:0;max-width:none}th{background:#eee !important;-webkit-print-color-adjust:exact}}
            """;

    private HtmlReport() {
    }

    /** The page for a report. */
    public static String render(Report report) {
        return render(ReportFiles.JSON.valueToTree(report));
    }

    /** The page for a JSON report (the shape {@code --json} prints). */
    public static String render(JsonNode r) {
        StringBuilder b = new StringBuilder(8192);
        String command = text(r.path("command"));
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>kclone report: ")
                .append(esc(command)).append(r.hasNonNull("endedAt") ? ", " + esc(text(r.path("endedAt"))) : "")
                .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        b.append("<h1>kclone ").append(esc(command)).append(" report</h1>\n");
        verdict(b, r);
        job(b, r);
        if (r.hasNonNull("source")) {
            source(b, r);
        }
        destinations(b, r);
        b.append("<footer>Made by kclone ").append(esc(text(r.path("version"), "(version unknown)")))
                .append(r.hasNonNull("host") ? " on " + esc(text(r.path("host"))) : "")
                .append(". Sectors are 512 bytes; sizes in KiB, MiB, GiB are binary (1 GiB = 1073741824 bytes).")
                .append("</footer>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void verdict(StringBuilder b, JsonNode r) {
        int n = r.path("destinations").size();
        long ok = 0;
        for (JsonNode d : r.path("destinations")) {
            if ("ok".equals(text(d.path("status")))) {
                ok++;
            }
        }
        boolean cancelled = r.path("cancelled").asBoolean();
        int readErrors = r.path("readErrors").size();
        boolean good = !cancelled && readErrors == 0 && ok == n && n > 0;
        String text = good ? "All " + n + (n == 1 ? " destination" : " destinations") + " OK"
                : (cancelled ? "CANCELLED. " : "") + ok + " of " + n + " destinations OK"
                        + (readErrors > 0 ? "; " + readErrors + " unreadable source range(s)" : "");
        b.append("<div class=\"verdict ").append(good ? "good" : "bad").append("\">").append(esc(text))
                .append("</div>\n");
    }

    private static void job(StringBuilder b, JsonNode r) {
        b.append("<h2>The job</h2>\n<table class=\"facts\">\n");
        row(b, "Command", text(r.path("command")));
        row(b, "Started", text(r.path("startedAt"), "—"));
        row(b, "Ended", text(r.path("endedAt"), "—"));
        row(b, "Duration", String.format(Locale.ROOT, "%.1f s", r.path("seconds").asDouble()));
        long bytes = r.path("bytes").asLong();
        row(b, "Bytes", Sizes.human(bytes) + " (" + bytes + " bytes)");
        row(b, "Cancelled", r.path("cancelled").asBoolean() ? "yes" : "no");
        StringBuilder bad = new StringBuilder();
        for (JsonNode e : r.path("readErrors")) {
            bad.append(bad.length() > 0 ? ", " : "").append(e.path("start").asLong()).append('+')
                    .append(e.path("count").asLong());
        }
        row(b, "Unreadable source sectors", bad.length() > 0 ? bad.toString() : "none");
        if (r.hasNonNull("host")) {
            row(b, "Host", text(r.path("host")));
        }
        if (r.hasNonNull("version")) {
            row(b, "kclone version", text(r.path("version")));
        }
        if (r.path("options").isObject()) {
            StringBuilder o = new StringBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = r.path("options").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                o.append(o.length() > 0 ? ", " : "").append(e.getKey()).append('=')
                        .append(e.getValue().isNull() ? "—" : text(e.getValue()));
            }
            row(b, "Options", o.toString());
        }
        b.append("</table>\n");
    }

    private static void source(StringBuilder b, JsonNode r) {
        JsonNode s = r.path("source");
        JsonNode f = r.path("sourceDevice");
        b.append("<h2>The source</h2>\n<table class=\"facts\">\n");
        row(b, "Path", text(s.path("path")));
        row(b, "Region", region(s));
        if (f.isObject()) {
            row(b, "Kind", text(f.path("kind")));
            row(b, "Model", text(f.path("model"), "—"));
            row(b, "Serial", text(f.path("serial"), "—"));
            row(b, "Size", size(f.path("size")));
        }
        String hash = sha256(s, r.path("sourceSha256"));
        b.append("<tr><th>SHA-256</th><td class=\"hash\">").append(esc(hash != null ? hash : "not computed"))
                .append("</td></tr>\n</table>\n");
    }

    private static void destinations(StringBuilder b, JsonNode r) {
        JsonNode facts = r.path("destinationDevices");
        b.append("<h2>Destinations</h2>\n<table class=\"destinations\">\n<tr><th>#</th><th>Path</th><th>Model</th>")
                .append("<th>Serial</th><th>Size</th><th>State</th><th>Verified</th><th>SHA-256 read back</th>")
                .append("<th>Details</th></tr>\n");
        int i = 0;
        for (JsonNode d : r.path("destinations")) {
            JsonNode f = facts.isArray() && i < facts.size() ? facts.get(i) : null;
            String status = text(d.path("status"), "unknown");
            String cls = switch (status) {
                case "ok", "failed", "mismatch", "unverified", "cancelled" -> status;
                default -> "other";
            };
            b.append("<tr class=\"destination\">");
            cell(b, null, String.valueOf(++i));
            cell(b, "mono", text(d.path("path")) + (d.path("start").asLong() != 0 ? " from sector "
                    + d.path("start").asLong() : ""));
            cell(b, null, f != null ? text(f.path("model"), "—") : "—");
            cell(b, "mono", f != null ? text(f.path("serial"), "—") : "—");
            cell(b, null, f != null ? size(f.path("size")) : "—");
            cell(b, "state " + cls, status.toUpperCase(Locale.ROOT));
            JsonNode v = f != null && f.path("verified").isBoolean() ? f.path("verified") : d.path("verified");
            cell(b, null, v == null || !v.isBoolean() ? "—" : v.asBoolean() ? "yes" : "no");
            String hash = sha256(d, null);
            cell(b, "hash", hash != null ? hash : "—");
            cell(b, null, details(d));
            b.append("</tr>\n");
        }
        b.append("</table>\n");
    }

    private static String details(JsonNode d) {
        StringBuilder s = new StringBuilder();
        JsonNode m = d.path("mismatches");
        if (m.size() > 0) {
            s.append("differs at sectors ");
            int shown = Math.min(20, m.size());
            for (int k = 0; k < shown; k++) {
                s.append(k > 0 ? ", " : "").append(m.get(k).path("start").asLong()).append('+')
                        .append(m.get(k).path("count").asLong());
            }
            if (m.size() > shown) {
                s.append(" and ").append(m.size() - shown).append(" more ranges");
            }
        }
        if (d.hasNonNull("error")) {
            s.append(s.length() > 0 ? "; " : "").append(text(d.path("error")));
        }
        return s.length() > 0 ? s.toString() : "";
    }

    /** A {@code sha256} field of the node, or the fallback node's text, or null. */
    private static String sha256(JsonNode n, JsonNode fallback) {
        if (n.hasNonNull("sha256")) {
            return text(n.path("sha256"));
        }
        return fallback != null && !fallback.isMissingNode() && !fallback.isNull() ? text(fallback) : null;
    }

    private static String region(JsonNode s) {
        long start = s.path("start").asLong();
        long length = s.path("length").asLong();
        long bytes = s.hasNonNull("bytes") ? s.path("bytes").asLong() : length * 512;
        return "sectors " + start + "+" + length + " (" + Sizes.human(bytes) + ", " + bytes + " bytes)";
    }

    private static String size(JsonNode n) {
        if (!n.isNumber()) {
            return "—";
        }
        return Sizes.human(n.asLong()) + " (" + n.asLong() + " bytes)";
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static void cell(StringBuilder b, String cls, String value) {
        b.append(cls != null ? "<td class=\"" + cls + "\">" : "<td>").append(esc(value)).append("</td>");
    }

    private static String text(JsonNode n) {
        return text(n, "");
    }

    private static String text(JsonNode n, String missing) {
        return n == null || n.isMissingNode() || n.isNull() ? missing : n.asText();
    }

    /** Text made safe for HTML element content and attribute values. */
    public static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        b.append("&#xFFFD;"); // control characters have no place on a printed page
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
