package org.kclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the log file is and when --debug counts. */
class LoggingTest {

    @Test
    void theLogFileFollowsXdgStateHomeThenHome() {
        assertEquals(Path.of("/s/kclone/kclone.log"), Logging.logFile(Map.of("XDG_STATE_HOME", "/s", "HOME", "/h")));
        assertEquals(Path.of("/h/.local/state/kclone/kclone.log"), Logging.logFile(Map.of("HOME", "/h")));
        assertEquals(Path.of("/h/.local/state/kclone/kclone.log"),
                Logging.logFile(Map.of("XDG_STATE_HOME", "relative", "HOME", "/h")), "a relative XDG path is ignored");
        assertEquals(Path.of("/h/.local/state/kclone/kclone.log"), Logging.logFile(Map.of("XDG_STATE_HOME", "",
                "HOME", "/h")));
        assertNull(Logging.logFile(Map.of()));
    }

    @Test
    void debugCountsOnlyAmongTheOptions() {
        assertTrue(Logging.debug(new String[] {"copy", "a.img", "b.img", "--debug"}));
        assertTrue(Logging.debug(new String[] {"copy", "--debug", "--", "a.img"}));
        assertFalse(Logging.debug(new String[] {"copy", "a.img", "--", "--debug"}), "after --, a file named --debug");
        assertFalse(Logging.debug(new String[] {"copy", "a.img", "b.img"}));
    }

    @Test
    void onlyCommandsThatWriteOrCompareLog() {
        assertTrue(Logging.logs(new String[] {"copy", "a.img", "b.img"}));
        assertTrue(Logging.logs(new String[] {"zero", "b.img"}));
        assertTrue(Logging.logs(new String[] {"verify", "a.img", "b.img"}));
        assertTrue(Logging.logs(new String[] {}), "the window writes");
        assertFalse(Logging.logs(new String[] {"list"}));
        assertFalse(Logging.logs(new String[] {"--help"}));
        assertFalse(Logging.logs(new String[] {"--version"}));
        assertFalse(Logging.logs(new String[] {"copy", "--help"}));
        assertTrue(Logging.logs(new String[] {"copy", "a.img", "--", "--help"}), "after --, a file named --help");
    }

    @TempDir
    Path dir;

    private static int owner(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void asRootInSomeonesHomeTheLogFolderAndFilesAreTheirs() throws IOException {
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "only root runs as root under sudo -E, and only root can give files away");
        Path home = Files.createDirectory(dir.resolve("home"));
        Files.setAttribute(home, "unix:uid", 65534);
        Files.setAttribute(home, "unix:gid", 65534);
        Path log = Logging.logFile(Map.of("HOME", home.toString()));
        Logging.prepare(log);
        Files.writeString(log, "first run");
        Logging.prepare(log);
        for (Path p : new Path[] {home.resolve(".local"), home.resolve(".local/state"), log.getParent(), log,
                log.resolveSibling("kclone.log.1")}) {
            assertEquals(65534, owner(p), p + " belongs to the home's owner");
        }
        assertEquals(65534, (Integer) Files.getAttribute(log, "unix:gid"), "and to the home's group");
    }

    @Test
    void asRootInRootsOwnFoldersNothingIsGivenAway() throws IOException {
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "needs root: the files it creates are root's");
        Path log = Logging.logFile(Map.of("XDG_STATE_HOME", dir.resolve("state").toString()));
        Logging.prepare(log);
        assertEquals(0, owner(log));
        assertEquals(0, owner(log.getParent()));
    }

    @Test
    void aLogThatCannotBeWrittenIsSaidNotSwallowed() throws IOException {
        Path blocker = Files.writeString(dir.resolve("state"), "a file where the state folder should be");
        Path log = Logging.logFile(Map.of("XDG_STATE_HOME", blocker.toString()));
        IOException e = assertThrows(IOException.class, () -> Logging.prepare(log));
        assertEquals("kclone: warning: no log this run: cannot write " + log + " (" + blocker.resolve("kclone")
                + ": Not a directory)",
                Logging.cannotLog(log, e));
        assertEquals("kclone: warning: no log this run: neither XDG_STATE_HOME nor HOME names a folder",
                Logging.cannotLog(null, assertThrows(IOException.class, () -> Logging.prepare(null))));
    }

    @Test
    void aFileWhereTheKcloneFolderShouldBeIsNamed() throws IOException {
        Path state = Files.createDirectory(dir.resolve("state"));
        Files.writeString(state.resolve("kclone"), "not a folder");
        Path log = Logging.logFile(Map.of("XDG_STATE_HOME", state.toString()));
        IOException e = assertThrows(IOException.class, () -> Logging.prepare(log));
        assertEquals("kclone: warning: no log this run: cannot write " + log + " (" + state.resolve("kclone")
                + " is not a folder)", Logging.cannotLog(log, e));
    }

    @Test
    void aLogFolderOfSomeoneElseIsSaidAsPermissionDenied() throws IOException {
        assumeTrue(!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "root may write anywhere: run as a user (CI's unprivileged leg does)");
        Path state = Files.createDirectory(dir.resolve("state"));
        Path log = Logging.logFile(Map.of("XDG_STATE_HOME", state.toString()));
        Files.createDirectory(log.getParent());
        Files.writeString(log, "an earlier run's log");
        log.getParent().toFile().setWritable(false); // as a root-owned folder looks to its user
        try {
            IOException e = assertThrows(IOException.class, () -> Logging.prepare(log));
            assertTrue(Logging.cannotLog(log, e).startsWith("kclone: warning: no log this run: cannot write " + log
                    + " (permission denied: "), Logging.cannotLog(log, e));
        } finally {
            log.getParent().toFile().setWritable(true);
        }
    }
}
