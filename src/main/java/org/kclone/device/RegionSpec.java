package org.kclone.device;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A region as typed on the command line: {@code PATH[@START][+LENGTH]}. START and LENGTH are
 * 512-byte sectors or carry a unit ({@link Sizes}); null where not given.
 *
 * <p>Read from the end: the last unescaped {@code +} starts LENGTH, then the last unescaped
 * {@code @} before it starts START. In PATH, {@code @@} and {@code ++} stand for a literal
 * {@code @} and {@code +}, so {@code a@@b++c.img} is the file {@code a@b+c.img}. An argument that
 * names an existing file as typed but reads as another path is refused, naming both readings.
 */
public record RegionSpec(String field, String argument, String path, Long start, Long length) {

    /**
     * @param field what to call this argument in messages ({@code SOURCE}, {@code DEST 1})
     */
    public static RegionSpec parse(String field, String argument) throws RefusedException {
        if (argument == null || argument.isBlank()) {
            throw new RefusedException(field, "is empty; give a device, partition or image file path");
        }
        RegionSpec spec;
        try {
            spec = read(field, argument);
        } catch (RefusedException e) {
            if (existsAsTyped(argument)) {
                throw ambiguous(field, argument, "does not read as one (" + e.reason() + ")");
            }
            throw e;
        }
        if (!spec.path().equals(argument) && existsAsTyped(argument)) {
            throw ambiguous(field, argument, "reads as " + spec.reading());
        }
        return spec;
    }

    private static RegionSpec read(String field, String argument) throws RefusedException {
        String head = argument;
        String lengthText = null;
        int plus = lastUnescaped(argument, '+');
        if (plus >= 0) {
            lengthText = argument.substring(plus + 1);
            head = argument.substring(0, plus);
        }
        String startText = null;
        int at = lastUnescaped(head, '@');
        if (at >= 0) {
            startText = head.substring(at + 1);
            head = head.substring(0, at);
        }
        String path = head.replace("@@", "@").replace("++", "+");
        if (path.isEmpty()) {
            throw new RefusedException(field, "'" + argument + "' has no PATH before its START or LENGTH"
                    + " (PATH[@START][+LENGTH]; a literal @ or + in a file name is written @@ or ++)");
        }
        Long start = startText == null ? null : size(field, "START", "@", startText);
        Long length = lengthText == null ? null : size(field, "LENGTH", "+", lengthText);
        return new RegionSpec(field, argument, path, start, length);
    }

    private static long size(String field, String what, String mark, String text) throws RefusedException {
        String escape = "; in a file name, write '" + mark + mark + "' for a literal '" + mark + "'";
        if (text.isEmpty()) {
            throw new RefusedException(field, what + " is empty after '" + mark + "'" + escape);
        }
        try {
            return Sizes.toSectors(text);
        } catch (IllegalArgumentException e) {
            throw new RefusedException(field, what + " " + e.getMessage() + escape);
        }
    }

    /** The index of the last {@code c} that is not part of a doubled {@code cc}, or -1. */
    private static int lastUnescaped(String s, char c) {
        int last = -1;
        int i = 0;
        while (i < s.length()) {
            if (s.charAt(i) == c) {
                if (i + 1 < s.length() && s.charAt(i + 1) == c) {
                    i += 2;
                    continue;
                }
                last = i;
            }
            i++;
        }
        return last;
    }

    /** {@code path} written so that {@link #parse} reads it back as exactly that path, no region. */
    public static String escape(String path) {
        return path.replace("@", "@@").replace("+", "++");
    }

    /** Whether START or LENGTH was read from the argument. */
    public boolean hasRegion() {
        return start != null || length != null;
    }

    /** How the argument was read, for messages: {@code file 'a' at START 5 with LENGTH 8}. */
    public String reading() {
        return "'" + path + "'" + (start != null ? " at START " + start : "")
                + (length != null ? " with LENGTH " + length : "");
    }

    /**
     * A warning for a destination that will be created as a new image file although its argument
     * was read as PATH@START or PATH+LENGTH (the person may have meant a file with that name), or
     * null when there is nothing to warn about.
     */
    public String newImageWarning() {
        if (!hasRegion()) {
            return null;
        }
        return field + " '" + argument + "' is read as the new image file " + reading() + "; to name a file '"
                + argument + "' write '" + escape(argument) + "'";
    }

    private static boolean existsAsTyped(String argument) {
        try {
            return Files.exists(Path.of(argument));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static RefusedException ambiguous(String field, String argument, String reading) {
        return new RefusedException(field, "'" + argument + "' is an existing file, but as PATH[@START][+LENGTH] it "
                + reading + "; to name the file '" + argument + "' write '" + escape(argument)
                + "' (a doubled @ or + stands for one), or rename it");
    }
}
