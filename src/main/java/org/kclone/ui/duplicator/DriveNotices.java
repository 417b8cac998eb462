package org.kclone.ui.duplicator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The desktop notifications of duplicator mode, coalesced so that a batch of ten sticks does not
 * pile up a wall of them: at most one is on screen. Each is shown for {@link #SHOW_SECONDS}; the
 * next one comes only after {@link #GAP_NANOS}, when the previous one has gone. A drive that ends
 * while one is showing waits; when the next one is due, one drive waiting gets its own notice
 * ("Stick serial A1 (/dev/sdb): done, safe to remove"), several get one summary ("3 drives: 2
 * done, 1 failed") listing the first few. Every drive's end is told, including refusals. Needs no
 * toolkit: the caller gives the time ({@code System.nanoTime()} in the window, tests their own).
 */
final class DriveNotices {

    /** How long one notice stays on screen. */
    static final int SHOW_SECONDS = 4;
    /** The least time from one notice to the next: the previous one has faded out by then. */
    static final long GAP_NANOS = 5_000_000_000L;
    /** Drives listed by name in a summary; the rest are counted. */
    static final int LISTED = 4;

    /** One notification: its title, its text, and whether everything in it went well. */
    record Notice(String title, String text, boolean ok) {
    }

    /** One drive's end: who, "done", "failed", "refused"..., and the line that says it. */
    private record End(String who, String outcome, String line, boolean ok) {
    }

    private final List<End> waiting = new ArrayList<>();
    private long lastShown;
    private boolean shownAny;

    /**
     * A drive's handling ended.
     *
     * @param who model and serial (or its path when it reports neither), and its path
     * @param outcome one word: done, failed, mismatch, cancelled, refused, already written
     * @param what the rest of the sentence ("done, safe to remove", "failed: the reason")
     */
    void ended(String who, String outcome, String what, boolean ok) {
        waiting.add(new End(who, outcome, who + ": " + what, ok));
    }

    /** Whether drives wait to be told. */
    boolean pending() {
        return !waiting.isEmpty();
    }

    /** The notice to show now, if one is due at {@code nowNanos}; it then counts as shown. */
    Optional<Notice> next(long nowNanos) {
        if (waiting.isEmpty() || (shownAny && nowNanos - lastShown < GAP_NANOS)) {
            return Optional.empty();
        }
        shownAny = true;
        lastShown = nowNanos;
        List<End> ends = List.copyOf(waiting);
        waiting.clear();
        boolean ok = ends.stream().allMatch(End::ok);
        if (ends.size() == 1) {
            End e = ends.get(0);
            return Optional.of(new Notice("kclone duplicator: drive " + e.outcome(), e.line(), e.ok()));
        }
        java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        ends.forEach(e -> counts.merge(e.outcome(), 1, Integer::sum));
        StringBuilder title = new StringBuilder("kclone duplicator: " + ends.size() + " drives: ");
        counts.forEach((k, v) -> title.append(v).append(' ').append(k).append(", "));
        title.setLength(title.length() - 2);
        StringBuilder text = new StringBuilder();
        // the ones that went wrong first: they are what the technician must act on
        List<End> order = new ArrayList<>(ends.stream().filter(e -> !e.ok()).toList());
        order.addAll(ends.stream().filter(End::ok).toList());
        for (int i = 0; i < Math.min(LISTED, order.size()); i++) {
            text.append(i > 0 ? "\n" : "").append(order.get(i).line());
        }
        if (order.size() > LISTED) {
            text.append("\nand ").append(order.size() - LISTED).append(" more: see the Duplicator rows");
        }
        return Optional.of(new Notice(title.toString(), text.toString(), ok));
    }
}
