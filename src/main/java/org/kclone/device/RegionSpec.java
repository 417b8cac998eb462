package org.kclone.device;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A region as typed on the command line: {@code PATH[@START][+LENGTH]}. START and LENGTH are
 * 512-byte sectors or carry a unit ({@link Sizes}); null where not given.
 */
public record RegionSpec(String field, String argument, String path, Long start, Long length) {

    private static final Pattern SYNTAX = Pattern.compile("(.+?)(?:@(\\w+))?(?:\\+(\\w+))?");

    /**
     * @param field what to call this argument in messages ({@code SOURCE}, {@code DEST 1})
     */
    public static RegionSpec parse(String field, String argument) throws RefusedException {
        if (argument == null || argument.isBlank()) {
            throw new RefusedException(field, "is empty; give a device, partition or image file path");
        }
        Matcher m = SYNTAX.matcher(argument);
        if (!m.matches()) {
            throw new RefusedException(field, "'" + argument + "' is not PATH[@START][+LENGTH]");
        }
        Long start = null;
        Long length = null;
        try {
            if (m.group(2) != null) {
                start = Sizes.toSectors(m.group(2));
            }
        } catch (IllegalArgumentException e) {
            throw new RefusedException(field, "START " + e.getMessage());
        }
        try {
            if (m.group(3) != null) {
                length = Sizes.toSectors(m.group(3));
            }
        } catch (IllegalArgumentException e) {
            throw new RefusedException(field, "LENGTH " + e.getMessage());
        }
        return new RegionSpec(field, argument, m.group(1), start, length);
    }
}
