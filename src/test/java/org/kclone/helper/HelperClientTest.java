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

    /** A stand-in helper that says hello and started with {@code started}'s extra JSON, then ends. */
    private static HelperClient startedWith(String extra, List<String> notes) throws InterruptedException {
        HelperClient c = HelperClient.start(sh("echo '{\"type\":\"hello\",\"version\":1}';"
                + " echo '{\"type\":\"started\",\"totalBytes\":8192,\"destinations\":[\"/dev/b\"]" + extra + "}';"
                + " exit 3"), REQUEST, 4096, line -> { }, notes::add);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(c.isDone());
        assertTrue(c.started());
        assertEquals(8192, c.totalBytes());
        return c;
    }

    @Test
    void theStartedEventsCopiedBeforeIsKeptAndAnOlderHelpersMissingOneIsZero() throws Exception {
        List<String> notes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        assertEquals(6144, startedWith(",\"copiedBefore\":6144", notes).copiedBefore());
        assertEquals(8192, startedWith(",\"copiedBefore\":8192", notes).copiedBefore(), "all of it: the bound");
        assertEquals(0, startedWith("", notes).copiedBefore(), "a helper that predates the field");
        assertEquals(List.of(), notes, "nothing set aside");
    }

    @Test
    void aCopiedBeforeOutsideTheJobIsNotBelievedAndSaidInANote() throws Exception {
        List<String> notes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        assertEquals(0, startedWith(",\"copiedBefore\":8193", notes).copiedBefore(), "more than the job");
        assertEquals(0, startedWith(",\"copiedBefore\":-1", notes).copiedBefore(), "negative");
        assertEquals(2, notes.size(), notes.toString());
        assertEquals("the helper's 'started' said copiedBefore 8193, outside 0 to the job's 8192 bytes: ignored"
                + " (the speed and time left count every byte written)", notes.get(0));
        assertTrue(notes.get(1).contains("copiedBefore -1,"), notes.get(1));
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
