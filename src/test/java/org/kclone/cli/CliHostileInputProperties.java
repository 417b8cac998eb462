package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile input to {@code kclone copy}, generated (jqwik): garbage after a region's {@code @} or
 * {@code +} (huge and negative numbers, overflow, odd units, spaces, dots) and garbage values of
 * {@code --pages}, {@code --chunk} and {@code --limit}. Every run either copies (the input was
 * valid after all) or is refused with exit 2 in one line that names the argument (for an option
 * followed by a pointer to {@code --help}), never a stack
 * trace, and with not a byte of the destination changed; the source is never changed.
 */
class CliHostileInputProperties {

    private static Path dir;
    private static Path src;
    private static Path dst;
    private static byte[] srcBytes;
    private static byte[] dstBytes;

    @BeforeContainer
    static void files() throws IOException {
        dir = Files.createTempDirectory("kclone-hostile");
        srcBytes = new byte[64 << 10];
        dstBytes = new byte[64 << 10];
        new Random(71).nextBytes(srcBytes);
        new Random(72).nextBytes(dstBytes);
        src = Files.write(dir.resolve("s.img"), srcBytes);
        dst = Files.write(dir.resolve("d.img"), dstBytes);
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Numbers and units, mostly wrong: what a hurried or hostile person types after @ or +, or as a value. */
    @Provide
    Arbitrary<String> garbage() {
        Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.longs().map(n -> Long.toString(n)),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30),
                Arbitraries.of("0", "-0", "1", "-1", "9223372036854775807", "9223372036854775808",
                        "18014398509481983", "99999999999999999999"));
        Arbitrary<String> unit = Arbitraries.of("", "s", "S", "B", "b", "K", "k", "M", "G", "T", "P", "KiB", "MB",
                "x", " ", ".5", "e3", "0x10", "\t", "s s");
        Arbitrary<String> noise = Arbitraries.strings().withChars("0123456789sBKMGTi-. xe,_").ofMaxLength(16);
        return Arbitraries.oneOf(net.jqwik.api.Combinators.combine(number, unit).as((n, u) -> n + u), noise);
    }

    private static void refusedNamingOrCopied(Cli r, String field) throws IOException {
        assertFalse(r.err.contains("Exception") || r.err.contains("\tat ") || r.out.contains("\tat "),
                "never a stack trace\n" + r);
        assertArrayEquals(srcBytes, Files.readAllBytes(src), "the source is never written");
        if (r.exit == 0) {
            Files.write(dst, dstBytes); // valid after all: it copied; set the destination back for the next try
            return;
        }
        assertTrue(r.exit == 2, "a refusal is exit 2\n" + r);
        assertTrue(r.err.startsWith("kclone: refused: " + field), "one line naming " + field + "\n" + r);
        assertTrue(r.err.strip().lines().skip(1).allMatch(l -> l.equals("kclone: see 'kclone copy --help'")),
                "one line (and for an option the pointer to --help)\n" + r);
        assertArrayEquals(dstBytes, Files.readAllBytes(dst), "nothing written\n" + r);
    }

    @Property(tries = 150)
    void garbageInARegionIsRefusedNamingTheArgument(@ForAll("garbage") String text,
            @ForAll boolean onSource, @ForAll boolean asLength) throws IOException {
        String mark = asLength ? "+" : "@";
        String s = onSource ? src + mark + text : src.toString();
        String d = onSource ? dst.toString() : dst + mark + text;
        Cli r = Cli.run("copy", s, d, "--yes");
        refusedNamingOrCopied(r, onSource ? "SOURCE" : "DEST 1");
    }

    @Property(tries = 150)
    void garbageOptionValuesAreRefusedNamingTheOption(@ForAll("garbage") String value,
            @ForAll("options") String option) throws IOException {
        Cli r = Cli.run("copy", src.toString(), dst.toString(), "--yes", option, value);
        refusedNamingOrCopied(r, option);
    }

    @Provide
    Arbitrary<String> options() {
        return Arbitraries.of("--pages", "--chunk", "--limit");
    }
}
