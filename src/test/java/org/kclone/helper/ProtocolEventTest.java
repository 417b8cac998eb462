package org.kclone.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The events' JSON as the helper writes it and both ends read it: {@code started} carries a
 * resumed job's {@code copiedBefore}, and a line from a helper that predates the field still reads
 * (without it).
 */
class ProtocolEventTest {

    @Test
    void startedCarriesCopiedBeforeThroughTheJson() throws Exception {
        String line = Protocol.line(Protocol.Event.started(64L << 20, List.of("/dev/sdb", "/dev/sdc"), 32L << 20));
        assertEquals("{\"type\":\"started\",\"totalBytes\":67108864,\"destinations\":[\"/dev/sdb\",\"/dev/sdc\"],"
                + "\"copiedBefore\":33554432}", line);
        for (var mapper : List.of(Protocol.STRICT, Protocol.LENIENT)) {
            Protocol.Event e = mapper.readValue(line, Protocol.Event.class);
            assertEquals("started", e.type());
            assertEquals(64L << 20, e.totalBytes());
            assertEquals(32L << 20, e.copiedBefore());
        }
        assertEquals(0L, Protocol.STRICT.readValue(Protocol.line(Protocol.Event.started(4096, List.of("/dev/sdb"), 0)),
                Protocol.Event.class).copiedBefore(), "a job from the beginning says 0");
    }

    @Test
    void anOlderHelpersStartedWithoutCopiedBeforeStillReads() throws Exception {
        Protocol.Event e = Protocol.LENIENT.readValue(
                "{\"type\":\"started\",\"totalBytes\":4096,\"destinations\":[\"/dev/sdb\"]}", Protocol.Event.class);
        assertEquals(4096L, e.totalBytes());
        assertNull(e.copiedBefore(), "absent: the client reads it as 0");
    }

    @Test
    void otherEventsDoNotWriteTheField() {
        for (Protocol.Event e : List.of(Protocol.Event.hello(), Protocol.Event.progress("COPYING", false,
                new long[] {1}, 0), Protocol.Event.failed(0, "Input/output error"))) {
            String line = Protocol.line(e);
            assertFalse(line.contains("copiedBefore"), line);
            assertTrue(line.startsWith("{\"type\":\"" + e.type() + "\""), line);
        }
    }
}
