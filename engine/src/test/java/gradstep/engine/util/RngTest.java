package gradstep.engine.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RngTest {
    @Test
    void permutationHoldsEveryIndexOnceAndReplaysFromTheState() {
        Rng r = new Rng(5);
        long state = r.state();
        int[] p = r.permutation(1000);
        boolean[] seen = new boolean[1000];
        for (int v : p) {
            assertTrue(!seen[v]);
            seen[v] = true;
        }
        r.setState(state);
        assertArrayEquals(p, r.permutation(1000));
    }

    @Test
    void uniformFloatsAndIntsCoverTheirRange() {
        Rng r = new Rng(6);
        int[] counts = new int[10];
        double sum = 0;
        for (int i = 0; i < 100_000; i++) {
            counts[r.nextInt(10)]++;
            float f = r.nextFloat();
            assertTrue(f >= 0 && f < 1);
            sum += f;
        }
        assertEquals(0.5, sum / 100_000, 0.01);
        for (int c : counts) {
            assertEquals(10_000, c, 500);
        }
    }
}
