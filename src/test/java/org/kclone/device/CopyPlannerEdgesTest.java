package org.kclone.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.testing.BlockNodes;

/**
 * The planner's refusals at their edges, without root: the exact wording for regions past the
 * largest offset (also for a RegionSpec a caller builds itself, as the window does), for START
 * beyond the end of an empty or odd-size file, a read-only image file, zeroing an odd-size
 * image up to its end, and a block device that lsblk lists under another path.
 */
class CopyPlannerEdgesTest {

    private static final long MAX = Long.MAX_VALUE / 512;
    private static final String LIMIT = " ends past the largest offset a file or device can have (" + MAX
            + " sectors, 8 EiB)";

    @TempDir
    Path dir;

    private final CopyPlanner plain = new CopyPlanner(List.of(), CopyPlanner.Options.NONE);
    private final CopyPlanner grow = new CopyPlanner(List.of(), new CopyPlanner.Options(false, false, true));

    private Path image(String name, int bytes) throws Exception {
        return Files.write(dir.resolve(name), new byte[bytes]);
    }

    private static RegionSpec direct(String field, Path p, Long start, Long length) {
        return new RegionSpec(field, p.toString(), p.toString(), start, length);
    }

    private static void refused(String field, String reason, Executable e) {
        RefusedException r = assertThrows(RefusedException.class, e);
        assertEquals(field, r.field(), r.getMessage());
        assertEquals(reason, r.reason());
    }

    @Test
    void aStartPastTheLargestOffsetHandedInDirectlyIsRefusedNamingStartAlone() throws Exception {
        Path src = image("src.img", 1024);
        Path dst = image("dst.img", 4096);
        // RegionSpec.parse caps START at MAX; a caller that builds its own RegionSpec is held to the same limit.
        refused("SOURCE", "START " + (MAX + 1) + LIMIT, () -> plain.resolveSource(direct("SOURCE", src, MAX + 1, null)));
        refused("DEST 1", "START " + (MAX + 1) + LIMIT, () -> grow.copy(RegionSpec.parse("SOURCE", src.toString()),
                List.of(direct("DEST 1", dst, MAX + 1, null))));
        refused("DEST 1", "START " + (MAX + 1) + LIMIT, () -> grow.zero(List.of(direct("DEST 1", dst, MAX + 1, null))));
    }

    @Test
    void aLengthPastTheLargestOffsetOrANegativeOneIsRefusedNamingLength() throws Exception {
        Path src = image("src.img", 1024);
        Path dst = image("dst.img", 4096);
        refused("DEST 1", "LENGTH " + Long.MAX_VALUE + " from sector 0" + LIMIT,
                () -> grow.zero(List.of(direct("DEST 1", dst, null, Long.MAX_VALUE))));
        refused("SOURCE", "START 1 + LENGTH " + MAX + LIMIT,
                () -> plain.resolveSource(RegionSpec.parse("SOURCE", src + "@1+" + MAX)));
        refused("SOURCE", "LENGTH -5 is negative", () -> plain.resolveSource(direct("SOURCE", src, null, -5L)));
    }

    @Test
    void aStartBeyondTheEndNamesTheFilesSizeInSectorsAndOddBytes() throws Exception {
        Path empty = image("empty.img", 0);
        refused("SOURCE", "START 5 is beyond the end of " + empty + " (0 sectors, 0 B)",
                () -> plain.resolveSource(RegionSpec.parse("SOURCE", empty + "@5")));
        // a partial last sector counts as a sector: 1000 bytes are sectors 0 and 1
        Path odd = image("odd.img", 1000);
        assertEquals(1000 - 512, plain.resolveSource(RegionSpec.parse("SOURCE", odd + "@1")).byteLength());
        refused("SOURCE", "START 2 is beyond the end of " + odd + " (1000 bytes: 1 sector and 488 bytes)",
                () -> plain.resolveSource(RegionSpec.parse("SOURCE", odd + "@2")));
        Path odder = image("odder.img", 1500);
        refused("SOURCE", "START 3 is beyond the end of " + odder + " (1500 bytes: 2 sectors and 476 bytes)",
                () -> plain.resolveSource(RegionSpec.parse("SOURCE", odder + "@3")));
        refused("DEST 1", "START 4 is beyond the end of " + odder + " (1500 bytes: 2 sectors and 476 bytes)",
                () -> plain.zero(List.of(RegionSpec.parse("DEST 1", odder + "@4"))));
        Path whole = image("whole.img", 4096 * 512);
        refused("DEST 1", "START 4097 is beyond the end of " + whole + " (4096 sectors, 2.0 MiB)",
                () -> plain.zero(List.of(RegionSpec.parse("DEST 1", whole + "@4097"))));
        refused("DEST 1", "the region is empty (zero length)",
                () -> plain.zero(List.of(RegionSpec.parse("DEST 1", whole + "@4096"))));
    }

    @Test
    void zeroingAnOddSizeImageToItsEndFromAStartZeroesItsLastBytesWithoutExtendingIt() throws Exception {
        Path odd = image("odd.img", 5000); // 9 whole sectors and 392 bytes: 10 sectors
        Endpoint rest = plain.zero(List.of(RegionSpec.parse("DEST 1", odd + "@4"))).destinations().get(0);
        assertEquals(6, rest.count());
        assertEquals(5000 - 4 * 512, rest.byteLength());
        assertEquals(5000, rest.endByte(), "ends at the file's end, not past it");
        Endpoint toEnd = plain.zero(List.of(RegionSpec.parse("DEST 1", odd + "@4+6"))).destinations().get(0);
        assertEquals(5000, toEnd.endByte(), "a LENGTH that reaches the end likewise");
        Endpoint inside = plain.zero(List.of(RegionSpec.parse("DEST 1", odd + "@4+5"))).destinations().get(0);
        assertEquals(5 * 512, inside.byteLength(), "short of the end: whole sectors");
        // a second destination gets exactly the first one's bytes
        Path other = image("other.img", 8192);
        CopyPlanner.Plan two = plain.zero(List.of(RegionSpec.parse("DEST 1", odd + "@4"),
                RegionSpec.parse("DEST 2", other.toString())));
        assertEquals(5000 - 4 * 512, two.destinations().get(1).byteLength());
        assertEquals(6, two.destinations().get(1).count());
    }

    @Test
    void aReadOnlyImageFileIsRefusedAsADestination() throws Exception {
        Path src = image("src.img", 1024);
        Path ro = image("ro.img", 4096);
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r--r--r--"));
        if (Files.isWritable(ro)) {
            // root may write a file of any mode; a file procfs gives mode 0444 is read-only for root too
            ro = Path.of("/proc/sys/kernel/osrelease");
            assumeTrue(Files.isRegularFile(ro), "needs a file this user cannot write; root can write " + dir);
        }
        assumeFalse(Files.isWritable(ro), "needs a file this user cannot write");
        Path target = ro;
        // --grow, so that the size check (an empty procfs file) does not refuse it first
        refused("DEST 1", target + " is read-only", () -> grow.copy(RegionSpec.parse("SOURCE", src.toString()),
                List.of(RegionSpec.parse("DEST 1", target.toString()))));
        // the same copy to a writable image is planned
        Path writable = image("w.img", 4096);
        assertEquals(2, grow.copy(RegionSpec.parse("SOURCE", src.toString()),
                List.of(RegionSpec.parse("DEST 1", writable.toString()))).count());
    }

    @Test
    void aBlockDeviceListedUnderAnotherPathIsFoundByItsKernelName() throws Exception {
        Path node = BlockNodes.some(1).get(0);
        String name = node.getFileName().toString();
        DeviceInfo listed = new DeviceInfo(name, "/dev/disk/by-kclone-test/" + name, null, 8 << 20, "disk", "Model",
                "SER1", "usb", false, false, 512, 512, 0, null, List.of(), null, null, List.of(), false, List.of());
        Path src = image("src.img", 4096);
        CopyPlanner p = new CopyPlanner(List.of(listed), CopyPlanner.Options.NONE);
        CopyPlanner.Plan plan = p.copy(RegionSpec.parse("SOURCE", src.toString()),
                List.of(RegionSpec.parse("DEST 1", node + "@8")));
        assertSame(listed, plan.destinations().get(0).device());
        assertEquals(Endpoint.Kind.BLOCK, plan.destinations().get(0).kind());
    }

    @Test
    void anOddSourceToAFourKnDeviceAtAnAlignedStartNamesTheSourceSize() throws Exception {
        Path node = BlockNodes.some(1).get(0);
        DeviceInfo disk = new DeviceInfo(node.getFileName().toString(), node.toString(), null, 8 << 20, "disk", null,
                null, null, false, false, 4096, 4096, 0, null, List.of(), null, null, List.of(), false, List.of());
        CopyPlanner p = new CopyPlanner(List.of(disk), CopyPlanner.Options.NONE);
        Path src = image("s1000.img", 1000);
        RefusedException r = assertThrows(RefusedException.class, () -> p.copy(RegionSpec.parse("SOURCE",
                src.toString()), List.of(RegionSpec.parse("DEST 1", node + "@8"))));
        assertEquals(node + " has 4096-byte logical sectors, but the source region is 1000 bytes, not whole 4096-byte"
                + " sectors: copy to an image file or to a device with 512-byte sectors, or copy a source region of"
                + " whole 4096-byte sectors (START and LENGTH multiples of 8 sectors)", r.reason());
        // the odd length is the source's only in a copy: a LENGTH the person typed (for a zero, for the source
        // itself) is named as START and LENGTH, not as "the source region" with advice to copy elsewhere
        refused("DEST 1", node + " has 4096-byte logical sectors: START and LENGTH must be multiples of 8 sectors"
                + " (got 8+3)", () -> p.zero(List.of(RegionSpec.parse("DEST 1", node + "@8+3"))));
        refused("SOURCE", node + " has 4096-byte logical sectors: START and LENGTH must be multiples of 8 sectors"
                + " (got 8+3)", () -> p.resolveSource(RegionSpec.parse("SOURCE", node + "@8+3")));
        // an unaligned START is the person's to change: named as START and LENGTH
        refused("DEST 1", node + " has 4096-byte logical sectors: START and LENGTH must be multiples of 8 sectors"
                + " (got 9+2)", () -> p.copy(RegionSpec.parse("SOURCE", src.toString()),
                        List.of(RegionSpec.parse("DEST 1", node + "@9"))));
    }
}
