package org.kclone.device.fs.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kclone.device.fs.Extent;

class ExtentListBuilderTest {

    private static Extent e(long offset, long length) {
        return new Extent(offset, length);
    }

    @Test
    void touchingAndOverlappingRangesMerge() {
        ExtentListBuilder b = new ExtentListBuilder()
                .add(0, 10).add(10, 5) // touching
                .add(12, 10) // overlapping
                .add(14, 2) // inside
                .add(30, 1).add(31, 0) // empty: ignored
                .add(40, 5);
        assertEquals(List.of(e(0, 22), e(30, 1), e(40, 5)), b.build());
        assertEquals(3, b.size());
    }

    @Test
    void aStartBelowThePreviousStartIsRefused() {
        ExtentListBuilder b = new ExtentListBuilder().add(100, 10);
        assertThrows(IllegalArgumentException.class, () -> b.add(99, 50));
        assertThrows(IllegalArgumentException.class, () -> b.add(-1, 1));
    }

    @Test
    void growsPastItsFirstArrays() {
        ExtentListBuilder b = new ExtentListBuilder();
        for (int i = 0; i < 1000; i++) {
            b.add(i * 10L, 3);
        }
        List<Extent> out = b.build();
        assertEquals(1000, out.size());
        assertEquals(e(9990, 3), out.get(999));
    }

    @Test
    void unionInterleavesAndMerges() {
        List<Extent> a = List.of(e(0, 4), e(10, 4), e(100, 1));
        List<Extent> b = List.of(e(2, 4), e(14, 2), e(50, 10), e(101, 9));
        assertEquals(List.of(e(0, 6), e(10, 6), e(50, 10), e(100, 10)), ExtentListBuilder.union(a, b));
        assertEquals(a, ExtentListBuilder.union(a, List.of()));
        assertEquals(b, ExtentListBuilder.union(List.of(), b));
    }
}
