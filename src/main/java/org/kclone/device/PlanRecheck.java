package org.kclone.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The check both faces make after the confirmation, right before opening for writing: is every
 * target of the plan made again now still what the person was shown? Same device behind each
 * path (model, serial, size, a loop device's backing file), same region, same mounted or held
 * state, an image file of the same size, a new image file still absent.
 */
final class PlanRecheck {

    private PlanRecheck() {
    }

    static void check(CopyPlanner.Plan confirmed, CopyPlanner.Plan fresh) throws RefusedException {
        Endpoint source = fresh.source();
        List<Endpoint> destinations = fresh.destinations();
        Map<String, LoopBacking.Backing> loopsUnder = fresh.loopsUnder();
        if (confirmed.source() != null) {
            sameTarget(confirmed.source(), source);
        }
        if (confirmed.destinations().size() != destinations.size()) {
            throw new RefusedException("DEST", "the destinations changed after the confirmation; nothing was"
                    + " written");
        }
        for (int i = 0; i < destinations.size(); i++) {
            sameTarget(confirmed.destinations().get(i), destinations.get(i));
        }
        List<Endpoint> all = new ArrayList<>(destinations);
        if (source != null) {
            all.add(0, source);
        }
        for (Endpoint e : all) {
            LoopBacking.Backing then = confirmed.loopsUnder().get(e.field());
            LoopBacking.Backing now = loopsUnder.get(e.field());
            if (!LoopBacking.sameStorage(then, now)) {
                throw new RefusedException(e.field(), e.path() + " is another device now (a loop device "
                        + LoopBacking.describe(then) + " then, " + LoopBacking.describe(now) + " now); nothing"
                        + " was written");
            }
        }
        for (int i = 0; i < destinations.size(); i++) {
            sameUse(confirmed.destinations().get(i), destinations.get(i));
        }
    }

    /** Refuses a destination mounted or held now that was not so when confirmed (or the other way round). */
    private static void sameUse(Endpoint shown, Endpoint now) throws RefusedException {
        if (shown.kind() != Endpoint.Kind.BLOCK) { // sameTarget has refused a change of kind
            return;
        }
        String then = shown.device().busy();
        String is = now.device().busy();
        if (!Objects.equals(then, is)) {
            throw new RefusedException(shown.field(), shown.path() + " is " + (is == null ? "no longer in use"
                    : is) + " now (" + (then == null ? "it was not in use" : "it was " + then)
                    + " when you confirmed); nothing was written");
        }
    }

    private static void sameTarget(Endpoint shown, Endpoint now) throws RefusedException {
        String why = null;
        if (now == null || !shown.path().equals(now.path()) || shown.kind() != now.kind()) {
            why = now != null && shown.kind() == Endpoint.Kind.NEW_IMAGE
                    ? "appeared after the confirmation (it was to be created as a new image file)"
                    : "is not what it was when you confirmed";
        } else if (shown.start() != now.start() || shown.count() != now.count()) {
            why = "its region changed after the confirmation";
        } else if (shown.sizeBytes() != now.sizeBytes()) {
            why = "changed size after the confirmation (" + Sizes.human(shown.sizeBytes()) + " then, "
                    + Sizes.human(now.sizeBytes()) + " now)";
        } else if (shown.kind() == Endpoint.Kind.BLOCK && !Objects.equals(identity(shown.device()),
                identity(now.device()))) {
            why = "is another device now (" + shown.device().describe() + " was confirmed, "
                    + now.device().describe() + " is there now)";
            if (shown.device().start() != now.device().start() && Objects.equals(shown.device().describe(),
                    now.device().describe())) {
                why = "is another device now (it starts at sector " + now.device().start() + " of its disk, it"
                        + " started at sector " + shown.device().start() + " when you confirmed)";
            }
        }
        if (why != null) {
            throw new RefusedException(shown.field(), shown.path() + " " + why + "; nothing was written");
        }
    }

    private static List<Object> identity(DeviceInfo d) {
        return java.util.Arrays.asList(d.name(), d.model(), d.serial(), d.size(), d.start());
    }
}
