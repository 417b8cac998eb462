package org.kclone.device.fs.swap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kclone.device.fs.ByteSource;
import org.kclone.device.fs.Extent;
import org.kclone.device.fs.FsFormatException;
import org.kclone.device.fs.FsReaders;
import org.kclone.device.fs.FsUsage;
import org.kclone.device.fs.ext.ExtReader;
import org.kclone.testing.Tools;

/** Swap areas made by mkswap on regular files (no root): only the header page is used. */
class SwapReaderTest {

    private static final String UUID = "0e3f7c4a-1b2c-4d5e-8f90-123456789abc";

    @TempDir
    Path dir;

    @BeforeEach
    void tools() {
        Tools.assumeInstalled("mkswap", "blkid");
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of(cmd));
        c.set(0, Tools.find(cmd[0]).orElseThrow().toString());
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    private byte[] mkswap(long size, String... args) throws Exception {
        Path f = dir.resolve("swap" + System.nanoTime() + ".img");
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(size);
        }
        List<String> cmd = new ArrayList<>(List.of("mkswap", "-L", "kclonetest", "-U", UUID));
        cmd.addAll(List.of(args));
        cmd.add(f.toString());
        run(cmd.toArray(new String[0]));
        return Files.readAllBytes(f);
    }

    static ByteSource bytes(byte[] b, long length) {
        return new ByteSource() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public void read(ByteBuffer dst, long offset) throws IOException {
                if (offset < 0 || offset + dst.remaining() > length) {
                    throw new EOFException("past the end: " + offset);
                }
                dst.put(b, (int) offset, dst.remaining());
            }
        };
    }

    @Test
    void onlyTheHeaderPageIsUsedAndACopyOfItOverJunkIsTheSameSwapArea() throws Exception {
        byte[] swap = mkswap(16 << 20);
        FsUsage u = FsReaders.probe(bytes(swap, swap.length)).orElseThrow();
        assertEquals("swap", u.type());
        assertEquals(16 << 20, u.size());
        assertEquals(List.of(new Extent(0, 4096)), u.used());

        byte[] clone = new byte[swap.length];
        new Random(5).nextBytes(clone);
        System.arraycopy(swap, 0, clone, 0, 4096);
        Path c = Files.write(dir.resolve("clone.img"), clone);
        String blkid = run("blkid", "-p", "-o", "export", c.toString());
        assertTrue(blkid.contains("TYPE=swap") && blkid.contains("LABEL=kclonetest") && blkid.contains("UUID=" + UUID), blkid);
    }

    @Test
    void largerPagesAreFoundWhereTheSignatureIs() throws Exception {
        for (int page : new int[] {16384, 65536}) {
            byte[] swap = mkswap(16 << 20, "-p", Integer.toString(page));
            FsUsage u = new SwapReader().read(bytes(swap, swap.length));
            assertEquals(List.of(new Extent(0, page)), u.used(), "page size " + page);
            assertEquals(16 << 20, u.size());
        }
    }

    @Test
    void theAreaEndsWhereTheHeaderSaysNotWhereTheRegionDoes() throws Exception {
        byte[] swap = mkswap(8 << 20);
        byte[] longer = Arrays.copyOf(swap, 9 << 20);
        assertEquals(8 << 20, new SwapReader().read(bytes(longer, longer.length)).size());
        String m = assertThrows(FsFormatException.class, () -> new SwapReader().read(bytes(swap, 4 << 20))).getMessage();
        assertTrue(m.contains("past the region's end"), m);
    }

    @Test
    void aHeaderWrittenBigEndianIsReadSo() throws Exception {
        byte[] swap = mkswap(8 << 20);
        ByteBuffer le = ByteBuffer.wrap(swap).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int version = le.getInt(1024);
        int lastPage = le.getInt(1028);
        ByteBuffer be = ByteBuffer.wrap(swap);
        be.putInt(1024, version).putInt(1028, lastPage);
        assertEquals(8 << 20, new SwapReader().read(bytes(swap, swap.length)).size());
    }

    @Test
    void aHibernationImageIsRecognisedAndRefused() throws Exception {
        byte[] swap = mkswap(8 << 20);
        byte[] sig = "S1SUSPEND\0".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(sig, 0, swap, 4096 - 10, 10);
        assertTrue(new SwapReader().recognises(bytes(swap, swap.length)));
        String m = assertThrows(FsFormatException.class, () -> FsReaders.probe(bytes(swap, swap.length))).getMessage();
        assertTrue(m.contains("hibernation image (signature S1SUSPEND)"), m);
    }

    @Test
    void notSwapNotRecognisedAndNeitherReaderTakesTheOthers() throws Exception {
        byte[] zeros = new byte[1 << 20];
        assertFalse(new SwapReader().recognises(bytes(zeros, zeros.length)));
        assertFalse(new SwapReader().recognises(bytes(zeros, 100)));
        byte[] swap = mkswap(8 << 20);
        assertFalse(new ExtReader().recognises(bytes(swap, swap.length)));
        swap[1024] = 2; // header version 2
        assertTrue(assertThrows(FsFormatException.class, () -> new SwapReader().read(bytes(swap, swap.length)))
                .getMessage().contains("version 2"));
    }
}
