package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.image.ByteLimitedDevice;
import org.kclone.engine.BlockDevice;

/**
 * Opening plans built by hand (the planner's checks are not under test here): what is created,
 * sized, refused and removed, and the reasons given, on image files only.
 */
class OpenedPlanUnitTest {

    @TempDir
    Path dir;

    private Endpoint source(long bytes) throws IOException {
        Path src = Files.write(dir.resolve("src.img"), new byte[(int) bytes]);
        long count = (bytes + 511) / 512;
        return new Endpoint("SOURCE", src, Endpoint.Kind.IMAGE, null, 0, count, bytes, 512, bytes);
    }

    private static Endpoint newImage(String field, Path p, long count) {
        return new Endpoint(field, p, Endpoint.Kind.NEW_IMAGE, null, 0, count, 0, 512);
    }

    private static CopyPlanner.Plan plan(Endpoint src, Endpoint... dests) {
        return new CopyPlanner.Plan(src, List.of(dests), Map.of());
    }

    @Test
    void whyNotCreatedNamesEachCause() throws Exception {
        Path existing = Files.write(dir.resolve("x.img"), new byte[1]);
        assertEquals("it already exists (created after the check?); run again to have it checked as an existing file",
                OpenedPlan.whyNotCreated(existing, new FileAlreadyExistsException(existing.toString()), List.of()));
        assertEquals("it is created by an earlier destination of this run (" + existing + "); a new image file can"
                + " be written by one destination only", OpenedPlan.whyNotCreated(existing,
                        new FileAlreadyExistsException(existing.toString()), List.of(dir.resolve("gone"), existing)));
        Path link = Files.createSymbolicLink(dir.resolve("link.img"), dir.resolve("nowhere.img"));
        assertEquals("it is a dangling symbolic link (to " + dir.resolve("nowhere.img") + ", which does not exist);"
                + " give the target's path, or remove the link",
                OpenedPlan.whyNotCreated(link, new FileAlreadyExistsException(link.toString()), List.of()));
        Path inMissing = dir.resolve("no/such/f.img");
        assertEquals("the folder " + dir.resolve("no/such") + " does not exist",
                OpenedPlan.whyNotCreated(inMissing, new NoSuchFileException(inMissing.toString()), List.of()));
        assertEquals("disk full", OpenedPlan.whyNotCreated(existing, new IOException("disk full"), List.of()));
        assertEquals("IOException", OpenedPlan.reason(new IOException()));
        assertEquals("boom", OpenedPlan.reason(new IOException("boom")));
    }

    @Test
    void aNewImageIsCreatedAtTheRegionsLengthAndAPartialTailIsByteLimited() throws Exception {
        Endpoint src = source(1000);
        Path dst = dir.resolve("new.img");
        Endpoint d = new Endpoint("DEST 1", dst, Endpoint.Kind.NEW_IMAGE, null, 0, 2, 0, 512, 1000);
        try (OpenedPlan o = OpenedPlan.open(plan(src, d))) {
            assertEquals(1000, Files.size(dst), "sized to the region's bytes, not whole sectors");
            assertInstanceOf(ByteLimitedDevice.class, o.source());
            assertEquals(1000, ((ByteLimitedDevice) o.source()).end());
            assertInstanceOf(ByteLimitedDevice.class, o.destinations().get(0));
            assertEquals(2, o.sourceRegion().count());
            assertEquals(0, o.sourceRegion().sector());
            assertEquals(1, o.destinationRegions().size());
            assertEquals(o.destinations().get(0), o.destinationRegions().get(0).device());
        }
    }

    @Test
    void aShortExistingImageIsGrownToTheRegionsEnd() throws Exception {
        Endpoint src = source(4096);
        Path dst = Files.write(dir.resolve("short.img"), new byte[1024]);
        Endpoint d = new Endpoint("DEST 1", dst, Endpoint.Kind.IMAGE, null, 4, 8, 1024, 512);
        try (OpenedPlan o = OpenedPlan.open(plan(src, d))) {
            assertEquals(12 * 512, Files.size(dst));
            assertFalse(o.destinations().get(0) instanceof ByteLimitedDevice, "whole sectors need no limit");
            assertEquals(4, o.destinationRegions().get(0).sector());
        }
        Path big = Files.write(dir.resolve("big.img"), new byte[8192]);
        Endpoint whole = new Endpoint("DEST 1", big, Endpoint.Kind.IMAGE, null, 0, 8, 8192, 512);
        OpenedPlan.open(plan(src, whole)).close();
        assertEquals(8192, Files.size(big), "a long enough image keeps its size");
    }

    @Test
    void theSameNewImageTwiceIsRefusedAndTheFirstIsRemoved() throws Exception {
        Endpoint src = source(4096);
        Path dst = dir.resolve("twice.img");
        RefusedException e = assertThrows(RefusedException.class,
                () -> OpenedPlan.open(plan(src, newImage("DEST 1", dst, 8), newImage("DEST 2", dst, 8))));
        assertEquals("DEST 2", e.field());
        assertEquals("cannot create " + dst + ": it is created by an earlier destination of this run (" + dst
                + "); a new image file can be written by one destination only", e.reason());
        assertFalse(Files.exists(dst), "what this run created is removed");
    }

    @Test
    void aMissingSourceIsRefusedNamingItAndNothingIsCreated() throws Exception {
        Path gone = dir.resolve("gone.img");
        Endpoint src = new Endpoint("SOURCE", gone, Endpoint.Kind.IMAGE, null, 0, 8, 4096, 512);
        Path dst = dir.resolve("n.img");
        RefusedException e = assertThrows(RefusedException.class,
                () -> OpenedPlan.open(plan(src, newImage("DEST 1", dst, 8))));
        assertEquals("SOURCE", e.field());
        assertTrue(e.reason().startsWith("cannot open " + gone + ": "), e.reason());
        assertFalse(Files.exists(dst));
    }

    @Test
    void discardRemovesNewImagesAndKeepsExistingOnes() throws Exception {
        Endpoint src = source(4096);
        Path fresh = dir.resolve("fresh.img");
        Path old = Files.write(dir.resolve("old.img"), new byte[4096]);
        OpenedPlan o = OpenedPlan.open(plan(src, newImage("DEST 1", fresh, 8),
                new Endpoint("DEST 2", old, Endpoint.Kind.IMAGE, null, 0, 8, 4096, 512)));
        assertTrue(Files.exists(fresh));
        assertEquals(2, o.destinations().size());
        o.discard();
        assertFalse(Files.exists(fresh));
        assertTrue(Files.exists(old));
        // closed and released: the same plan without the new image opens again
        OpenedPlan.open(plan(src, new Endpoint("DEST 2", old, Endpoint.Kind.IMAGE, null, 0, 8, 4096, 512))).close();
    }
    @Test
    void aRefusedOpenReleasesTheDestinationsItHadClaimed() throws Exception {
        Endpoint src = source(4096);
        Path old = Files.write(dir.resolve("old.img"), new byte[4096]);
        Endpoint existing = new Endpoint("DEST 1", old, Endpoint.Kind.IMAGE, null, 0, 8, 4096, 512);
        Path inGone = dir.resolve("gone/new.img");
        RefusedException e = assertThrows(RefusedException.class,
                () -> OpenedPlan.open(plan(src, existing, newImage("DEST 2", inGone, 8))));
        assertEquals("DEST 2", e.field());
        // the existing destination was claimed and opened before the refusal: both are let go
        OpenedPlan.open(plan(src, existing)).close();
    }

    /** A device that records its close and may fail it. */
    private static final class Closing implements BlockDevice {
        final String name;
        final List<String> log;
        final boolean fail;

        Closing(String name, List<String> log, boolean fail) {
            this.name = name;
            this.log = log;
            this.fail = fail;
        }

        @Override public String name() { return name; }
        @Override public long size() { return 1 << 20; }
        @Override public int logicalSectorSize() { return 512; }
        @Override public void read(ByteBuffer dst, long position) { }
        @Override public void write(ByteBuffer src, long position) { }
        @Override public void flush() { }

        @Override
        public void close() throws IOException {
            log.add(name);
            if (fail) {
                throw new IOException(name + " would not close");
            }
        }
    }

    @Test
    void closingClosesEveryDestinationAndTheSourceAndThrowsTheFirstFailure() throws Exception {
        Endpoint src = source(4096);
        Endpoint a = new Endpoint("DEST 1", dir.resolve("a.img"), Endpoint.Kind.IMAGE, null, 0, 8, 4096, 512);
        Endpoint b = new Endpoint("DEST 2", dir.resolve("b.img"), Endpoint.Kind.IMAGE, null, 0, 8, 4096, 512);
        List<String> log = new ArrayList<>();
        OpenedPlan o = OpenedPlan.of(plan(src, a, b), new Closing("src", log, true),
                List.of(new Closing("a", log, false), new Closing("b", log, true)));
        IOException e = assertThrows(IOException.class, o::close);
        assertEquals("b would not close", e.getMessage(), "the first failure; the source's came later");
        assertEquals(List.of("a", "b", "src"), log, "a failing close does not stop the others");

        log.clear();
        OpenedPlan.of(plan(src, a), new Closing("src", log, false), List.of(new Closing("a", log, false))).close();
        assertEquals(List.of("a", "src"), log);

        log.clear();
        OpenedPlan.of(plan(null, a), null, List.of(new Closing("a", log, false))).close();
        assertEquals(List.of("a"), log, "a zero plan has no source");
    }
}
