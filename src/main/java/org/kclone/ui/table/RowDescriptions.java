package org.kclone.ui.table;

import java.util.List;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;

/**
 * What a row's Model, Serial and Size cells say, from a plan's destination: the device's model and
 * serial, or "image file" / "new image file" for a file (a file has no model, and an empty cell
 * read as "unknown drive"). The same words before a job (from lsblk) and during it (from the plan),
 * so the cells do not empty when Start is pressed. Needs no toolkit.
 */
public final class RowDescriptions {

    /** The Model cell of an existing image file. */
    public static final String IMAGE_FILE = "image file";
    /** The Model cell of an image file kclone creates. */
    public static final String NEW_IMAGE_FILE = "new image file";

    private RowDescriptions() {
    }

    /** Describes {@code rows} from {@code plan}'s destinations, one for one (rows beyond the plan are left). */
    public static void fromPlan(List<DestinationRow> rows, CopyPlanner.Plan plan) {
        List<Endpoint> dests = plan.destinations();
        for (int i = 0; i < rows.size() && i < dests.size(); i++) {
            describe(rows.get(i), dests.get(i));
        }
    }

    /** Describes {@code row} as {@code e}. */
    public static void describe(DestinationRow row, Endpoint e) {
        DeviceInfo d = e.device();
        switch (e.kind()) {
            case BLOCK -> row.describe(d == null ? null : d.model(), d == null ? null : d.serial(),
                    d != null ? d.size() : e.sizeBytes());
            case IMAGE -> row.describe(IMAGE_FILE, null, e.sizeBytes());
            default -> row.describe(NEW_IMAGE_FILE, null, 0);
        }
    }
}
