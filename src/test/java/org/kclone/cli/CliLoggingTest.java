package org.kclone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI speaks in its own words: the engine's log lines go to the log file
 * ($XDG_STATE_HOME/kclone/kclone.log), or to standard error with --debug. The engine WARN is
 * provoked without root: the child runs under {@code ulimit -f} (RLIMIT_FSIZE), so every write
 * past 8 MiB into the existing 16 MiB destination fails with "File too large".
 */
class CliLoggingTest {

    private static final String WARN = "WARN org.kclone.engine.KcopydJob - destination 0";

    @TempDir
    Path dir;

    private Path state;

    @BeforeEach
    void files() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs /bin/bash for ulimit");
        byte[] data = new byte[16 << 20];
        new Random(13).nextBytes(data);
        Files.write(dir.resolve("src.img"), data);
        Files.write(dir.resolve("dst.img"), new byte[16 << 20]);
        state = dir.resolve("state");
    }

    /** copy src.img dst.img --yes under a file size limit of 8 MiB: the destination fails. */
    private KcloneProcess failingCopy(Path stateDir, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("copy", "src.img", "dst.img", "--yes"));
        args.addAll(List.of(more));
        return KcloneProcess.start(dir, stateDir, List.of("/bin/bash", "-c", "ulimit -f 8192 && exec \"$@\"", "bash"),
                List.of(), args.toArray(String[]::new));
    }

    @Test
    void engineLinesGoToTheLogFileNotTheTerminal() throws Exception {
        KcloneProcess p = failingCopy(state);
        assertEquals(1, p.waitFor(), p.toString());
        assertTrue(p.out.text().contains("FAILED    dst.img: File too large"), "the CLI's own words:\n" + p);
        assertFalse(p.err.text().contains("org.kclone.engine"), "no engine log line on the terminal:\n" + p);
        String log = Files.readString(state.resolve("kclone/kclone.log"));
        assertTrue(log.contains(WARN), log);
        assertTrue(log.matches("(?s)\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4} .*"),
                "dated lines:\n" + log);
    }

    @Test
    void debugPutsThemOnStandardError() throws Exception {
        KcloneProcess p = failingCopy(state, "--debug");
        assertEquals(1, p.waitFor(), p.toString());
        assertTrue(p.err.text().contains(WARN), p.toString());
        assertFalse(Files.exists(state.resolve("kclone/kclone.log")), "with --debug no log file");
    }

    @Test
    void theRunBeforeIsKeptAsLogDotOne() throws Exception {
        assertEquals(1, failingCopy(state).waitFor());
        KcloneProcess ok = KcloneProcess.start(dir, state, List.of(), "copy", "src.img", "dst.img", "--yes");
        assertEquals(0, ok.waitFor(), ok.toString());
        assertTrue(Files.readString(state.resolve("kclone/kclone.log.1")).contains(WARN));
        assertFalse(Files.readString(state.resolve("kclone/kclone.log")).contains(WARN));
    }

    @Test
    void aLogThatCannotBeCreatedIsSaidInOneLineAndTheRunGoesOn() throws Exception {
        Path notADir = dir.resolve("state-file");
        Files.writeString(notADir, "a file where the state folder would be");
        KcloneProcess p = failingCopy(notADir);
        assertEquals(1, p.waitFor(), p.toString());
        assertTrue(p.out.text().contains("FAILED    dst.img: File too large"), p.toString());
        assertEquals("kclone: warning: no log this run: cannot write " + notADir.resolve("kclone/kclone.log") + " ("
                + notADir.resolve("kclone") + ": Not a directory)\n", p.err.text(),
                "one line of its own, nothing from the logger");
    }

    @Test
    void listHelpAndVersionLeaveTheLastCopysLogAlone() throws Exception {
        assertEquals(1, failingCopy(state).waitFor());
        for (List<String> args : List.of(List.of("list"), List.of("--help"), List.of("--version"),
                List.of("copy", "--help"), List.of("verify", "-h"))) {
            KcloneProcess p = KcloneProcess.start(dir, state, List.of(), args.toArray(String[]::new));
            p.waitFor();
            assertTrue(Files.readString(state.resolve("kclone/kclone.log")).contains(WARN),
                    String.join(" ", args) + " kept the failed copy's log\n" + p);
            assertFalse(Files.exists(state.resolve("kclone/kclone.log.1")), String.join(" ", args) + " rotated");
        }
    }
}
