package gradstep.engine.ops;

import gradstep.engine.util.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast matrix product of the CPU backend: {@code C[m×n] (+)= A[m×k]·B[k×n]}, row-major, with Java's
 * (incubating) Vector API. Same contract as {@link Gemm#matmul}, which stays the plain reference it is
 * tested against.
 *
 * <p>Register blocking: a block of C of 4 rows by 4 vectors (4×64 floats with 512-bit vectors) lives in
 * 16 vector registers while the shared dimension is walked: each step loads four vectors of a row of B,
 * broadcasts four values of A and does 16 fused multiply-adds, so every load serves four multiply-adds
 * and C is read and written once per block. Columns that do not fill four vectors go through a 4×2 block,
 * one-vector rows, then a scalar tail; no masks, which the JIT of Java 17 compiles poorly. Each element of C is
 * summed by one thread in k order, so results do not depend on the thread count; they differ from the
 * plain product by float rounding (FMA rounds once where the plain loop rounds twice).
 */
public final class VectorGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int KB = 256;

    private VectorGemm() {
    }

    public static void matmul(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        product(a, b, c, m, k, n, accumulate, false);
    }

    /**
     * {@code C = Aᵀ·B} (or +=) with A stored k×m, read in place: the four values of A that a block
     * needs at each step are neighbours in memory, so no transposed copy is made (for a convolution's
     * weight gradient the copy would be the whole patch matrix).
     */
    public static void matmulTransA(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        product(a, b, c, m, k, n, accumulate, true);
    }

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][]{new float[0], new float[0]});

    private static float[] scratch(int which, int size) {
        float[][] s = SCRATCH.get();
        if (s[which].length < size) {
            s[which] = new float[size];
        }
        return s[which];
    }

    private static void product(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate, boolean transA) {
        if (n < L) {
            narrowProduct(a, b, c, m, k, n, accumulate, transA);
            return;
        }
        // A[i][p] is a[i * rowStride + p * stride]: rowStride k, stride 1 as stored; 1 and m transposed
        int rowStride = transA ? 1 : k, stride = transA ? m : 1;
        int rowBlocks = (m + 3) / 4;
        Parallel.forRange(rowBlocks, (long) m * n * k, (r0, r1) -> {
            int i0 = r0 * 4, i1 = Math.min(m, r1 * 4);
            if (!accumulate) {
                java.util.Arrays.fill(c, i0 * n, i1 * n, 0f);
            }
            int wide = n - n % (4 * L), narrow = n - n % L;
            for (int k0 = 0; k0 < k; k0 += KB) {
                int k1 = Math.min(k, k0 + KB);
                for (int j = 0; j < wide; j += 4 * L) {
                    int i = i0;
                    for (; i + 4 <= i1; i += 4) {
                        block4x4(a, b, c, i, j, k0, k1, rowStride, stride, n);
                    }
                    for (; i < i1; i++) {
                        for (int v = 0; v < 4; v++) {
                            row1(a, b, c, i, j + v * L, k0, k1, rowStride, stride, n);
                        }
                    }
                }
                int j = wide;
                if (narrow - j >= 2 * L) {
                    // two vectors' worth of columns (a conv layer of 32 filters): 4 rows x 2 vectors
                    int i = i0;
                    for (; i + 4 <= i1; i += 4) {
                        block4x2(a, b, c, i, j, k0, k1, rowStride, stride, n);
                    }
                    for (; i < i1; i++) {
                        row1(a, b, c, i, j, k0, k1, rowStride, stride, n);
                        row1(a, b, c, i, j + L, k0, k1, rowStride, stride, n);
                    }
                    j += 2 * L;
                }
                for (; j < narrow; j += L) {
                    for (int i = i0; i < i1; i++) {
                        row1(a, b, c, i, j, k0, k1, rowStride, stride, n);
                    }
                }
                for (int i = i0; i < i1 && narrow < n; i++) {
                    for (int p = k0; p < k1; p++) {
                        float x = a[i * rowStride + p * stride];
                        for (int col = narrow; col < n; col++) {
                            c[i * n + col] += x * b[p * n + col];
                        }
                    }
                }
            }
        });
    }

    /**
     * A product with fewer columns than a vector holds (a layer of 10 outputs): vectors run along the
     * shared dimension instead, each element of C a dot product of a row of A with a column of B, both
     * made contiguous first (B transposed, and A when it is stored transposed).
     */
    private static void narrowProduct(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate, boolean transA) {
        float[] rowsA = a;
        if (transA) {
            rowsA = scratch(0, m * k);
            Gemm.transpose(a, rowsA, k, m);
        }
        float[] colsB = scratch(1, n * k);
        Gemm.transpose(b, colsB, k, n);
        float[] ra = rowsA;
        int full = k - k % L;
        Parallel.forRange(m, (long) m * n * k, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                for (int j = 0; j < n; j++) {
                    FloatVector acc = FloatVector.zero(S);
                    int p = 0;
                    for (; p < full; p += L) {
                        acc = FloatVector.fromArray(S, ra, i * k + p).fma(FloatVector.fromArray(S, colsB, j * k + p), acc);
                    }
                    float sum = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
                    for (; p < k; p++) {
                        sum += ra[i * k + p] * colsB[j * k + p];
                    }
                    c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
                }
            }
        });
    }

    /** C[i..i+3][j..j+4L) += A[i..i+3][k0..k1) · B[k0..k1)[j..j+4L). */
    private static void block4x4(float[] a, float[] b, float[] c, int i, int j, int k0, int k1, int rowStride, int stride,
                                 int n) {
        int c0 = i * n + j, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        FloatVector a00 = FloatVector.fromArray(S, c, c0), a01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector a02 = FloatVector.fromArray(S, c, c0 + 2 * L), a03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector a10 = FloatVector.fromArray(S, c, c1), a11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector a12 = FloatVector.fromArray(S, c, c1 + 2 * L), a13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        FloatVector a20 = FloatVector.fromArray(S, c, c2), a21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector a22 = FloatVector.fromArray(S, c, c2 + 2 * L), a23 = FloatVector.fromArray(S, c, c2 + 3 * L);
        FloatVector a30 = FloatVector.fromArray(S, c, c3), a31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector a32 = FloatVector.fromArray(S, c, c3 + 2 * L), a33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        int ar0 = i * rowStride, ar1 = ar0 + rowStride, ar2 = ar1 + rowStride, ar3 = ar2 + rowStride;
        for (int p = k0; p < k1; p++) {
            // No skipping of zeros here, unlike Gemm: a branch in this loop makes the JIT keep the
            // accumulators in memory, and the dense loop is faster than the sparse one by far.
            int ap = p * stride;
            float x0 = a[ar0 + ap], x1 = a[ar1 + ap], x2 = a[ar2 + ap], x3 = a[ar3 + ap];
            int bp = p * n + j;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L), b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector x = FloatVector.broadcast(S, x0);
            a00 = x.fma(b0, a00);
            a01 = x.fma(b1, a01);
            a02 = x.fma(b2, a02);
            a03 = x.fma(b3, a03);
            x = FloatVector.broadcast(S, x1);
            a10 = x.fma(b0, a10);
            a11 = x.fma(b1, a11);
            a12 = x.fma(b2, a12);
            a13 = x.fma(b3, a13);
            x = FloatVector.broadcast(S, x2);
            a20 = x.fma(b0, a20);
            a21 = x.fma(b1, a21);
            a22 = x.fma(b2, a22);
            a23 = x.fma(b3, a23);
            x = FloatVector.broadcast(S, x3);
            a30 = x.fma(b0, a30);
            a31 = x.fma(b1, a31);
            a32 = x.fma(b2, a32);
            a33 = x.fma(b3, a33);
        }
        a00.intoArray(c, c0);
        a01.intoArray(c, c0 + L);
        a02.intoArray(c, c0 + 2 * L);
        a03.intoArray(c, c0 + 3 * L);
        a10.intoArray(c, c1);
        a11.intoArray(c, c1 + L);
        a12.intoArray(c, c1 + 2 * L);
        a13.intoArray(c, c1 + 3 * L);
        a20.intoArray(c, c2);
        a21.intoArray(c, c2 + L);
        a22.intoArray(c, c2 + 2 * L);
        a23.intoArray(c, c2 + 3 * L);
        a30.intoArray(c, c3);
        a31.intoArray(c, c3 + L);
        a32.intoArray(c, c3 + 2 * L);
        a33.intoArray(c, c3 + 3 * L);
    }

    /** C[i..i+3][j..j+2L) += A[i..i+3][k0..k1) · B[k0..k1)[j..j+2L). */
    private static void block4x2(float[] a, float[] b, float[] c, int i, int j, int k0, int k1, int rowStride, int stride,
                                 int n) {
        int c0 = i * n + j, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        FloatVector a00 = FloatVector.fromArray(S, c, c0), a01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector a10 = FloatVector.fromArray(S, c, c1), a11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector a20 = FloatVector.fromArray(S, c, c2), a21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector a30 = FloatVector.fromArray(S, c, c3), a31 = FloatVector.fromArray(S, c, c3 + L);
        int ar0 = i * rowStride, ar1 = ar0 + rowStride, ar2 = ar1 + rowStride, ar3 = ar2 + rowStride;
        for (int p = k0; p < k1; p++) {
            int ap = p * stride;
            int bp = p * n + j;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[ar0 + ap]);
            a00 = x.fma(b0, a00);
            a01 = x.fma(b1, a01);
            x = FloatVector.broadcast(S, a[ar1 + ap]);
            a10 = x.fma(b0, a10);
            a11 = x.fma(b1, a11);
            x = FloatVector.broadcast(S, a[ar2 + ap]);
            a20 = x.fma(b0, a20);
            a21 = x.fma(b1, a21);
            x = FloatVector.broadcast(S, a[ar3 + ap]);
            a30 = x.fma(b0, a30);
            a31 = x.fma(b1, a31);
        }
        a00.intoArray(c, c0);
        a01.intoArray(c, c0 + L);
        a10.intoArray(c, c1);
        a11.intoArray(c, c1 + L);
        a20.intoArray(c, c2);
        a21.intoArray(c, c2 + L);
        a30.intoArray(c, c3);
        a31.intoArray(c, c3 + L);
    }

    /** C[i][j..j+L) += A[i][k0..k1) · B[k0..k1)[j..j+L). */
    private static void row1(float[] a, float[] b, float[] c, int i, int j, int k0, int k1, int rowStride, int stride, int n) {
        FloatVector acc = FloatVector.fromArray(S, c, i * n + j);
        int ar = i * rowStride;
        for (int p = k0; p < k1; p++) {
            acc = FloatVector.broadcast(S, a[ar + p * stride]).fma(FloatVector.fromArray(S, b, p * n + j), acc);
        }
        acc.intoArray(c, i * n + j);
    }
}
