package org.kclone.device;

/**
 * The arithmetic of a resolved region against its device or file, for the planner: offsets that
 * fit in a signed 64-bit byte offset, a region inside its device (or image file, unless --grow),
 * whole logical sectors of a 4Kn device; and the sizes its refusals name. Each refusal names the
 * argument and the reason.
 */
final class RegionChecks {

    private RegionChecks() {
    }

    /** Sectors of a device, or of an image file counting a partial last sector as one. */
    static long sectorsOf(Endpoint e) {
        long whole = e.sizeBytes() / Sizes.SECTOR;
        return e.kind() == Endpoint.Kind.IMAGE && e.sizeBytes() % Sizes.SECTOR != 0 ? whole + 1 : whole;
    }

    /** A size for messages: sectors, and the bytes when they are not whole sectors. */
    static String sizeText(Endpoint e) {
        long b = e.sizeBytes();
        return b % Sizes.SECTOR == 0 ? b / Sizes.SECTOR + " sectors, " + Sizes.human(b)
                : b + " bytes: " + b / Sizes.SECTOR + (b / Sizes.SECTOR == 1 ? " sector" : " sectors") + " and "
                        + b % Sizes.SECTOR + " bytes";
    }

    /**
     * Refuses a region whose byte offsets cannot be held in a signed 64-bit number (a file or device
     * offset): START and START + LENGTH must stay within {@code Long.MAX_VALUE / 512} sectors.
     */
    static void checkAddressable(RegionSpec spec, long start, long count) throws RefusedException {
        long max = Long.MAX_VALUE / Sizes.SECTOR;
        if (start < 0) {
            throw new RefusedException(spec.field(), "START " + start + " is negative");
        }
        if (count < 0) {
            throw new RefusedException(spec.field(), "LENGTH " + count + " is negative");
        }
        if (start > max - count) {
            String what;
            if (spec.start() != null && spec.length() != null) {
                what = "START " + start + " + LENGTH " + count;
            } else if (spec.length() != null) {
                what = "LENGTH " + count + " from sector " + start;
            } else {
                what = "START " + start + (count > 0 ? " with a length of " + count + " sectors" : "");
            }
            throw new RefusedException(spec.field(), what + " ends past the largest offset a file or device can"
                    + " have (" + max + " sectors, 8 EiB)");
        }
    }

    /** Refuses a region that does not fit its device, or its image file unless {@code grow} (--grow). */
    static void checkFits(Endpoint e, boolean grow) throws RefusedException {
        long sectors = e.sizeBytes() / Sizes.SECTOR;
        long end = e.start() + e.count();
        switch (e.kind()) {
            case NEW_IMAGE -> {
                // created with exactly the length it needs (endByte(), whole sectors or not)
            }
            case IMAGE -> {
                if (e.endByte() > e.sizeBytes() && !grow) {
                    throw new RefusedException(e.field(), "image file " + e.path() + " has " + sizeText(e)
                            + " but the region " + e.start() + "+" + e.count() + " needs "
                            + (e.endByte() % Sizes.SECTOR == 0 ? end + " sectors" : e.endByte() + " bytes")
                            + "; pass --grow to extend the file");
                }
            }
            case BLOCK -> {
                if (e.start() >= sectors) {
                    throw new RefusedException(e.field(), "START " + e.start() + " is beyond the end of " + e.path()
                            + " (" + sectors + " sectors)");
                }
                if (end > sectors) {
                    throw new RefusedException(e.field(), "the region " + e.start() + "+" + e.count()
                            + " does not fit: " + e.path() + " has " + sectors + " sectors ("
                            + Sizes.human(e.sizeBytes()) + "), the region needs " + end + ": " + (end - sectors)
                            + " sectors (" + Sizes.human((end - sectors) * Sizes.SECTOR) + ") short");
                }
            }
        }
    }

    /**
     * Refuses a region that is not whole logical sectors of its device (4096-byte sectors).
     *
     * @param lengthOfSource the region's length is the source region's (a copy's destination), not typed
     */
    static void checkAlignment(Endpoint e, boolean lengthOfSource) throws RefusedException {
        int perSector = e.logicalSectorSize() / Sizes.SECTOR;
        if (perSector > 1 && (e.start() % perSector != 0 || e.count() % perSector != 0)) {
            if (lengthOfSource && e.start() % perSector == 0) {
                // START is aligned, so the length is not whole sectors (byteLength fills its last 512-byte
                // sector): it is the source region's (often an odd-size image file): name its size and the way out
                throw new RefusedException(e.field(), e.path() + " has " + e.logicalSectorSize()
                        + "-byte logical sectors, but the source region is " + e.byteLength() + " bytes,"
                        + " not whole " + e.logicalSectorSize() + "-byte sectors: copy to an image file or to a"
                        + " device with 512-byte sectors, or copy a source region of whole "
                        + e.logicalSectorSize() + "-byte sectors (START and LENGTH multiples of " + perSector
                        + " sectors)");
            }
            throw new RefusedException(e.field(), e.path() + " has " + e.logicalSectorSize()
                    + "-byte logical sectors: START and LENGTH must be multiples of " + perSector
                    + " sectors (got " + e.start() + "+" + e.count() + ")");
        }
    }
}
