package org.kclone.cli;

import java.io.PrintWriter;
import org.kclone.device.Report;
import org.kclone.device.Sizes;

/** The lines a used-blocks-only copy adds to the human summary: per area, copied and skipped. */
final class UsedOnlyText {

    private UsedOnlyText() {
    }

    static void print(Report.UsedOnly u, PrintWriter out) {
        out.printf("  used blocks only: %s copied, %s skipped%s%n", Sizes.human(u.copiedBytes()),
                Sizes.human(u.skippedBytes()), u.wipeFree() ? " (skipped space wiped)" : " (skipped space left as it was)");
        for (Report.UsedOnly.Area a : u.areas()) {
            out.printf("    %-12s %-6s %s copied, %s skipped%s%n", a.area(), a.type() != null ? a.type() : "-",
                    Sizes.human(a.copiedBytes()), Sizes.human(a.skippedBytes()), a.note() != null ? "; " + a.note() : "");
        }
    }
}
