package org.kclone.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * After a chunk's read failed: re-reads it in halves, down to single sectors, so that only the
 * sectors that really fail are reported, and fills exactly those with zeros. Halves of an aligned
 * chunk stay 4096-aligned down to 4 KiB, so they still go through O_DIRECT.
 */
final class BadSectors {
    private final IoRegion source;
    private final ByteBuffer zeroes;

    /** @param zeroes a read-only buffer of zeros at least a sector long */
    BadSectors(IoRegion source, ByteBuffer zeroes) {
        this.source = source;
        this.zeroes = zeroes;
    }

    /** The unreadable sectors of {@code chunk} (absolute sectors of the source device), coalesced. */
    List<SectorRange> find(Chunk chunk) {
        List<SectorRange> bad = new ArrayList<>();
        narrow(chunk, 0, chunk.length, bad);
        return SectorRange.coalesce(bad);
    }

    private void narrow(Chunk chunk, int off, int len, List<SectorRange> bad) {
        if (len > IoRegion.SECTOR_SIZE) {
            int half = (len / 2 + IoRegion.SECTOR_SIZE - 1) / IoRegion.SECTOR_SIZE * IoRegion.SECTOR_SIZE;
            piece(chunk, off, half, bad);
            piece(chunk, off + half, len - half, bad);
            return;
        }
        ByteBuffer sector = chunk.view();
        sector.position(off);
        sector.put(zeroes.duplicate().limit(len));
        long start = (source.byteOffset() + chunk.offset + off) / IoRegion.SECTOR_SIZE;
        bad.add(new SectorRange(start, len / IoRegion.SECTOR_SIZE));
    }

    private void piece(Chunk chunk, int off, int len, List<SectorRange> bad) {
        ByteBuffer piece = chunk.view();
        piece.position(off).limit(off + len);
        try {
            source.device().read(piece, source.byteOffset() + chunk.offset + off);
        } catch (IOException | RuntimeException e) {
            narrow(chunk, off, len, bad);
        }
    }
}
