package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.RegionSpec;

/**
 * The signal path of {@link JobRunner} in this JVM: the handler's first call while the person is at
 * the prompt (the Terminal seam calls it where a real SIGINT would come) is a refusal with exit 2
 * and nothing written; a second call quits with exit 1, saying why. The exit is replaced so the
 * test's JVM stays.
 */
class JobRunnerSignalTest {

    @TempDir
    Path dir;

    /** What the replaced exit throws, so the run stops where the JVM would have ended. */
    static final class Exited extends RuntimeException {
        Exited() {
            super(null, null, false, false);
        }
    }

    @Test
    void aSignalAtThePromptRefusesAndWritesNothing() throws Exception {
        Path src = Files.write(dir.resolve("s.img"), new byte[4096]);
        Path dst = dir.resolve("q.img");
        CopyPlanner.Plan plan = new CopyPlanner(List.of(), CopyPlanner.Options.NONE).copy(
                RegionSpec.parse("SOURCE", src.toString()), List.of(RegionSpec.parse("DEST 1", dst.toString())));
        StringWriter err = new StringWriter();
        AtomicReference<JobRunner> runner = new AtomicReference<>();
        Terminal atPrompt = new Terminal(new ByteArrayInputStream(new byte[0])) {
            @Override
            public boolean stdinIsTerminal() {
                return true;
            }

            @Override
            public String ask(PrintWriter e, String question) {
                runner.get().signals.firstSignal("TERM", new AtomicReference<>(), new AtomicReference<>());
                return "yes"; // never reached: the signal ended kclone
            }
        };
        WriteOptions options = new WriteOptions();
        options.chunk = "1M"; // picocli's defaults
        options.pages = 2048;
        JobRunner r = new JobRunner("copy", options, atPrompt, new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        AtomicInteger code = new AtomicInteger(-1);
        r.signals.exit = c -> {
            code.set(c);
            throw new Exited();
        };
        runner.set(r);
        assertThrows(Exited.class, () -> r.run(plan, false, false));
        assertEquals(2, code.get(), err.toString());
        assertTrue(err.toString().contains("kclone: refused: confirmation: interrupted by SIGTERM at the prompt;"
                + " nothing was written"), err.toString());
        assertFalse(Files.exists(dst), "nothing was written");
    }

    @Test
    void aSecondSignalQuitsAtOnceSayingSo() {
        StringWriter err = new StringWriter();
        JobRunner r = new JobRunner("copy", new WriteOptions(), new Terminal(new ByteArrayInputStream(new byte[0])),
                new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        AtomicInteger code = new AtomicInteger(-1);
        r.signals.exit = code::set;
        r.signals.secondSignal(null);
        assertEquals(1, code.get());
        assertTrue(err.toString().contains("kclone: second interrupt: quitting without waiting for the writes in"
                + " flight; the destinations may be incomplete and not flushed"), err.toString());
    }
}
