package org.kclone.device.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.kclone.device.DeviceInfo;

/** The poller keeps listing after a listing or its sink failed, and tells each failure. */
class HotplugPollerTest {

    @Test
    void aFailingListingOrSinkIsToldAndPollingGoesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        LinkedBlockingQueue<String> told = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Integer> seen = new LinkedBlockingQueue<>();
        try (HotplugPoller p = new HotplugPoller(() -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                throw new java.io.IOException("lsblk failed");
            }
            return List.<DeviceInfo>of();
        }, 5, roots -> {
            int n = calls.get();
            seen.add(n);
            if (n == 2) {
                throw new IllegalStateException("sink broke");
            }
        }, e -> told.add(e.getMessage()))) {
            assertEquals("lsblk failed", told.poll(30, TimeUnit.SECONDS));
            assertEquals("sink broke", told.poll(30, TimeUnit.SECONDS));
            assertEquals(2, seen.poll(30, TimeUnit.SECONDS));
            Integer third = seen.poll(30, TimeUnit.SECONDS);
            assertTrue(third != null && third >= 3, "listed again after the sink threw: " + third);
        }
    }
}
