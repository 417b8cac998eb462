package org.kclone.device.fs.swap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.kclone.device.fs.ByteSource;
import org.kclone.device.fs.Extent;
import org.kclone.device.fs.FsFormatException;
import org.kclone.device.fs.FsReader;
import org.kclone.device.fs.FsUsage;

/**
 * A Linux swap area (mkswap): only its first page, which holds the header (version, size,
 * bad-page list, UUID, label) and ends with the signature, is used; the kernel treats the rest
 * as empty at each swapon. A swap area holding a hibernation image (its signature replaced by
 * S1SUSPEND and the like) is recognised and refused, so it is copied whole.
 *
 * <p>The page size is where the signature is found: at {@code pagesize - 10} for 4 KiB to
 * 64 KiB pages, as blkid looks for it. The header is in the byte order of the machine that
 * made it; version 1 tells which.
 */
public final class SwapReader implements FsReader {

    static final int[] PAGE_SIZES = {4096, 8192, 16384, 32768, 65536};
    private static final String SWAP_V1 = "SWAPSPACE2";
    private static final String SWAP_V0 = "SWAP-SPACE";
    /** Signatures of hibernation images written over a swap area's own (blkid's "swsuspend"). */
    private static final List<String> HIBERNATION = List.of("S1SUSPEND", "S2SUSPEND", "ULSUSPEND", "LINHIB0001");

    @Override
    public String type() {
        return "swap";
    }

    @Override
    public boolean recognises(ByteSource src) throws IOException {
        return signature(src) != null;
    }

    @Override
    public FsUsage read(ByteSource src) throws IOException {
        Signature s = signature(src);
        if (s == null) {
            throw new FsFormatException("swap: no swap signature at the end of a 4 KiB to 64 KiB first page");
        }
        if (HIBERNATION.stream().anyMatch(s.magic::startsWith)) {
            throw new FsFormatException("swap: the area holds a hibernation image (signature "
                    + s.magic.replace("\0", "") + "): all of it is in use");
        }
        long size = src.length();
        if (s.magic.equals(SWAP_V1)) {
            ByteBuffer h = src.read(1024, 12);
            int version = h.getInt(0);
            if (version != 1 && Integer.reverseBytes(version) == 1) {
                h.order(ByteOrder.BIG_ENDIAN); // made on a big-endian machine
            } else if (version != 1) {
                throw new FsFormatException("swap: header version " + Integer.toUnsignedString(version) + ", not 1");
            }
            long lastPage = Integer.toUnsignedLong(h.getInt(4));
            size = (lastPage + 1) * s.pageSize;
            if (size > src.length()) {
                throw new FsFormatException("swap: the header's last page " + lastPage + " (" + size + " bytes of "
                        + s.pageSize + "-byte pages) is past the region's end (" + src.length() + " bytes)");
            }
        }
        return new FsUsage("swap", size, List.of(new Extent(0, s.pageSize)));
    }

    private record Signature(int pageSize, String magic) {
    }

    /** The first page size whose last 10 bytes are a swap or hibernation signature, or null. */
    private static Signature signature(ByteSource src) throws IOException {
        for (int page : PAGE_SIZES) {
            if (src.length() < page) {
                break;
            }
            ByteBuffer b = src.read(page - 10, 10);
            String magic = new String(b.array(), b.arrayOffset(), 10, StandardCharsets.ISO_8859_1);
            if (magic.equals(SWAP_V1) || magic.equals(SWAP_V0) || HIBERNATION.stream().anyMatch(magic::startsWith)) {
                return new Signature(page, magic);
            }
        }
        return null;
    }
}
