package org.kclone.device.resume;

import java.io.IOException;
import java.nio.file.Path;
import org.kclone.device.CopyPlanner;
import org.kclone.device.Endpoint;

/** Writes a map as a run would have left it, for tests of what reads maps (no device is read). */
public final class TestMaps {

    private TestMaps() {
    }

    /** The plan's map in {@code store}: every destination durably holds {@code done} bytes. */
    public static Path write(MapStore store, CopyPlanner.Plan plan, long done) throws IOException {
        java.nio.file.Files.createDirectories(store.dir());
        Path file = store.fileFor(plan);
        MapFile m = new MapFile();
        m.status = done >= plan.source().byteLength() ? "finished" : "interrupted";
        m.source = entry(plan.source());
        for (Endpoint e : plan.destinations()) {
            m.dests.add(entry(e));
            Ranges r = new Ranges();
            if (done > 0) {
                r.add(0, done);
            }
            m.done.add(r);
        }
        m.save(file);
        return file;
    }

    /**
     * The map an interrupted run of the plan would have left at {@code file}: the real identities of
     * its source and destinations, every destination durably holding {@code done} bytes, and the
     * source's hashes below that read from {@code source} (the source's bytes, opened by the test).
     */
    public static Path writeResumable(Path file, CopyPlanner.Plan plan, long done,
            org.kclone.engine.BlockDevice source) throws IOException {
        MapFile m = new MapFile();
        m.status = "interrupted";
        m.source = real(plan.source(), true);
        for (Endpoint e : plan.destinations()) {
            m.dests.add(real(e, false));
            Ranges r = new Ranges();
            r.add(0, done);
            m.done.add(r);
        }
        m.hashes.addAll(SourceHashes.around(source, plan.source().startByte(), plan.source().byteLength(), done, null));
        m.save(file);
        return file;
    }

    private static MapFile.Entry real(Endpoint e, boolean source) throws IOException {
        return new MapFile.Entry(e.start(), e.count(), e.byteLength(), Identity.of(e, source), e.path().toString());
    }

    private static MapFile.Entry entry(Endpoint e) {
        return new MapFile.Entry(e.start(), e.count(), e.byteLength(), "test", e.path().toString());
    }
}
