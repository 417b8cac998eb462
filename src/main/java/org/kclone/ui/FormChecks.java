package org.kclone.ui;

import java.util.ArrayList;
import java.util.List;
import org.kclone.device.Sizes;

/**
 * What holds Start back, said row by row ("Destination 2 (/dev/sdc): mounted ..."), and the
 * bandwidth field's own check, inline like every other field. Needs no toolkit.
 */
final class FormChecks {

    private FormChecks() {
    }

    /** Why {@code text} is not a limit per second, or "" (empty is no limit). */
    static String limitError(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            return "";
        }
        try {
            Sizes.toBytes(t);
            return "";
        } catch (IllegalArgumentException e) {
            return "Limit per second: " + e.getMessage();
        }
    }

    /** Each reason Start cannot be clicked, one per field or row; empty when the form may start. */
    static List<String> blockers(SourceViewModel source, DestinationsViewModel dests, String limitText) {
        List<String> out = new ArrayList<>();
        if (!source.valid().get()) {
            String e = source.pathError().get() + source.startError().get() + source.lengthError().get();
            out.add("Source: " + (e.isBlank() ? "choose a disk, partition or image file" : e.strip()));
        }
        if (dests.rows().isEmpty()) {
            out.add("Destinations: add at least one");
        }
        for (int i = 0; i < dests.rows().size(); i++) {
            DestinationsViewModel.Row r = dests.rows().get(i);
            if (!r.error().get().isEmpty()) {
                out.add("Destination " + (i + 1) + " (" + r.path().get() + "): " + r.error().get());
            }
        }
        String limit = limitError(limitText);
        if (!limit.isEmpty()) {
            out.add(limit);
        }
        return out;
    }

    /** The status line beside Start: "" when ready, else the first reason and how many more. */
    static String statusLine(List<String> blockers) {
        if (blockers.isEmpty()) {
            return "";
        }
        return "Start waits for: " + blockers.get(0)
                + (blockers.size() > 1 ? " (and " + (blockers.size() - 1) + " more: see the tooltip)" : "");
    }
}
