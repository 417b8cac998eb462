package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * Hostile and odd input to the region syntax {@code PATH[@START][+LENGTH]}, generated (jqwik):
 * any string is either read or refused with a {@link RefusedException} that names the argument's
 * field, never another exception; every path, however many {@code @}, {@code +}, spaces and
 * colons it holds, is reachable through {@link RegionSpec#escape}; START and LENGTH in sectors
 * and units read back exactly, and a number too large is refused, never wrapped.
 */
class RegionSpecProperties {

    /** Strings made mostly of the characters that matter here, plus anything at all. */
    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> syntax = Arbitraries.strings().withChars("@+-0123456789sBKMGTiPE .:/\\\t")
                .ofMinLength(0).ofMaxLength(40);
        Arbitrary<String> numbers = Arbitraries.longs().map(n -> Long.toString(n));
        Arbitrary<String> any = Arbitraries.strings().ofMaxLength(40);
        return Arbitraries.oneOf(syntax, any,
                Combinators.combine(syntax, numbers, syntax).as((a, n, b) -> a + n + b),
                Combinators.combine(numbers, Arbitraries.of("", "s", "B", "K", "M", "G", "T", "KiB", "x", "e9"))
                        .as((n, u) -> "disk.img@" + n + u),
                Combinators.combine(numbers, Arbitraries.of("", "s", "B", "K", "M", "G", "T"))
                        .as((n, u) -> "disk.img+" + n + u));
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("ab@+ :./-_9").ofMinLength(1).ofMaxLength(30),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(30))
                .filter(p -> !p.isBlank() && !p.contains("\0") && !new java.io.File(p).exists());
    }

    @Property(tries = 2000)
    void anyArgumentIsReadOrRefusedNamingItsField(@ForAll("hostile") String argument) {
        try {
            RegionSpec spec = RegionSpec.parse("DEST 3", argument);
            assertEquals(argument, spec.argument());
            assertTrue(!spec.path().isEmpty(), "a read argument has a path: " + spec);
            assertTrue(spec.start() == null || spec.start() >= 0, "no negative START: " + spec);
            assertTrue(spec.length() == null || spec.length() >= 0, "no negative LENGTH: " + spec);
        } catch (RefusedException e) {
            assertEquals("DEST 3", e.field());
            assertTrue(e.getMessage().startsWith("DEST 3: "), e.getMessage());
            assertTrue(!e.reason().isBlank(), "a reason is given");
        }
    }

    @Property(tries = 1000)
    void everyPathIsReachableThroughItsEscape(@ForAll("paths") String path) throws RefusedException {
        RegionSpec spec = RegionSpec.parse("SOURCE", RegionSpec.escape(path));
        assertEquals(path, spec.path());
        assertNull(spec.start());
        assertNull(spec.length());
    }

    @Property(tries = 1000)
    void anEscapedPathWithARegionReadsBackExactly(@ForAll("paths") String path,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 1024) long start,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 1024) long length) throws RefusedException {
        RegionSpec spec = RegionSpec.parse("SOURCE", RegionSpec.escape(path) + "@" + start + "s+" + length + "s");
        assertEquals(path, spec.path());
        assertEquals(start, spec.start());
        assertEquals(length, spec.length());
        RegionSpec inKib = RegionSpec.parse("SOURCE", RegionSpec.escape(path) + "@" + start / 2 + "K");
        assertEquals(start / 2 * 2, inKib.start(), "K is two sectors");
    }

    @Property(tries = 500)
    void aStartTooLargeForSectorsIsRefusedNeverWrapped(
            @ForAll @LongRange(min = Long.MAX_VALUE / 1024 / 1024 / 1024 + 1) long gib) {
        try {
            RegionSpec spec = RegionSpec.parse("DEST 1", "d.img@" + gib + "G");
            throw new AssertionError("read as " + spec);
        } catch (RefusedException e) {
            assertEquals("DEST 1", e.field());
            assertTrue(e.reason().startsWith("START "), e.reason());
        }
    }
}
