package org.kclone.ui;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names typed to confirm fixed disks, checked: with or without {@code /dev/}, in any order,
 * separated by spaces or commas. Says which names are still missing and which typed names are not
 * among the disks to overwrite (a typo, or a disk not in the job). Needs no toolkit.
 */
final class ConfirmationMatcher {

    private final List<String> required;

    /** {@code required}: the disks' names as shown ("sdb", "nvme0n1"). */
    ConfirmationMatcher(List<String> required) {
        this.required = List.copyOf(required);
    }

    /** The names in {@code typed}, without {@code /dev/}, in the order typed, each once. */
    static Set<String> names(String typed) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : (typed == null ? "" : typed).trim().split("[\\s,;]+")) {
            String n = t.startsWith("/dev/") ? t.substring(5) : t;
            if (!n.isEmpty()) {
                out.add(n);
            }
        }
        return out;
    }

    /** The required names not typed yet, in the order shown. */
    List<String> missing(String typed) {
        Set<String> got = names(typed);
        return required.stream().filter(n -> !got.contains(n)).toList();
    }

    /** Typed names that are not disks to overwrite. */
    List<String> unknown(String typed) {
        List<String> out = new ArrayList<>(names(typed));
        out.removeAll(required);
        return out;
    }

    /** True when every name is typed and nothing else. */
    boolean complete(String typed) {
        return missing(typed).isEmpty() && unknown(typed).isEmpty();
    }

    /** What to tell the person under the field: "" when complete. */
    String hint(String typed) {
        List<String> missing = missing(typed);
        List<String> unknown = unknown(typed);
        StringBuilder b = new StringBuilder();
        if (!missing.isEmpty()) {
            b.append("Still to type: ").append(String.join(", ", missing)).append('.');
        }
        if (!unknown.isEmpty()) {
            b.append(b.length() > 0 ? " " : "").append(unknown.size() == 1 ? "Not a disk to overwrite: "
                    : "Not disks to overwrite: ").append(String.join(", ", unknown)).append('.');
        }
        return b.toString();
    }
}
