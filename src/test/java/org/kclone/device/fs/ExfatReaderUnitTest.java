package org.kclone.device.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * exFAT volumes built by hand (mkfs.exfat makes neither TexFAT nor long root directories): 512-byte
 * sectors and clusters, FATs of one sector from sector 24, the heap from sector 32, 64 clusters.
 */
class ExfatReaderUnitTest {

    private static final int HEAP = 32 * 512;

    private static long clusterAt(int n) {
        return HEAP + (n - 2) * 512L;
    }

    private static MemorySource volume(int fats, int activeFat) {
        MemorySource m = new MemorySource(96 * 512);
        ByteBuffer b = m.buffer();
        b.put(0, (byte) 0xEB).put(1, (byte) 0x76).put(2, (byte) 0x90).put(3, "EXFAT   ".getBytes());
        b.putLong(72, 96).putInt(80, 24).putInt(84, 1).putInt(88, 32).putInt(92, 64).putInt(96, 4);
        b.putShort(106, (short) activeFat).put(108, (byte) 9).put(109, (byte) 0).put(110, (byte) fats);
        b.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        return m;
    }

    private static void fat(MemorySource m, int which, int cluster, int next) {
        m.buffer().putInt((24 + which) * 512 + cluster * 4, next);
    }

    private static void bitmapEntry(MemorySource m, long at, int flags, int firstCluster) {
        m.buffer().put((int) at, (byte) 0x81).put((int) at + 1, (byte) flags).putInt((int) at + 20, firstCluster)
                .putLong((int) at + 24, 8);
    }

    private static void bits(MemorySource m, int bitmapCluster, int... clusters) {
        for (int c : clusters) {
            int bit = c - 2;
            m.bytes[(int) clusterAt(bitmapCluster) + bit / 8] |= (byte) (1 << (bit % 8));
        }
    }

    @Test
    void texfatsTwoBitmapsBothCountAndTheActiveFatIsFollowed() throws Exception {
        MemorySource m = volume(2, 1);
        fat(m, 1, 2, -1);
        fat(m, 1, 3, -1);
        fat(m, 1, 4, -1);
        fat(m, 0, 4, 7); // the inactive FAT would chain the root directory on into cluster 7
        bitmapEntry(m, clusterAt(4), 0, 2);
        bitmapEntry(m, clusterAt(4) + 32, 1, 3);
        for (int i = 2; i < 16; i++) { // no end mark in the cluster: the chain decides where the directory ends
            m.bytes[(int) clusterAt(4) + i * 32] = (byte) 0x83;
        }
        bits(m, 2, 2, 3, 4, 10);
        bits(m, 3, 2, 3, 4, 20);
        FsUsage u = new ExfatReader().read(m);
        assertEquals(List.of(new Extent(0, clusterAt(5)), new Extent(clusterAt(10), 512), new Extent(clusterAt(20), 512)),
                u.used());
        assertEquals(96 * 512, u.size());
    }

    @Test
    void aRootDirectoryOfTwoClustersIsFollowedThroughTheFat() throws Exception {
        MemorySource m = volume(1, 0);
        fat(m, 0, 2, -1);
        fat(m, 0, 4, 9);
        fat(m, 0, 9, -1);
        for (int i = 0; i < 16; i++) {
            m.bytes[(int) clusterAt(4) + i * 32] = (byte) 0x83; // full of other entries
        }
        bitmapEntry(m, clusterAt(9), 0, 2);
        bits(m, 2, 2, 4, 9, 65);
        FsUsage u = new ExfatReader().read(m);
        assertEquals(List.of(new Extent(0, clusterAt(3)), new Extent(clusterAt(4), 512), new Extent(clusterAt(9), 512),
                new Extent(clusterAt(65), 512)), u.used());
    }

    @Test
    void aLoopingRootDirectoryAMissingBitmapADirtyVolumeAndAShortRegionAreRefused() throws Exception {
        MemorySource loop = volume(1, 0);
        fat(loop, 0, 4, 4);
        for (int i = 0; i < 16; i++) {
            loop.bytes[(int) clusterAt(4) + i * 32] = (byte) 0x83;
        }
        FsFormatException e = assertThrows(FsFormatException.class, () -> new ExfatReader().read(loop));
        assertTrue(e.getMessage().contains("loops"), e.getMessage());

        MemorySource none = volume(1, 0);
        fat(none, 0, 4, -1);
        e = assertThrows(FsFormatException.class, () -> new ExfatReader().read(none));
        assertTrue(e.getMessage().contains("0 allocation bitmap entries"), e.getMessage());

        MemorySource dirty = volume(1, 0);
        fat(dirty, 0, 2, -1);
        fat(dirty, 0, 4, -1);
        bitmapEntry(dirty, clusterAt(4), 0, 2);
        bits(dirty, 2, 2, 4);
        new ExfatReader().read(dirty); // clean: read
        dirty.buffer().putShort(106, (short) 2); // VolumeDirty
        e = assertThrows(FsFormatException.class, () -> new ExfatReader().read(dirty));
        assertTrue(e.getMessage().contains("marked dirty"), e.getMessage());

        MemorySource longer = volume(1, 0);
        longer.buffer().putLong(72, 200);
        e = assertThrows(FsFormatException.class, () -> new ExfatReader().read(longer));
        assertTrue(e.getMessage().contains("volume length 102400"), e.getMessage());
    }
}
