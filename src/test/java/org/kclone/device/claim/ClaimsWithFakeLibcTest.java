package org.kclone.device.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;
import org.kclone.device.LoopBacking;
import org.kclone.device.RefusedException;

/**
 * What {@link Claims} does with each answer of the kernel, without root: libc is a scripted fake
 * behind a real {@link NativeLocks}, the block devices are made-up lsblk data (never opened), and
 * no loop device lies under them (an empty sysfs folder).
 */
class ClaimsWithFakeLibcTest {

    private static final int EXCL_FLAGS = NativeLocks.O_RDONLY | NativeLocks.O_EXCL | NativeLocks.O_CLOEXEC;
    private static final int LOCK_FLAGS = NativeLocks.O_RDONLY | NativeLocks.O_CLOEXEC;

    @TempDir
    Path dir;

    private FakeLibc libc;
    private NativeLocks nat;
    private LoopBacking noLoops;

    /** An errno as JNA reports it: "[errno] text". */
    static LastErrorException errno(int code, String text) {
        return new LastErrorException("[" + code + "] " + text);
    }

    /** libc that records its calls and fails where a test scripted it to. */
    static final class FakeLibc implements NativeLocks.LibC {
        final List<String> calls = new ArrayList<>();
        final Map<String, LastErrorException> openFails = new HashMap<>();
        final Map<Integer, LastErrorException> flockFails = new HashMap<>();
        final Map<Integer, String> fdPaths = new HashMap<>();
        int nextFd = 100;

        @Override
        public int open(String path, int flags) {
            String key = ((flags & NativeLocks.O_EXCL) != 0 ? "excl " : "lock ") + path;
            calls.add("open " + key + " " + Integer.toOctalString(flags));
            LastErrorException f = openFails.get(key);
            if (f != null) {
                throw f;
            }
            fdPaths.put(nextFd, path);
            return nextFd++;
        }

        @Override
        public int flock(int fd, int operation) {
            calls.add("flock " + fd + " " + operation);
            LastErrorException f = flockFails.get(fd);
            if (f != null) {
                throw f;
            }
            return 0;
        }

        @Override
        public int close(int fd) {
            calls.add("close " + fd);
            if (fd == 999) {
                throw errno(9, "Bad file descriptor");
            }
            return 0;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        libc = new FakeLibc();
        nat = new NativeLocks(libc);
        noLoops = new LoopBacking(Files.createDirectories(dir.resolve("sys-block")));
    }

    private static DeviceInfo disk(String name, List<String> mounts, List<String> holders) {
        return new DeviceInfo(name, "/dev/" + name, null, 8L << 20, "disk", "Model", "SER1", "usb", true, false, 512,
                512, 0, null, mounts, null, null, holders, false, List.of());
    }

    private static Endpoint block(String field, DeviceInfo d) {
        return new Endpoint(field, Path.of(d.path()), Endpoint.Kind.BLOCK, d, 0, 16, d.size(), 512);
    }

    /** A plan of these destinations and no source (as {@code zero} has): the source's claim is tested below. */
    private CopyPlanner.Plan plan(Endpoint... dests) throws Exception {
        return new CopyPlanner.Plan(null, List.of(dests), Map.of());
    }

    private CopyPlanner.Plan withSource(Endpoint source, Endpoint... dests) {
        return new CopyPlanner.Plan(source, List.of(dests), Map.of());
    }

    private Endpoint imageSource() throws IOException {
        Path src = Files.write(dir.resolve("src.img"), new byte[16 * 512]);
        return new Endpoint("SOURCE", src, Endpoint.Kind.IMAGE, null, 0, 16, 16 * 512, 512);
    }

    private static final int SHARED = NativeLocks.LOCK_SH | NativeLocks.LOCK_NB;

    @Test
    void anImageSourceGetsASharedFlockAfterTheDestinations() throws Exception {
        Endpoint src = imageSource();
        Claims c = Claims.take(withSource(src, block("DEST 1", disk("sdz", List.of(), List.of()))), nat, noLoops, dir);
        assertEquals(List.of("open excl /dev/sdz " + Integer.toOctalString(EXCL_FLAGS),
                "open lock /dev/sdz " + Integer.toOctalString(LOCK_FLAGS),
                "flock 101 " + (NativeLocks.LOCK_EX | NativeLocks.LOCK_NB),
                "open lock " + src.path() + " " + Integer.toOctalString(LOCK_FLAGS), "flock 102 " + SHARED),
                libc.calls);
        libc.calls.clear();
        c.close();
        assertEquals(List.of("close 100", "close 101", "close 102"), libc.calls);
    }

    @Test
    void aBlockSourceLocksItsWholeDiskSharedUnlessTheRunWritesThatDiskItself() throws Exception {
        DeviceInfo sdz = disk("sdz", List.of(), List.of());
        Endpoint dst = new Endpoint("DEST 1", Files.write(dir.resolve("d.img"), new byte[16 * 512]),
                Endpoint.Kind.IMAGE, null, 0, 16, 16 * 512, 512);
        Claims c = Claims.take(withSource(block("SOURCE", sdz), dst), nat, noLoops, dir);
        assertEquals(List.of("open lock " + dst.path() + " " + Integer.toOctalString(LOCK_FLAGS), "flock 100 6",
                "open lock /dev/sdz " + Integer.toOctalString(LOCK_FLAGS), "flock 101 " + SHARED), libc.calls);
        c.close();
        libc.calls.clear();
        Endpoint source = new Endpoint("SOURCE", Path.of("/dev/sdz"), Endpoint.Kind.BLOCK, sdz, 0, 16, sdz.size(), 512);
        Endpoint dest = new Endpoint("DEST 1", Path.of("/dev/sdz"), Endpoint.Kind.BLOCK, sdz, 1024, 16, sdz.size(), 512);
        Claims.take(withSource(source, dest), nat, noLoops, dir).close();
        assertEquals(0, libc.calls.stream().filter(s -> s.endsWith(" " + SHARED)).count(),
                "the disk this run writes is already its own: " + libc.calls);
    }

    @Test
    void aSourceAnotherRunWritesIsRefusedAsBeingWrittenAndAFailedLockNamesReading() throws Exception {
        Endpoint src = imageSource();
        libc.flockFails.put(100, errno(NativeLocks.EWOULDBLOCK, "Resource temporarily unavailable"));
        RefusedException e = assertThrows(RefusedException.class, () -> Claims.take(withSource(src), nat, noLoops, dir));
        assertEquals("SOURCE", e.field());
        assertEquals(src.path() + " is being written by another program (another kclone, on it or on a loop device"
                + " over it?); a copy of it now would not be a copy of anything; nothing was written", e.reason());
        assertTrue(libc.calls.contains("close 100"), "released: " + libc.calls);
        libc.flockFails.put(101, errno(5, "Input/output error"));
        assertEquals("cannot claim " + src.path() + " for reading: Input/output error; nothing was written",
                assertThrows(RefusedException.class, () -> Claims.take(withSource(src), nat, noLoops, dir)).reason());
    }

    private Claims take(Endpoint... dests) throws Exception {
        return Claims.take(plan(dests), nat, noLoops, dir);
    }

    private RefusedException refused(Endpoint... dests) throws Exception {
        CopyPlanner.Plan p = plan(dests);
        return assertThrows(RefusedException.class, () -> Claims.take(p, nat, noLoops, dir));
    }

    @Test
    void aFreeDiskIsOpenedExclusivelyAndLockedAndBothAreReleasedOnClose() throws Exception {
        Claims c = take(block("DEST 1", disk("sdz", List.of(), List.of())));
        assertEquals(List.of("open excl /dev/sdz " + Integer.toOctalString(EXCL_FLAGS),
                "open lock /dev/sdz " + Integer.toOctalString(LOCK_FLAGS),
                "flock 101 " + (NativeLocks.LOCK_EX | NativeLocks.LOCK_NB)), libc.calls);
        libc.calls.clear();
        c.close();
        assertEquals(List.of("close 100", "close 101"), libc.calls);
        libc.calls.clear();
        c.close();
        assertTrue(libc.calls.isEmpty(), "a second close closes nothing again: " + libc.calls);
    }

    @Test
    void twoDestinationsOnOneDiskTakeOneDiskLock() throws Exception {
        DeviceInfo d = disk("sdz", List.of(), List.of());
        Claims c = take(block("DEST 1", d), block("DEST 2", d));
        assertEquals(2, libc.calls.stream().filter(s -> s.startsWith("open excl")).count(), libc.calls.toString());
        assertEquals(1, libc.calls.stream().filter(s -> s.startsWith("open lock")).count(), libc.calls.toString());
        assertEquals(1, libc.calls.stream().filter(s -> s.startsWith("flock")).count(), libc.calls.toString());
        c.close();
    }

    @Test
    void busyWhileLsblkSawItFreeIsRefusedAsInUse() throws Exception {
        libc.openFails.put("excl /dev/sdz", errno(NativeLocks.EBUSY, "Device or resource busy"));
        RefusedException e = refused(block("DEST 1", disk("sdz", List.of(), List.of())));
        assertEquals("DEST 1", e.field());
        assertEquals("/dev/sdz is in use by another program (another kclone? or mounted or held since the check);"
                + " nothing was written", e.reason());
        assertFalse(libc.calls.stream().anyMatch(s -> s.startsWith("open lock")), "no disk lock after the refusal");
    }

    @Test
    void busyWhenMountedWithForceSkipsTheExclusiveOpenButStillLocksTheDisk() throws Exception {
        Claims c = take(block("DEST 1", disk("sdz", List.of("/mnt"), List.of())));
        c.close();
        libc.calls.clear();
        libc.nextFd = 100;
        libc.openFails.put("excl /dev/sdz", errno(NativeLocks.EBUSY, "Device or resource busy"));
        c = take(block("DEST 1", disk("sdz", List.of("/mnt"), List.of())));
        assertEquals(List.of("open excl /dev/sdz " + Integer.toOctalString(EXCL_FLAGS),
                "open lock /dev/sdz " + Integer.toOctalString(LOCK_FLAGS), "flock 100 6"), libc.calls);
        libc.calls.clear();
        c.close();
        assertEquals(List.of("close 100"), libc.calls, "only the disk lock's descriptor was held");

        libc.calls.clear();
        Claims held = take(block("DEST 1", disk("sdz", List.of(), List.of("dm-0"))));
        assertTrue(libc.calls.contains("flock 101 6"), libc.calls.toString());
        held.close();
    }

    @Test
    void permissionDeniedNamesTheDeviceAndTheRemedy() throws Exception {
        libc.openFails.put("excl /dev/sdz", errno(NativeLocks.EACCES, "Permission denied"));
        RefusedException e = refused(block("DEST 1", disk("sdz", List.of(), List.of())));
        assertEquals("permission denied opening /dev/sdz; run kclone as root (sudo) or join the disk group",
                e.reason());
        libc.openFails.put("excl /dev/sdz", errno(NativeLocks.EPERM, "Operation not permitted"));
        assertEquals(e.reason(), refused(block("DEST 1", disk("sdz", List.of(), List.of()))).reason());
        // also when mounted: only EBUSY is excused by --force
        assertEquals(e.reason(), refused(block("DEST 1", disk("sdz", List.of("/mnt"), List.of()))).reason());
    }

    @Test
    void anotherErrnoIsRefusedWithTheSystemsWords() throws Exception {
        libc.openFails.put("excl /dev/sdz", errno(6, "No such device or address"));
        RefusedException e = refused(block("DEST 2", disk("sdz", List.of(), List.of())));
        assertEquals("DEST 2", e.field());
        assertEquals("cannot claim /dev/sdz for writing: No such device or address; nothing was written",
                e.reason());
    }

    @Test
    void aDiskLockedByAnotherClaimIsRefusedAndWhatWasTakenIsReleased() throws Exception {
        libc.flockFails.put(101, errno(NativeLocks.EWOULDBLOCK, "Resource temporarily unavailable"));
        RefusedException e = refused(block("DEST 1", disk("sdz", List.of(), List.of())));
        assertEquals("/dev/sdz is in use by another program (another kclone?); nothing was written", e.reason());
        assertTrue(libc.calls.containsAll(List.of("close 100", "close 101")), "released: " + libc.calls);
    }

    @Test
    void theSecondDestinationRefusedReleasesTheFirstsClaims() throws Exception {
        libc.openFails.put("excl /dev/sdy", errno(NativeLocks.EBUSY, "Device or resource busy"));
        RefusedException e = refused(block("DEST 1", disk("sdz", List.of(), List.of())),
                block("DEST 2", disk("sdy", List.of(), List.of())));
        assertEquals("DEST 2", e.field());
        int last = libc.calls.size();
        assertEquals(List.of("close 100", "close 101"), libc.calls.subList(last - 2, last));
    }

    @Test
    void failuresOpeningOrLockingTheDiskNameTheDisk() throws Exception {
        libc.openFails.put("lock /dev/sdz", errno(5, "Input/output error"));
        assertEquals("cannot claim /dev/sdz for writing: Input/output error; nothing was written",
                refused(block("DEST 1", disk("sdz", List.of(), List.of()))).reason());
        libc.openFails.clear();
        libc.nextFd = 100;
        libc.flockFails.put(101, errno(NativeLocks.EACCES, "Permission denied"));
        assertEquals("permission denied opening /dev/sdz; run kclone as root (sudo) or join the disk group",
                refused(block("DEST 1", disk("sdz", List.of(), List.of()))).reason());
    }

    @Test
    void anImageFileGetsAFileLockAndAFlockAndAFlockHeldElsewhereRefuses() throws Exception {
        Path img = Files.write(dir.resolve("dst.img"), new byte[16 * 512]);
        Endpoint e = new Endpoint("DEST 1", img, Endpoint.Kind.IMAGE, null, 0, 16, 16 * 512, 512);
        Claims c = take(e);
        assertEquals(List.of("open lock " + img + " " + Integer.toOctalString(LOCK_FLAGS), "flock 100 6"),
                libc.calls);
        c.close();
        assertEquals("close 100", libc.calls.get(libc.calls.size() - 1));

        libc.calls.clear();
        libc.flockFails.put(101, errno(NativeLocks.EWOULDBLOCK, "Resource temporarily unavailable"));
        RefusedException r = refused(e);
        assertEquals(img + " is in use by another program (another kclone, on it or on a loop device over it?);"
                + " nothing was written", r.reason());
        // the Java file lock was released with the refusal: a claim without JNA now succeeds
        Claims.take(plan(e), null, noLoops, dir).close();
    }

    @Test
    void aNewImageIsClaimedOnlyWhenCreated() throws Exception {
        Path img = dir.resolve("new.img");
        Endpoint e = new Endpoint("DEST 1", img, Endpoint.Kind.NEW_IMAGE, null, 0, 16, 0, 512);
        Claims c = take(e);
        assertTrue(libc.calls.isEmpty(), libc.calls.toString());
        Files.write(img, new byte[512]);
        c.claimNewImage(e);
        assertEquals(List.of("open lock " + img + " " + Integer.toOctalString(LOCK_FLAGS), "flock 100 6"),
                libc.calls);
        c.claimNewImage(e);
        assertEquals(2, libc.calls.size(), "the same file twice is one claim");
        c.close();
    }

    @Test
    void degradedIsNullForImagesOnlyAndFollowsJnaForBlockDevices() throws Exception {
        Path img = Files.write(dir.resolve("d.img"), new byte[512]);
        assertNull(Claims.degraded(plan(new Endpoint("DEST 1", img, Endpoint.Kind.IMAGE, null, 0, 1, 512, 512))));
        String why = NativeLocks.unavailableReason();
        String d = Claims.degraded(plan(block("DEST 1", disk("sdz", List.of(), List.of()))));
        if (why == null) {
            assertNull(d);
        } else {
            assertEquals("destinations cannot be opened exclusively here: " + why + "; another kclone is still kept"
                    + " away by a file lock, but a file system mounted meanwhile is not", d);
        }
    }

    @Test
    void nativeLocksTurnsJnaErrorsIntoFailures() throws Exception {
        libc.openFails.put("lock /x", errno(2, "No such file or directory"));
        NativeLocks.Failure f = assertThrows(NativeLocks.Failure.class, () -> nat.openForLock(Path.of("/x")));
        assertEquals(2, f.errno());
        assertEquals("No such file or directory", f.getMessage());
        libc.openFails.put("lock /y", new LastErrorException(7));
        NativeLocks.Failure plain = assertThrows(NativeLocks.Failure.class, () -> nat.openForLock(Path.of("/y")));
        assertEquals(7, plain.errno());
        assertFalse(plain.getMessage().startsWith("["), plain.getMessage());

        libc.flockFails.put(5, errno(NativeLocks.EWOULDBLOCK, "Resource temporarily unavailable"));
        assertFalse(nat.tryLockExclusive(5), "EWOULDBLOCK: held by another");
        assertTrue(nat.tryLockExclusive(6));
        libc.flockFails.put(7, errno(NativeLocks.EBUSY, "Device or resource busy"));
        assertEquals(NativeLocks.EBUSY,
                assertThrows(NativeLocks.Failure.class, () -> nat.tryLockExclusive(7)).errno());
        nat.close(999); // a failing close is swallowed
        assertEquals("close 999", libc.calls.get(libc.calls.size() - 1));
    }
}
