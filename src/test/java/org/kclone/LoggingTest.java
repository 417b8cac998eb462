package org.kclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
