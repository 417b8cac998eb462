package org.kclone.device.resume;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;
import org.kclone.device.RefusedException;
import org.kclone.engine.BlockDevice;
import org.kclone.engine.IoRegion;

/** What {@link JobMap} checks before a run resumes: the map's job is this one, and nothing changed since. */
final class MapChecks {

    private MapChecks() {
    }

    /**
     * The map's part for this plan: its source must be this one, and each destination of the plan
     * one of the map's (same device or file, same region), in any order. A destination of the map
     * may be left out (one that failed, so the others go on from their own point).
     */
    static MapFile forPlan(Path file, MapFile m, CopyPlanner.Plan plan, List<String> leftOut)
            throws RefusedException {
        String other = file + " is the map of another job: ";
        same(file, other, "SOURCE", m.source, plan.source(), true);
        MapFile view = new MapFile();
        view.status = m.status;
        view.source = m.source;
        view.used = m.used;
        view.hashes.addAll(m.hashes);
        boolean[] used = new boolean[m.dests.size()];
        for (Endpoint e : plan.destinations()) {
            String id = null;
            if (e.kind() != Endpoint.Kind.NEW_IMAGE) {
                try {
                    id = Identity.of(e, false);
                } catch (IOException ex) {
                    throw new RefusedException("--map", "cannot tell what " + e.path() + " is: " + ex.getMessage()
                            + "; nothing was written");
                }
            }
            int found = -1;
            for (int j = 0; j < m.dests.size() && found < 0; j++) {
                MapFile.Entry d = m.dests.get(j);
                if (!used[j] && d.id().equals(id) && d.start() == e.start() && d.count() == e.count()) {
                    found = j;
                }
            }
            if (found < 0) {
                List<String> theirs = m.dests.stream().map(d -> d.path() + " (" + d.id() + ", sectors " + d.start()
                        + "+" + d.count() + ")").toList();
                throw refused(other + e.field() + " " + e.path() + (id == null ? " does not exist"
                        : " (" + id + ", sectors " + e.start() + "+" + e.count() + ")") + " is not one of its"
                        + " destinations: " + String.join(", ", theirs) + " (a destination left out of a run leaves"
                        + " the map); " + remedy(file));
            }
            used[found] = true;
            view.dests.add(m.dests.get(found));
            view.done.add(m.done.get(found).copy());
        }
        for (int j = 0; j < used.length; j++) {
            if (!used[j] && leftOut != null) {
                leftOut.add(m.dests.get(j).path());
            }
        }
        return view;
    }

    private static void same(Path file, String other, String field, MapFile.Entry was, Endpoint now, boolean source)
            throws RefusedException {
        if (was.start() != now.start() || was.count() != now.count() || was.bytes() != now.byteLength()) {
            throw refused(other + field + " was sectors " + was.start() + "+" + was.count() + " (" + was.bytes()
                    + " bytes) there, here sectors " + now.start() + "+" + now.count() + " (" + now.byteLength()
                    + " bytes); " + remedy(file));
        }
        if (now.kind() == Endpoint.Kind.NEW_IMAGE) {
            throw refused(other + field + " was " + was.path() + ", which does not exist any more");
        }
        String id;
        try {
            id = Identity.of(now, source);
        } catch (IOException e) {
            throw new RefusedException("--map", "cannot tell what " + now.path() + " is: " + e.getMessage()
                    + "; nothing was written");
        }
        if (!id.equals(was.id())) {
            throw refused(other + field + " was " + was.path() + " (" + was.id() + "), here it is " + now.path()
                    + " (" + id + ")" + (source && id.startsWith("file:") && was.id().startsWith("file:")
                            ? ": an image file that was changed or replaced since" : "") + "; " + remedy(file));
        }
    }

    /**
     * The source still has, where the map hashed it, the bytes it had when they were copied; for a
     * --used-only job ({@code used} not null) the hashes are of the copied extents end to end. A map
     * with a resume point but no hash lines cannot be checked and is refused (truncated or hand-edited).
     */
    static void sourceUnchanged(Path file, MapFile m, BlockDevice src, Endpoint e, UsedExtents used)
            throws IOException, RefusedException {
        long at = m.resumePoint();
        long copied = used == null ? at : used.copiedBelow(at);
        if (copied > 0 && m.hashes.isEmpty()) {
            throw refused(file + " has no hash lines, so the source cannot be checked where it was already copied"
                    + " (a truncated or hand-edited map?); copy again without this map");
        }
        BlockDevice dev = used == null ? src : used.compact(new IoRegion(src, e.start(), e.count())).device();
        MapFile.Hash changed = SourceHashes.firstChanged(dev, used == null ? e.startByte() : 0, m.hashes);
        if (changed != null) {
            throw refused("the source changed where it was already copied: " + m.source.path() + " no longer has"
                    + " the bytes " + changed.start() + "+" + changed.length() + (used == null ? " of its region"
                            : " of its copied blocks (end to end)") + " that " + file
                    + " recorded (SHA-256 " + changed.sha256().substring(0, 16) + "...); resuming would leave"
                    + " the destinations a mix of old and new. Copy again without this map");
        }
    }

    /**
     * A destination still below its recorded point must hold there the source's bytes that the map
     * hashed (they were copied to it): otherwise it was written since (another copy, a mkfs), the
     * map is stale, and a resume would keep the foreign bytes below the point. A destination the map
     * has whole is not checked: after its copy the GPT may have been fitted to it (--grow-last).
     */
    static void destinationUnchanged(Path file, MapFile view, int i, Endpoint e, BlockDevice d, UsedExtents used)
            throws IOException, RefusedException {
        long prefix = view.done.get(i).prefix();
        if (prefix >= view.source.bytes()) {
            return;
        }
        long below = used == null ? prefix : used.copiedBelow(prefix);
        // only what the map says this destination has (a map written by a run hashes below every one's point)
        List<MapFile.Hash> had = view.hashes.stream().filter(h -> h.start() + h.length() <= below).toList();
        BlockDevice dev = used == null ? d : used.compact(new IoRegion(d, e.start(), e.count())).device();
        MapFile.Hash changed = SourceHashes.firstChanged(dev, used == null ? e.startByte() : 0, had);
        if (changed != null) {
            throw refused(e.field() + " " + e.path() + " no longer has the bytes " + changed.start() + "+"
                    + changed.length() + (used == null ? " of its region" : " of its copied blocks (end to end)")
                    + " that " + file + " recorded as copied to it (it was written"
                    + " since?): the map is stale, and resuming would keep what is there now. Copy again without"
                    + " this map");
        }
    }

    /**
     * A --used-only map's plan against this run's: the same kind of job, and for a used-only one the
     * same extent list (planned again from the source's file systems by the caller).
     */
    static void samePlan(Path file, MapFile stored, UsedExtents now) throws RefusedException {
        if (stored.used != null && now == null) {
            throw refused(file + " is the map of a --used-only job: run the same command with --used-only");
        }
        if (stored.used == null && now != null) {
            throw refused(file + " is the map of a copy of every sector: run the same command without --used-only");
        }
        if (now != null && !now.line().equals(stored.used)) {
            throw refused("the file system on the source changed since the interrupted run: its used blocks are"
                    + " not the ones " + file + " was copying (" + stored.used + "; now " + now.line() + "), so"
                    + " the destinations' copied part no longer fits; copy again without this map");
        }
    }

    /** What to do about a map of another job. */
    private static String remedy(Path file) {
        return "give this job a --map file of its own, or remove " + file + " to copy everything again";
    }

    static RefusedException refused(String why) {
        return new RefusedException("--map", why + "; nothing was written");
    }

}
