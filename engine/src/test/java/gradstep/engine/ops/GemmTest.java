package gradstep.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradstep.engine.util.Parallel;
import gradstep.engine.util.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The three matrix products against a naive double-precision triple loop, at awkward sizes. */
class GemmTest {
    static final int[][] SIZES = {{1, 1, 1}, {3, 5, 7}, {17, 129, 33}, {64, 300, 10}, {130, 7, 257}, {257, 131, 5}};

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
        Gemm.setVectorized(false);
    }

    static float[] random(Rng rng, int n, boolean sparse) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            // Sparse inputs exercise the skipping of all-zero groups, as ReLU outputs do.
            a[i] = sparse && rng.nextFloat() < 0.6f ? 0f : rng.nextFloat() * 2 - 1;
        }
        return a;
    }

    /** C = op(A)·op(B) in double, with A m×k (or k×m if transA) and B k×n (or n×k if transB). */
    static double[] naive(float[] a, float[] b, int m, int k, int n, boolean transA, boolean transB) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[p * m + i] : a[i * k + p];
                    double bv = transB ? b[j * k + p] : b[p * n + j];
                    s += av * bv;
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    static void assertClose(double[] expected, float[] actual, int k, String what) {
        for (int i = 0; i < expected.length; i++) {
            // Float rounding of a k-term sum of products of magnitude <= 1.
            double tol = 1e-6 * k + 1e-6;
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + " element " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    @Test
    void allThreeFormsMatchTheNaiveProduct() {
        Rng rng = new Rng(7);
        for (int[] s : SIZES) {
            int m = s[0], k = s[1], n = s[2];
            for (boolean sparse : new boolean[]{false, true}) {
                float[] a = random(rng, m * k, sparse);
                float[] b = random(rng, k * n, false);
                String where = m + "x" + k + "x" + n + (sparse ? " sparse" : "");
                float[] c = new float[m * n];
                Gemm.matmul(a, b, c, m, k, n, false);
                assertClose(naive(a, b, m, k, n, false, false), c, k, "NN " + where);
                Gemm.matmulTransA(a, b, c, m, k, n, false);
                assertClose(naive(a, b, m, k, n, true, false), c, k, "TN " + where);
                Gemm.matmulTransB(a, b, c, m, k, n, false);
                assertClose(naive(a, b, m, k, n, false, true), c, k, "NT " + where);
            }
        }
    }

    @Test
    void accumulateAddsToWhatCHolds() {
        Rng rng = new Rng(8);
        int m = 9, k = 13, n = 6;
        float[] a = random(rng, m * k, false), b = random(rng, k * n, false);
        float[] c = new float[m * n];
        java.util.Arrays.fill(c, 2f);
        Gemm.matmul(a, b, c, m, k, n, true);
        double[] ref = naive(a, b, m, k, n, false, false);
        for (int i = 0; i < ref.length; i++) {
            ref[i] += 2;
        }
        assertClose(ref, c, k, "accumulate");
    }

    @Test
    void resultDoesNotDependOnTheThreadCount() {
        Rng rng = new Rng(9);
        int m = 301, k = 257, n = 67;
        float[] a = random(rng, m * k, true), b = random(rng, k * n, false);
        float[] one = new float[m * n], two = new float[m * n], three = new float[m * n];
        Parallel.setThreads(1);
        Gemm.matmul(a, b, one, m, k, n, false);
        Parallel.setThreads(2);
        Gemm.matmul(a, b, two, m, k, n, false);
        Parallel.setThreads(3);
        Gemm.matmul(a, b, three, m, k, n, false);
        assertArrayEquals(one, two);
        assertArrayEquals(one, three);
    }

    /** The fast CPU path: the same three forms through VectorGemm, at sizes that exercise every block shape. */
    @Test
    void vectorisedFormsMatchTheNaiveProduct() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Gemm.vectorApiAvailable(), "no Vector API in this JVM");
        assertTrue(Gemm.setVectorized(true));
        Rng rng = new Rng(10);
        int l = Gemm.vectorLanes();
        int[][] sizes = {{1, 1, 1}, {5, 9, 4 * l}, {7, 13, 4 * l + 2 * l + l + 3}, {9, 300, 2 * l}, {130, 7, 257}, {64, 33, 10}};
        for (int[] s : sizes) {
            int m = s[0], k = s[1], n = s[2];
            float[] a = random(rng, m * k, true), b = random(rng, k * n, false);
            float[] c = random(rng, m * n, false), start = c.clone();
            String where = m + "x" + k + "x" + n;
            Gemm.matmul(a, b, c, m, k, n, false);
            assertClose(naive(a, b, m, k, n, false, false), c, k, "vector NN " + where);
            c = start.clone();
            Gemm.matmulTransA(a, b, c, m, k, n, true);
            double[] ref = naive(a, b, m, k, n, true, false);
            for (int i = 0; i < ref.length; i++) {
                ref[i] += start[i];
            }
            assertClose(ref, c, k, "vector TN += " + where);
            Gemm.matmulTransB(a, b, c, m, k, n, false);
            assertClose(naive(a, b, m, k, n, false, true), c, k, "vector NT " + where);
        }
    }

    @Test
    void vectorisedResultDoesNotDependOnTheThreadCount() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Gemm.vectorApiAvailable(), "no Vector API in this JVM");
        Gemm.setVectorized(true);
        Rng rng = new Rng(11);
        int m = 301, k = 257, n = 67;
        float[] a = random(rng, m * k, true), b = random(rng, k * n, false);
        float[] one = new float[m * n], two = new float[m * n];
        Parallel.setThreads(1);
        Gemm.matmul(a, b, one, m, k, n, false);
        Parallel.setThreads(2);
        Gemm.matmul(a, b, two, m, k, n, false);
        assertArrayEquals(one, two);
    }
}
