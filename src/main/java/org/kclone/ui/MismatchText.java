package org.kclone.ui;

import java.util.List;
import org.kclone.device.Sizes;
import org.kclone.engine.SectorRange;

/** How a row says where its destination differs from the source. */
final class MismatchText {

    private MismatchText() {
    }

    /** The sectors where a destination differs, in its own sectors: "differs at sectors 7048–7055, 9000". */
    static String of(List<SectorRange> ranges) {
        if (ranges.isEmpty()) {
            return "differs from the source";
        }
        StringBuilder b = new StringBuilder("differs from the source at ");
        b.append(ranges.size() == 1 && ranges.get(0).count() == 1 ? "sector " : "sectors ");
        int shown = Math.min(5, ranges.size());
        for (int i = 0; i < shown; i++) {
            SectorRange m = ranges.get(i);
            if (i > 0) {
                b.append(", ");
            }
            b.append(m.start());
            if (m.count() > 1) {
                b.append('–').append(m.start() + m.count() - 1);
            }
        }
        if (ranges.size() > shown) {
            b.append(" and ").append(ranges.size() - shown).append(" more ranges");
        }
        long sectors = ranges.stream().mapToLong(SectorRange::count).sum();
        return b.append(" (").append(sectors).append(sectors == 1 ? " sector, " : " sectors, ")
                .append(Sizes.human(sectors * Sizes.SECTOR)).append(")").toString();
    }
}
