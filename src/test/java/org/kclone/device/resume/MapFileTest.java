package org.kclone.device.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.MemoryDevice;

/** The map's text, its ranges, where a job resumes, and what a destination records as durable. */
class MapFileTest {

    @TempDir
    Path dir;

    private static MapFile twoDestinations(long total) {
        MapFile m = new MapFile();
        m.source = new MapFile.Entry(2048, total / 512, total, "block:size=9:byid=usb-X_123", "/dev/sdb");
        m.dests.add(new MapFile.Entry(0, total / 512, total, "file:1.2", "/tmp/a b.img"));
        m.dests.add(new MapFile.Entry(8, total / 512, total, "block:size=9:loop=3.4+0", "/dev/loop7"));
        m.done.add(new Ranges());
        m.done.add(new Ranges());
        return m;
    }

    @Test
    void rangesMergeAndKnowTheirPrefix() {
        Ranges r = new Ranges();
        r.add(4096, 4096);
        assertEquals(0, r.prefix(), "nothing from 0 yet");
        r.add(0, 4096);
        r.add(16384, 100);
        r.add(8192, 8192); // touches both sides
        assertEquals(List.of(new Ranges.Range(0, 16484)), r.list());
        assertEquals(16484, r.prefix());
        assertEquals(16484, r.bytes());
        r.add(100, 10); // inside
        assertEquals(16484, r.bytes());
        Ranges d = r.drain();
        assertTrue(r.isEmpty());
        assertEquals(16484, d.prefix());
    }

    @Test
    void writtenAndReadBackTheSame() throws Exception {
        long total = 64L << 20;
        MapFile m = twoDestinations(total);
        m.done.get(0).add(0, 40L << 20);
        m.done.get(0).add(48L << 20, 1 << 20);
        m.done.get(1).add(0, (20L << 20) + 512);
        m.hashes.add(new MapFile.Hash("head", 0, 1 << 20, "ab".repeat(32)));
        Path f = dir.resolve("job.map");
        m.save(f);
        assertFalse(Files.exists(dir.resolve(".job.map.tmp")), "the temporary file was renamed");
        String text = Files.readString(f);
        assertTrue(text.contains("0  0x0000000002800000  0x0000000000800000  ?"), text);
        assertTrue(text.contains("1  0x0000000000000000  0x0000000001400200  +"), text);
        MapFile back = MapFile.read(f);
        assertEquals(m.source, back.source);
        assertEquals(m.dests, back.dests);
        assertEquals(m.hashes, back.hashes);
        assertEquals(m.done.get(0).list(), back.done.get(0).list());
        assertEquals(m.done.get(1).list(), back.done.get(1).list());
        assertEquals("running", back.status);
        assertEquals(20L << 20, back.resumePoint(), "the lowest prefix over the destinations, down to 4 KiB");
        assertFalse(back.complete());
    }

    @Test
    void completeOnlyWhenEveryDestinationHasEverything() {
        MapFile m = twoDestinations(1 << 20);
        m.done.get(0).add(0, 1 << 20);
        assertFalse(m.complete());
        m.done.get(1).add(0, 1 << 20);
        assertTrue(m.complete());
        assertEquals(1 << 20, m.resumePoint());
    }

    @Test
    void aBrokenMapIsRefusedNamingTheLine() throws Exception {
        Path f = dir.resolve("bad.map");
        MapFile m = twoDestinations(1 << 20);
        m.save(f);
        String good = Files.readString(f);
        Files.writeString(f, good + "1  0x0  0x200000  +\n");
        MapFile.BadMapException e = assertThrows(MapFile.BadMapException.class, () -> MapFile.read(f));
        assertTrue(e.getMessage().contains("outside the region"), e.getMessage());
        Files.writeString(f, good + "0  0x0  0x1000  *\n");
        e = assertThrows(MapFile.BadMapException.class, () -> MapFile.read(f));
        assertTrue(e.getMessage().startsWith("line ") && e.getMessage().contains("status '*'"), e.getMessage());
        Files.writeString(f, "rescued sectors\n");
        e = assertThrows(MapFile.BadMapException.class, () -> MapFile.read(f));
        assertTrue(e.getMessage().contains("not a kclone map"), e.getMessage());
    }

    @Test
    void aWriteIsDurableOnlyAfterAFlushThatBeganAfterIt() throws Exception {
        MemoryDevice dev = new MemoryDevice("d", 1 << 20);
        long[] told = new long[1];
        RecordingDevice rec = new RecordingDevice(dev, 65536, 8192 * 4, new Ranges(), n -> told[0] += n);
        rec.write(ByteBuffer.allocate(8192), 65536);
        rec.write(ByteBuffer.allocate(8192), 65536 + 16384);
        assertEquals(16384, told[0]);
        assertTrue(rec.durable().isEmpty(), "written, not flushed");
        rec.flush();
        assertEquals(1, dev.flushes());
        assertEquals(List.of(new Ranges.Range(0, 8192), new Ranges.Range(16384, 8192)), rec.durable().list());
        rec.write(ByteBuffer.allocate(65536), 65536 + 8192); // runs past the region's end: clipped to it
        rec.flush();
        assertEquals(List.of(new Ranges.Range(0, 32768)), rec.durable().list());
    }

    @Test
    void aFailedFlushRecordsNothing() throws Exception {
        MemoryDevice dev = new MemoryDevice("d", 1 << 20);
        RecordingDevice rec = new RecordingDevice(new org.kclone.engine.ForwardingBlockDevice(dev) {
            @Override
            public void flush() throws java.io.IOException {
                throw new java.io.IOException("EIO");
            }
        }, 0, 1 << 20, new Ranges(), n -> { });
        rec.write(ByteBuffer.allocate(4096), 0);
        assertThrows(java.io.IOException.class, rec::flush);
        assertTrue(rec.durable().isEmpty());
    }
}
