package org.kclone.ui.resume;

import org.kclone.device.Sizes;
import org.kclone.device.resume.MapStore;

/** What the window says about interrupted jobs and their maps: plain sentences, no command-line options. */
public final class ResumeText {

    private ResumeText() {
    }

    /** Whether a refusal is about the job's map (its checks: the devices are not the map's, the source changed). */
    public static boolean aboutTheMap(String field) {
        return "--map".equals(field) || "map".equals(field) || "--map-every".equals(field);
    }

    /** A map's refusal in the window's words. */
    public static String refused(String reason) {
        String r = reason.replace("; nothing was written", "")
                .replace("Copy again without this map", "Start (not Resume) copies everything again")
                .replace("is the map of a --used-only job: run the same command with --used-only",
                        "copied only the used blocks: tick Used blocks only and Resume")
                .replace("is the map of a copy of every sector: run the same command without --used-only",
                        "copied every sector: untick Used blocks only and Resume")
                .replace("SOURCE", "the source")
                .replaceAll("\\bDEST (\\d+)", "destination $1")
                .replaceAll("/\\S*job-[0-9a-f]{24}\\.map", "its map");
        return "the interrupted job cannot be resumed: " + r;
    }

    /** Under the lines listed: how many interrupted jobs are not ({@code hidden} at most 0: nothing). */
    public static String more(int hidden) {
        if (hidden <= 0) {
            return "";
        }
        return "and " + hidden + " more interrupted job" + (hidden == 1 ? "" : "s")
                + " (listed here as these are resumed or discarded)";
    }

    /** The line at start-up: "An interrupted job: /dev/sdb -> 3 drives, 47 % done". */
    public static String pending(MapStore.Unfinished u) {
        int n = u.destinations().size();
        String to = n == 1 ? u.destinations().get(0) : n + " drives";
        if (u.viaHelper()) {
            return "An interrupted job: " + u.source() + " -> " + to + ", " + Sizes.human(u.total())
                    + " (run with the administrator's rights: how much was done is known to the helper)";
        }
        return "An interrupted job: " + u.source() + " -> " + to + ", " + u.percent() + " % done ("
                + Sizes.human(u.done()) + " of " + Sizes.human(u.total()) + ")";
    }

    /** The line of the confirmation for Resume: what is kept, what is copied. */
    public static String confirming(MapStore.Unfinished u) {
        String kept = u.viaHelper() ? "What the interrupted job copied (with the administrator's rights)"
                : Sizes.human(u.done()) + " of " + Sizes.human(u.total()) + " copied by the interrupted job";
        return "Resume: " + kept + " stays on the destinations once kclone has checked that the source and the"
                + " destinations are unchanged there; only the rest is copied.";
    }

    /** The offer beside Start for the job now in the form. */
    public static String offer(MapStore.Unfinished u) {
        if (u.viaHelper()) {
            return "An interrupted job copied part of this with the administrator's rights: Resume copies the rest"
                    + " (the helper kept what was done); Start copies everything again";
        }
        return "An interrupted job wrote " + u.percent() + " % of this (" + Sizes.human(u.done()) + " of "
                + Sizes.human(u.total()) + " on every destination): Resume copies the rest; Start copies everything"
                + " again";
    }
}
