package org.kclone.ui.log;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An output stream that passes everything on (to the terminal's stderr) and also hands each
 * complete line to a {@link LogBuffer}: the app puts it in place of {@code System.err}, so what
 * kclone prints there (SLF4J simple's warnings, the report-saved line) reaches the Details pane.
 * Lines longer than {@link #MAX_LINE} bytes are cut there.
 */
public final class LineTee extends OutputStream {

    static final int MAX_LINE = 4096;

    private final OutputStream through;
    private final LogBuffer buffer;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public LineTee(OutputStream through, LogBuffer buffer) {
        this.through = through;
        this.buffer = buffer;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        through.write(b);
        take(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        through.write(b, off, len);
        for (int i = off; i < off + len; i++) {
            take(b[i]);
        }
    }

    private void take(int b) {
        if (b == '\n') {
            emit();
        } else if (b != '\r' && line.size() < MAX_LINE) {
            line.write(b);
        }
    }

    private void emit() {
        buffer.append(line.toString(StandardCharsets.UTF_8));
        line.reset();
    }

    @Override
    public synchronized void flush() throws IOException {
        through.flush();
    }

    /** Passes on the close; a last line without its line break is handed over too. */
    @Override
    public synchronized void close() throws IOException {
        if (line.size() > 0) {
            emit();
        }
        through.flush();
    }
}
