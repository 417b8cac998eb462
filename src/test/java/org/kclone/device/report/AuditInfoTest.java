package org.kclone.device.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.CopyPlanner;
import org.kclone.device.DeviceInfo;
import org.kclone.device.Endpoint;
import org.kclone.device.LoopBacking;
import org.kclone.device.Report;

/** The audit facts taken from a plan and a report, without any device. */
class AuditInfoTest {

    @TempDir
    Path dir;

    private static DeviceInfo disk(String name, String model, String serial, long size) {
        return new DeviceInfo(name, "/dev/" + name, null, size, "disk", model, serial, "usb", true, false,
                512, 512, 0, null, List.of(), null, null, List.of(), false, List.of());
    }

    @Test
    void factsComeFromThePlanAndVerifiedFromTheStatuses() throws Exception {
        Path img = dir.resolve("src.img");
        Files.write(img, new byte[4096]);
        Endpoint src = new Endpoint("SOURCE", img, Endpoint.Kind.IMAGE, null, 0, 8, 4096, 512);
        List<Endpoint> dests = List.of(
                new Endpoint("DEST 1", Path.of("/dev/sdc"), Endpoint.Kind.BLOCK, disk("sdc", " Cruzer  ", "SER1", 8L << 30),
                        0, 8, 8L << 30, 512),
                new Endpoint("DEST 2", Path.of("/dev/sdd"), Endpoint.Kind.BLOCK, disk("sdd", null, " ", 16L << 30),
                        0, 8, 16L << 30, 512),
                new Endpoint("DEST 3", Path.of("/dev/sde"), Endpoint.Kind.BLOCK, disk("sde", "M", "S3", 4L << 30),
                        0, 8, 4L << 30, 512));
        CopyPlanner.Plan plan = new CopyPlanner.Plan(src, dests, Map.of(), (LoopBacking) null);
        Report r = new Report("copy", Report.Region.of(src), 4096, 1, false, List.of(), List.of(
                new Report.Destination("/dev/sdc", 0, 8, "ok", null, List.of()),
                new Report.Destination("/dev/sdd", 0, 8, "mismatch", null, List.of(new Report.Mismatch(1, 1, 1))),
                new Report.Destination("/dev/sde", 0, 8, "unverified", "stopped", List.of())));
        Map<String, Object> options = AuditInfo.newOptions();
        options.put("verify", true);
        options.put("limit", null);
        Instant t0 = Instant.parse("2026-12-05T21:00:00.700Z");
        AuditInfo a = AuditInfo.of(plan, r, true, t0, t0.plusSeconds(65), options);
        assertEquals(new DeviceFacts(img.toString(), "image", null, null, 4096, null), a.sourceDevice());
        assertEquals(new DeviceFacts("/dev/sdc", "device", "Cruzer", "SER1", 8L << 30, true), a.destinationDevices().get(0),
                "model trimmed");
        assertEquals(new DeviceFacts("/dev/sdd", "device", null, null, 16L << 30, true), a.destinationDevices().get(1),
                "a blank serial is none; a mismatch was compared to its end");
        assertFalse(a.destinationDevices().get(2).verified(), "unverified was not compared to its end");
        assertEquals(Instant.parse("2026-12-05T21:00:00Z"), OffsetDateTime.parse(a.startedAt()).toInstant(),
                "to the second");
        assertEquals(Instant.parse("2026-12-05T21:01:05Z"), OffsetDateTime.parse(a.endedAt()).toInstant());
        assertEquals(List.of("verify", "limit"), List.copyOf(a.options().keySet()), "in the order given");
        assertNotEquals("", a.host());
        assertNotEquals("", a.kcloneVersion());

        AuditInfo noVerify = AuditInfo.of(plan, r, false, t0, t0, Map.of());
        assertTrue(noVerify.destinationDevices().stream().noneMatch(DeviceFacts::verified),
                "nothing is verified when no read-back was asked for");
    }

    @Test
    void aZeroHasNoSourceFacts() {
        Endpoint d = new Endpoint("DEST 1", Path.of("/dev/sdc"), Endpoint.Kind.BLOCK, disk("sdc", "M", "S", 1 << 20),
                0, 8, 1 << 20, 512);
        AuditInfo a = AuditInfo.of(new CopyPlanner.Plan(null, List.of(d), Map.of(), (LoopBacking) null),
                new Report("zero", null, 4096, 0, false, List.of(),
                        List.of(new Report.Destination("/dev/sdc", 0, 8, "ok", null, List.of()))),
                false, Instant.EPOCH, Instant.EPOCH, Map.of());
        assertNull(a.sourceDevice());
        assertEquals(1, a.destinationDevices().size());
    }

    @Test
    void timesCarryTheZone() {
        String t = AuditInfo.time(Instant.parse("2026-12-05T21:57:12.345Z"));
        assertTrue(t.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)"), t);
        assertEquals(Instant.parse("2026-12-05T21:57:12Z"), OffsetDateTime.parse(t).toInstant());
    }
}
