package org.kclone.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The window's end when the helper does not start: stand-ins for pkexec (shell one-liners that
 * exit as pkexec does) give a problem that says what happened and what to do, and the client is
 * done; it never waits for ever.
 */
class HelperClientTest {

    private static final Protocol.Request REQUEST = Protocol.Request.start("/dev/a", List.of("/dev/b"), false, false,
            0, "off");

    private static HelperClient runToEnd(List<String> command) throws InterruptedException {
        HelperClient c = HelperClient.start(command, REQUEST, 4096);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(c.isDone(), "the client is done once its command has ended");
        assertNull(c.report());
        return c;
    }

    private static List<String> sh(String script) {
        return List.of("/bin/sh", "-c", script);
    }

    @Test
    void eachLineOnStandardErrorReachesTheSinkWholeAndLongOnesAreCut() throws Exception {
        java.util.List<String> lines = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        HelperClient c = HelperClient.start(sh("printf 'first\\r\\nsec' >&2; printf 'ond\\n' >&2;"
                + " head -c 5000 /dev/zero | tr '\\0' x >&2; printf '\\nlast without a line break' >&2; exit 1"),
                REQUEST, 4096, lines::add);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(c.isDone());
        assertEquals(List.of("first", "second", "x".repeat(HelperClient.MAX_STDERR_LINE), "last without a line break"),
                lines);
        assertTrue(c.problem().contains("last without a line break"), c.problem()); // the tail still says why
    }

    @Test
    void aDismissedPasswordDialogSaysSo() throws Exception {
        String p = runToEnd(sh("echo 'Error executing command as another user: Not authorized' >&2;"
                + " exit 126")).problem();
        assertTrue(p.contains("password was not given") && p.contains("run kclone as root"), p);
    }

    @Test
    void noPolkitAgentSaysWhichProgramToStart() throws Exception {
        String p = runToEnd(sh("echo 'Error executing command as another user: No authentication agent found.' >&2;"
                + " exit 127")).problem();
        assertTrue(p.contains("No polkit authentication agent") && p.contains("polkit-gnome"), p);
    }

    @Test
    void notAuthorizedNamesTheAction() throws Exception {
        String p = runToEnd(sh("echo 'Error executing command as another user: Not authorized' >&2; exit 127"))
                .problem();
        assertTrue(p.contains("Not authorized") && p.contains("org.kclone.helper"), p);
    }

    @Test
    void aMissingPkexecSaysWhatToInstall() throws Exception {
        String p = runToEnd(List.of("/nonexistent/bin/pkexec", "kclone", "helper")).problem();
        assertTrue(p.contains("pkexec (polkit) is not installed"), p);
    }

    @Test
    void aHelperThatEndsMidJobSaysTheDestinationsMayBeIncomplete() throws Exception {
        HelperClient c = runToEnd(sh("echo '{\"type\":\"hello\",\"version\":1}';"
                + " echo '{\"type\":\"started\",\"totalBytes\":4096,\"destinations\":[\"/dev/b\"]}';"
                + " echo '{\"type\":\"progress\",\"phase\":\"COPYING\",\"probing\":false,\"written\":[2048],"
                + "\"verified\":0}'; exit 3"));
        assertTrue(c.problem().contains("ended during the job") && c.problem().contains("exit 3"), c.problem());
        assertEquals(2048, c.written()[0]);
        assertFalse(c.authorizing());
    }

    @Test
    void cancelWhileThePasswordIsAskedStopsPkexecAndNothingStarts() throws Exception {
        HelperClient c = HelperClient.start(sh("exec sleep 600"), REQUEST, 4096); // pkexec waiting for the password
        assertTrue(c.authorizing());
        c.cancel();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(c.isDone());
        assertTrue(c.problem().contains("Cancelled before it started"), c.problem());
    }
}
