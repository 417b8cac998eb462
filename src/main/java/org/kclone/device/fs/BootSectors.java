package org.kclone.device.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The boot sector that exFAT and NTFS share the shape of: an 8-byte name at offset 3 and 0x55AA at 510. */
final class BootSectors {

    private BootSectors() {
    }

    /** Whether {@code src} starts with a boot sector named {@code oemName} (8 characters, space-padded). */
    static boolean named(ByteSource src, String oemName) throws IOException {
        if (src.length() < 512) {
            return false;
        }
        ByteBuffer s = src.read(0, 512);
        byte[] name = new byte[8];
        s.get(3, name);
        return oemName.equals(new String(name, StandardCharsets.US_ASCII))
                && (s.get(510) & 0xff) == 0x55 && (s.get(511) & 0xff) == 0xAA;
    }
}
