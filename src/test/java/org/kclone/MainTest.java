package org.kclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.kclone.cli.KcloneCommand;

class MainTest {

    private static String[] run(String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Method m = KcloneCommand.class.getDeclaredMethod("run", String[].class, PrintWriter.class, PrintWriter.class);
        m.setAccessible(true);
        int code = (int) m.invoke(null, args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void versionPrintsTheBuildVersion() throws Exception {
        String[] r = run("--version");
        assertEquals("0", r[0]);
        assertTrue(r[1].trim().matches("kclone \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), r[1]);
        assertEquals("kclone " + KcloneCommand.version(), r[1].trim());
    }

    @Test
    void noArgumentsPrintsUsage() throws Exception {
        String[] r = run();
        assertEquals("0", r[0]);
        assertTrue(r[1].startsWith("Usage: kclone"), r[1]);
    }

    @Test
    void anUnknownOptionIsRefusedWithExitTwo() throws Exception {
        String[] r = run("--frobnicate");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("kclone: refused: unknown option '--frobnicate'\n"), r[2]);
    }
}
