package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every guard of the planner without root: on image files, and on block devices described by
 * lsblk data handed to the planner. The block devices are the machine's idle loop device nodes
 * (only their node type is looked at; nothing is opened); lsblk's data about them is made up.
 */
class CopyPlannerUnitTest {

    @TempDir
    Path dir;

    private static final CopyPlanner.Options NONE = CopyPlanner.Options.NONE;
    private static final CopyPlanner.Options FORCE = new CopyPlanner.Options(true, false, false);
    private static final CopyPlanner.Options FORCE_SYSTEM = new CopyPlanner.Options(true, true, false);

    private Path image(String name, int bytes) throws Exception {
        return Files.write(dir.resolve(name), new byte[bytes]);
    }

    private static RegionSpec spec(String field, String arg) throws RefusedException {
        return RegionSpec.parse(field, arg);
    }

    private static RefusedException refused(CopyPlanner p, String src, String... dests) {
        return assertThrows(RefusedException.class, () -> p.copy(spec("SOURCE", src), specs(dests)));
    }

    private static List<RegionSpec> specs(String... dests) throws RefusedException {
        RegionSpec[] out = new RegionSpec[dests.length];
        for (int i = 0; i < dests.length; i++) {
            out[i] = spec("DEST " + (i + 1), dests[i]);
        }
        return Arrays.asList(out);
    }

    // ---- image files ----------------------------------------------------------------------------

    @Test
    void sourceRegionEdges() throws Exception {
        Path src = image("src.img", 2048 * 512);
        CopyPlanner p = new CopyPlanner(List.of(), NONE);
        Endpoint whole = p.resolveSource(spec("SOURCE", src.toString()));
        assertEquals(0, whole.start());
        assertEquals(2048, whole.count());
        assertEquals(Endpoint.Kind.IMAGE, whole.kind());
        assertEquals(2048 * 512, whole.sizeBytes());
        Endpoint rest = p.resolveSource(spec("SOURCE", src + "@2047"));
        assertEquals(1, rest.count(), "the last sector alone");
        assertEquals(2048, p.resolveSource(spec("SOURCE", src + "@0+2048")).count(), "ends exactly at the end");
        RefusedException beyond = assertThrows(RefusedException.class, () -> p.resolveSource(spec("SOURCE", src + "@2048")));
        assertEquals("SOURCE", beyond.field());
        assertEquals("START 2048 is beyond the end of " + src + " (2048 sectors, 1.0 MiB)", beyond.reason());
        RefusedException tooLong = assertThrows(RefusedException.class,
                () -> p.resolveSource(spec("SOURCE", src + "@1+2048")));
        assertTrue(tooLong.reason().startsWith("the region 1+2048 runs beyond the end of " + src + " (2048 sectors, 1.0 MiB)"),
                tooLong.reason());
        RefusedException empty = assertThrows(RefusedException.class, () -> p.resolveSource(spec("SOURCE", src + "+0")));
        assertTrue(empty.reason().startsWith("the region is empty"), empty.reason());
        Path nothing = image("nothing.img", 0);
        RefusedException zero = assertThrows(RefusedException.class, () -> p.resolveSource(spec("SOURCE", nothing.toString())));
        assertTrue(zero.reason().startsWith("the region is empty"), zero.reason());
        RefusedException missing = assertThrows(RefusedException.class,
                () -> p.resolveSource(spec("SOURCE", dir.resolve("no.img").toString())));
        assertEquals(dir.resolve("no.img") + " does not exist", missing.reason());
    }

    @Test
    void destinationsOnImageFiles() throws Exception {
        Path src = image("src.img", 1024 * 512);
        Path big = image("big.img", 4096 * 512);
        CopyPlanner p = new CopyPlanner(List.of(), NONE);
        CopyPlanner.Plan plan = p.copy(spec("SOURCE", src.toString()), specs(big + "@3072", dir.resolve("new.img") + ""));
        assertEquals(3072, plan.destinations().get(0).start(), "ends exactly at the file's end");
        assertEquals(1024, plan.destinations().get(0).count());
        Endpoint fresh = plan.destinations().get(1);
        assertEquals(Endpoint.Kind.NEW_IMAGE, fresh.kind());
        assertEquals(0, fresh.start());
        assertEquals(1024, fresh.count());
        assertEquals(0, fresh.sizeBytes());
        RefusedException oneMore = refused(p, src.toString(), big + "@3073");
        assertEquals("DEST 1", oneMore.field());
        assertTrue(oneMore.reason().contains("has 4096 sectors, 2.0 MiB but the region 3073+1024 needs 4097 sectors;"
                + " pass --grow"),
                oneMore.reason());
        RefusedException length = refused(p, src.toString(), big + "+1000");
        assertTrue(length.reason().startsWith("LENGTH 1000 differs from the source's 1024 sectors"), length.reason());
        assertEquals(1024, p.copy(spec("SOURCE", src.toString()), specs(big + "+1024")).count(), "an equal LENGTH");
        RefusedException folder = refused(p, src.toString(), dir.resolve("nofolder/x.img").toString());
        assertTrue(folder.reason().contains("folder " + dir.resolve("nofolder") + " does not exist"), folder.reason());
        RefusedException dev = refused(p, src.toString(), "/dev/kclone-no-such-device");
        assertTrue(dev.reason().contains("kclone creates image files, not device nodes"), dev.reason());
        RefusedException none = assertThrows(RefusedException.class, () -> p.copy(spec("SOURCE", src.toString()), List.of()));
        assertEquals("DEST", none.field());
    }

    @Test
    void overlapsOnOneImageAndTheSameFileUnderTwoNames() throws Exception {
        Path img = image("img.img", 8192 * 512);
        Path src = image("src.img", 1024 * 512);
        Path link = Files.createSymbolicLink(dir.resolve("link.img"), img);
        CopyPlanner p = new CopyPlanner(List.of(), NONE);
        // Touching regions are fine: [0,1024) and [1024,2048).
        assertEquals(2, p.copy(spec("SOURCE", src.toString()), specs(img + "@0", img + "@1024")).destinations().size());
        RefusedException overlap = refused(p, src.toString(), img + "@0", img + "@1023");
        assertEquals("DEST 2", overlap.field());
        assertEquals(img + " overlaps DEST 1 (" + img + ")", overlap.reason());
        RefusedException same = refused(p, src.toString(), img + "@8", link + "@8");
        assertEquals("is the same destination as DEST 1 (" + img + ")", same.reason());
        // The source's own file: touching is allowed, one sector into it is not.
        assertEquals(1024, p.copy(spec("SOURCE", img + "@1024+1024"), specs(img + "@0")).count());
        assertEquals(1024, p.copy(spec("SOURCE", img + "@1024+1024"), specs(img + "@2048")).count());
        RefusedException intoSource = refused(p, img + "@1024+1024", link + "@2047");
        assertTrue(intoSource.reason().startsWith(link + " sectors 2047+1024 overlap the source region (" + img
                + " 1024+1024)"), intoSource.reason());
        RefusedException fresh = refused(p, src.toString(), dir.resolve("n.img").toString(), dir.resolve("n.img").toString());
        assertTrue(fresh.reason().startsWith("is the same destination as DEST 1"), fresh.reason());
    }

    @Test
    void zeroAndVerifyPlans() throws Exception {
        Path img = image("img.img", 4096 * 512);
        Path src = image("src.img", 1024 * 512);
        CopyPlanner p = new CopyPlanner(List.of(), NONE);
        CopyPlanner.Plan z = p.zero(specs(img + "@100"));
        assertNull(z.source());
        assertEquals(3996, z.count(), "to the end of the file");
        assertEquals(10, p.zero(specs(img + "@100+10", img + "@200")).destinations().get(1).count(),
                "later regions take the first one's length");
        assertTrue(assertThrows(RefusedException.class, () -> p.zero(specs(img + "@4096"))).reason().contains("empty"));
        assertTrue(assertThrows(RefusedException.class, () -> p.zero(specs(dir.resolve("x.img").toString())))
                .reason().endsWith("does not exist"));
        assertTrue(assertThrows(RefusedException.class, () -> p.zero(specs(img + "@0+10", img + "@5")))
                .reason().contains("overlaps DEST 1"));
        assertEquals("DEST", assertThrows(RefusedException.class, () -> p.zero(List.of())).field());

        CopyPlanner.Plan v = p.verify(spec("SOURCE", src.toString()), specs(img + "@3072"));
        assertEquals(3072, v.destinations().get(0).start());
        assertEquals(1024, v.count());
        assertEquals(1024, p.verify(spec("SOURCE", src.toString()), specs(img + "+1024")).count());
        // a destination that ends before the region does is compared as far as it goes (the rest is a mismatch)
        CopyPlanner.Plan shortOne = p.verify(spec("SOURCE", src.toString()), specs(img + "@3073"));
        assertEquals(3073, shortOne.destinations().get(0).start());
        assertEquals(1024, shortOne.destinations().get(0).count());
        assertTrue(assertThrows(RefusedException.class, () -> p.verify(spec("SOURCE", src.toString()),
                specs(img + "+5"))).reason().startsWith("LENGTH 5 differs"));
        assertTrue(assertThrows(RefusedException.class, () -> p.verify(spec("SOURCE", src.toString()),
                specs(dir.resolve("none.img").toString()))).reason().endsWith("does not exist"));
        assertEquals("DEST", assertThrows(RefusedException.class,
                () -> p.verify(spec("SOURCE", src.toString()), List.of())).field());
    }

    @Test
    void neitherADeviceNorAFileIsRefused() throws Exception {
        Path src = image("src.img", 1024 * 512);
        CopyPlanner p = new CopyPlanner(List.of(), NONE);
        RefusedException e = refused(p, src.toString(), "/dev/null");
        assertEquals("/dev/null is neither a block device nor an image file", e.reason());
        RefusedException folder = refused(p, src.toString(), dir.toString());
        assertTrue(folder.reason().contains("neither a block device nor an image file"), folder.reason());
    }

    // ---- block devices from lsblk data ------------------------------------------------------------

    private static final String[] NODES = {"/dev/loop4", "/dev/loop5", "/dev/loop6", "/dev/loop7"};

    private static void assumeNodes() throws Exception {
        for (String n : NODES) {
            Path p = Path.of(n);
            assumeTrue(Files.exists(p) && !Files.isRegularFile(p)
                    && ((Integer) Files.getAttribute(p, "unix:mode") & 0170000) == 0060000,
                    n + " is not a block device node here; these guards need idle loop nodes to point lsblk data at");
        }
    }

    /** loop4: a 64 MiB disk whose partition loop5 starts at sector 2048; loop6 and loop7 as given. */
    private static List<DeviceInfo> devices(String loop4Mount, String loop6Extra, String loop7Extra) throws Exception {
        String json = "{\"blockdevices\":["
                + "{\"name\":\"loop4\",\"path\":\"/dev/loop4\",\"size\":67108864,\"type\":\"disk\",\"model\":\"M4\","
                + "\"serial\":\"S4\",\"mountpoints\":[null],\"children\":["
                + "{\"name\":\"loop5\",\"path\":\"/dev/loop5\",\"size\":33554432,\"type\":\"part\",\"pkname\":\"loop4\","
                + "\"start\":2048,\"mountpoints\":[" + loop4Mount + "]}]},"
                + "{\"name\":\"loop6\",\"path\":\"/dev/loop6\",\"size\":16777216,\"type\":\"disk\"" + loop6Extra + "},"
                + "{\"name\":\"loop7\",\"path\":\"/dev/loop7\",\"size\":16777216,\"type\":\"disk\"" + loop7Extra + "}"
                + "]}";
        return Lsblk.parse(json, Map.of());
    }

    @Test
    void theSystemDiskOnlyWithBothFlags() throws Exception {
        assumeNodes();
        Path src = image("src.img", 1024 * 512);
        List<DeviceInfo> d = devices("\"/\"", "", "");
        for (String target : List.of("/dev/loop4@40000", "/dev/loop5")) {
            RefusedException e = refused(new CopyPlanner(d, NONE), src.toString(), target);
            assertEquals("/dev/" + target.substring(5, 10) + " is on the system disk /dev/loop4 (it holds /); refused:"
                    + " only --force together with --allow-system-disk writes there", e.reason());
            assertTrue(refused(new CopyPlanner(d, FORCE), src.toString(), target).reason().contains("system disk"));
            assertTrue(refused(new CopyPlanner(d, new CopyPlanner.Options(false, true, false)), src.toString(), target)
                    .reason().contains("system disk"), "--allow-system-disk alone");
            assertEquals(1024, new CopyPlanner(d, FORCE_SYSTEM).copy(spec("SOURCE", src.toString()), specs(target))
                    .count());
        }
        assertEquals(1024, new CopyPlanner(d, NONE).copy(spec("SOURCE", src.toString()), specs("/dev/loop6")).count(),
                "another disk is fine");
    }

    @Test
    void mountedHeldAndReadOnlyDevices() throws Exception {
        assumeNodes();
        Path src = image("src.img", 1024 * 512);
        List<DeviceInfo> d = devices("\"/media/stick\"", ",\"mountpoints\":[\"/mnt/a\"]",
                ",\"children\":[{\"name\":\"md5\",\"type\":\"raid1\",\"pkname\":\"loop7\"}]");
        CopyPlanner p = new CopyPlanner(d, NONE);
        assertEquals("/dev/loop4 is mounted at /media/stick; unmount it first (or --force)",
                refused(p, src.toString(), "/dev/loop4@40000").reason(), "mounted on its partition");
        assertEquals("/dev/loop6 is mounted at /mnt/a; unmount it first (or --force)",
                refused(p, src.toString(), "/dev/loop6").reason());
        assertEquals("/dev/loop7 is in use by md5 (LVM, md or dm); stop that first (or --force)",
                refused(p, src.toString(), "/dev/loop7").reason());
        CopyPlanner forced = new CopyPlanner(d, FORCE);
        assertEquals(3, forced.copy(spec("SOURCE", src.toString()), specs("/dev/loop4@40000", "/dev/loop6", "/dev/loop7"))
                .destinations().size());
        // Mounted or held does not matter for a source, nor for verify (nothing is written).
        assertEquals(2048, p.resolveSource(spec("SOURCE", "/dev/loop6+2048")).count());
        assertEquals(1024, p.verify(spec("SOURCE", src.toString()), specs("/dev/loop6")).count());

        List<DeviceInfo> ro = devices("null", ",\"ro\":true", "");
        RefusedException e = refused(new CopyPlanner(ro, FORCE_SYSTEM), src.toString(), "/dev/loop6");
        assertEquals("/dev/loop6 is read-only (write-protected)", e.reason());
    }

    @Test
    void sizesOnDevicesAndPartitionsAgainstTheirDisk() throws Exception {
        assumeNodes();
        Path src = image("src.img", 1024 * 512);
        CopyPlanner p = new CopyPlanner(devices("null", "", ""), NONE);
        // loop6 has 32768 sectors: a region ending at its end is taken, one sector more is not.
        assertEquals(31744, p.copy(spec("SOURCE", src.toString()), specs("/dev/loop6@31744")).destinations().get(0).start());
        RefusedException over = refused(p, src.toString(), "/dev/loop6@31745");
        assertTrue(over.reason().startsWith("the region 31745+1024 does not fit: /dev/loop6 has 32768 sectors (16.0 MiB),"
                + " the region needs 32769"), over.reason());
        assertEquals("START 32768 is beyond the end of /dev/loop6 (32768 sectors)",
                refused(p, src.toString(), "/dev/loop6@32768").reason());
        // The partition loop5 covers sectors 2048..67584 of loop4.
        assertEquals(2, p.copy(spec("SOURCE", src.toString()), specs("/dev/loop4@1024", "/dev/loop5")).destinations().size(),
                "ends exactly where the partition starts");
        RefusedException across = refused(p, src.toString(), "/dev/loop4@1025", "/dev/loop5");
        assertEquals("DEST 2", across.field());
        // (where this machine really has a /dev/loop4 on a file, the reason goes on to name that file)
        assertTrue(across.reason().equals("/dev/loop5 overlaps DEST 1 (/dev/loop4)")
                || across.reason().startsWith("/dev/loop5 overlaps DEST 1 (/dev/loop4): /dev/loop4 is a loop device on "),
                across.reason());
        RefusedException sameSpot = refused(p, src.toString(), "/dev/loop5@8", "/dev/loop4@2056");
        assertTrue(sameSpot.reason().startsWith("is the same destination as DEST 1"), sameSpot.reason());
        RefusedException fromSource = refused(p, "/dev/loop5@0+1024", "/dev/loop4@3071");
        assertTrue(fromSource.reason().contains("overlap the source region (/dev/loop5 0+1024)"), fromSource.reason());
        assertEquals(1024, p.copy(spec("SOURCE", "/dev/loop5@0+1024"), specs("/dev/loop4@3072")).count());
        RefusedException unlisted = refused(new CopyPlanner(List.of(), NONE), src.toString(), "/dev/loop6");
        assertTrue(unlisted.reason().contains("is a block device lsblk does not list"), unlisted.reason());
    }

    @Test
    void fourKilobyteSectorsNeedAlignedRegions() throws Exception {
        assumeNodes();
        Path src = image("src.img", 1024 * 512);
        CopyPlanner p = new CopyPlanner(devices("null", ",\"log-sec\":4096", ""), NONE);
        assertEquals(8, p.copy(spec("SOURCE", src.toString()), specs("/dev/loop6@8")).destinations().get(0).start());
        assertEquals(4096, p.copy(spec("SOURCE", src.toString()), specs("/dev/loop6@8")).destinations().get(0)
                .logicalSectorSize());
        RefusedException start = refused(p, src.toString(), "/dev/loop6@4");
        assertEquals("/dev/loop6 has 4096-byte logical sectors: START and LENGTH must be multiples of 8 sectors"
                + " (got 4+1024)", start.reason());
        Path odd = image("odd.img", 1020 * 512);
        RefusedException oddLength = refused(p, odd.toString(), "/dev/loop6");
        assertTrue(oddLength.reason().contains("the source region is " + 1020 * 512 + " bytes, not whole 4096-byte"
                + " sectors"), oddLength.reason());
        RefusedException source = assertThrows(RefusedException.class, () -> p.resolveSource(spec("SOURCE", "/dev/loop6@1")));
        assertTrue(source.reason().contains("multiples of 8 sectors"), source.reason());
    }
}
