package org.kclone.cli;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import org.kclone.device.RefusedException;
import org.kclone.device.Sizes;
import org.kclone.engine.KcopydClient;
import org.kclone.engine.KcopydConfig;

/**
 * The page budget ({@code --pages}) against what the job can use and what the machine can give.
 * A job holds at most {@code maxChunksInFlight} chunks, so pages beyond that many chunks would
 * only be allocated and never used: the budget is capped there. The engine allocates the whole
 * budget as direct memory when it starts; a budget beyond the JVM's direct-memory limit (or the
 * machine's memory) is refused before anything is opened, instead of dying with an
 * {@code OutOfMemoryError} half-way.
 */
final class PageBudget {

    /** Direct memory left for verification's read-back windows and the JDK's own I/O buffers. */
    static final long RESERVE = 16L << 20;

    /** What this JVM and machine allow: the direct-memory limit, what is used of it, physical memory. */
    record Machine(long directLimit, long directUsed, long physical) {
        static Machine current() {
            return new Machine(PageBudget.directLimit(), PageBudget.directUsed(), PageBudget.physicalMemory());
        }
    }

    private PageBudget() {
    }

    /** Pages the job can use at most: chunks in flight times pages per chunk. */
    static int usable(KcopydConfig config) {
        return config.maxChunksInFlight() * config.pagesPerChunk();
    }

    /** Bytes of direct memory the engine takes for a budget: the pages with alignment slack, and a zero chunk. */
    static long directBytes(int pages, KcopydConfig config) {
        long buffers = pages / config.pagesPerChunk();
        return buffers * (config.chunkBytes() + (long) KcopydClient.PAGE_SIZE)
                + config.chunkBytes() + KcopydClient.PAGE_SIZE;
    }

    /**
     * Refuses a budget the machine cannot give, naming {@code --pages}: what it needs, what there
     * is, and the way out.
     */
    static void check(int pages, KcopydConfig config, Machine machine) throws RefusedException {
        long need = directBytes(pages, config);
        long available = machine.directLimit() - machine.directUsed() - RESERVE;
        if (need > available) {
            throw new RefusedException("--pages", pages + " pages (" + Sizes.human(pages * 4096L) + ") need "
                    + Sizes.human(need) + " of direct memory, but this Java allows "
                    + Sizes.human(machine.directLimit()) + " (-XX:MaxDirectMemorySize, by default its maximum heap),"
                    + " less " + Sizes.human(RESERVE) + " kept for verification"
                    + (machine.directUsed() > 0 ? " and " + Sizes.human(machine.directUsed()) + " in use" : "")
                    + "; give fewer pages (--pages) or a smaller chunk (--chunk), or start java with a larger"
                    + " -XX:MaxDirectMemorySize; nothing was written");
        }
        if (machine.physical() > 0 && need > machine.physical() / 2) {
            throw new RefusedException("--pages", pages + " pages (" + Sizes.human(pages * 4096L) + ") need "
                    + Sizes.human(need) + " of memory, more than half of this machine's "
                    + Sizes.human(machine.physical()) + "; give fewer pages (--pages) or a smaller chunk (--chunk);"
                    + " nothing was written");
        }
    }

    /** The JVM's limit for direct buffers: -XX:MaxDirectMemorySize, by default the maximum heap. */
    static long directLimit() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            long v = Long.parseLong(bean.getVMOption("MaxDirectMemorySize").getValue());
            if (v > 0) {
                return v;
            }
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot, or the management modules are not in this runtime: the JDK's default
        }
        return Runtime.getRuntime().maxMemory();
    }

    private static long directUsed() {
        try {
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if ("direct".equals(pool.getName())) {
                    return Math.max(0, pool.getMemoryUsed());
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // unknown: count nothing as used
        }
        return 0;
    }

    private static long physicalMemory() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError e) {
            // unknown: only the direct-memory limit is checked
        }
        return 0;
    }
}
