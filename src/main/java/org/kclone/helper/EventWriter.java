package org.kclone.helper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes events as lines, one at a time from any thread. When the reader is gone (the window
 * died: a broken pipe) writing stops quietly; the job is ended by the end of standard input.
 */
final class EventWriter {

    private final OutputStream out;
    private boolean broken;

    EventWriter(OutputStream out) {
        this.out = out;
    }

    synchronized void send(Protocol.Event event) {
        if (broken) {
            return;
        }
        try {
            out.write((Protocol.line(event) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            broken = true;
        }
    }
}
