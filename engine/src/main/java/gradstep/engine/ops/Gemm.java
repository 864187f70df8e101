package gradstep.engine.ops;

import gradstep.engine.util.Parallel;

/**
 * Single-precision matrix products, row-major and dense: the one place where the reference backend
 * spends its time. {@code C[m×n] = A[m×k]·B[k×n]}, optionally added to what C holds.
 *
 * <p>Why it is shaped like this: the inner loop runs along a row of B and a row of C, so the JIT turns
 * it into SIMD loads, multiplies and stores; four rows of B are folded into each pass over a C row, so C
 * is loaded and stored once per four multiply-adds rather than once per one; the shared dimension is cut
 * into blocks of {@link #KB} so the block of B being read stays in cache while every row of A visits it.
 * Rows of C are split across threads and each element is summed by one thread in a fixed order, so the
 * result does not depend on the thread count. A group of four A values that are all zero is skipped:
 * ReLU outputs and MNIST pixels are mostly zeros, and skipping them changes no result unless B holds an
 * Inf or NaN (the NaN checks look at tensors themselves, not at what flows through here).
 *
 * <p>The transposed forms pack the transposed operand into a scratch buffer (cost m·k or k·n) and call
 * the same loop, which costs m·n·k.
 */
public final class Gemm {
    static final int KB = 128;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);
    private static final boolean VECTOR_API = vectorApiPresent();
    private static volatile boolean vectorized;

    /** Whether the JVM has the Vector API module (started with {@code --add-modules jdk.incubator.vector}). */
    private static boolean vectorApiPresent() {
        try {
            return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && VectorGemm.L >= 4;
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Whether {@link VectorGemm} can be used in this JVM. */
    public static boolean vectorApiAvailable() {
        return VECTOR_API;
    }

    /** The width in floats of the vectors VectorGemm uses (0 without the Vector API). */
    public static int vectorLanes() {
        return VECTOR_API ? VectorGemm.L : 0;
    }

    /**
     * Chooses the matrix-product loop for this process: the plain one here (the reference), or
     * {@link VectorGemm} (the fast CPU path) when the Vector API is present. Returns what is in force.
     */
    public static boolean setVectorized(boolean on) {
        vectorized = on && VECTOR_API;
        return vectorized;
    }

    public static boolean vectorized() {
        return vectorized;
    }

    private Gemm() {
    }

    /** {@code C = A·B} (or {@code C += A·B}); A is m×k, B is k×n. */
    public static void matmul(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        if (vectorized) {
            VectorGemm.matmul(a, b, c, m, k, n, accumulate);
            return;
        }
        Parallel.forRange(m, (long) m * n * k, (i0, i1) -> rows(a, b, c, i0, i1, k, n, accumulate));
    }

    /** {@code C = Aᵀ·B} (or +=); A is stored k×m, B is k×n. */
    public static void matmulTransA(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        if (vectorized) {
            VectorGemm.matmulTransA(a, b, c, m, k, n, accumulate);
            return;
        }
        float[] at = scratch(m * k);
        transpose(a, at, k, m);
        matmul(at, b, c, m, k, n, accumulate);
    }

    /** {@code C = A·Bᵀ} (or +=); A is m×k, B is stored n×k. */
    public static void matmulTransB(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        float[] bt = scratch(k * n);
        transpose(b, bt, n, k);
        matmul(a, bt, c, m, k, n, accumulate);
    }

    /** {@code dst[cols×rows] = srcᵀ} for src stored rows×cols; in 32×32 tiles to keep both sides in cache. */
    public static void transpose(float[] src, float[] dst, int rows, int cols) {
        final int T = 32;
        int tileRows = (rows + T - 1) / T;
        Parallel.forRange(tileRows, (long) rows * cols / 4, (t0, t1) -> {
            for (int r0 = t0 * T; r0 < Math.min(rows, t1 * T); r0 += T) {
                int r1 = Math.min(r0 + T, rows);
                for (int c0 = 0; c0 < cols; c0 += T) {
                    int c1 = Math.min(c0 + T, cols);
                    for (int r = r0; r < r1; r++) {
                        for (int col = c0; col < c1; col++) {
                            dst[col * rows + r] = src[r * cols + col];
                        }
                    }
                }
            }
        });
    }

    private static float[] scratch(int size) {
        float[] s = SCRATCH.get();
        if (s.length < size) {
            s = new float[size];
            SCRATCH.set(s);
        }
        return s;
    }

    private static void rows(float[] a, float[] b, float[] c, int i0, int i1, int k, int n, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(c, i0 * n, i1 * n, 0f);
        }
        for (int k0 = 0; k0 < k; k0 += KB) {
            rows(a, b, c, i0, i1, k, n, k0, Math.min(k0 + KB, k), 0, n);
        }
    }

    /** Rows [i0, i1), columns [j0, j1) of C, shared dimension [k0, k1): adds A·B there. */
    static void rows(float[] a, float[] b, float[] c, int i0, int i1, int k, int n, int k0, int k1, int j0, int j1) {
        for (int i = i0; i < i1; i++) {
            int ci = i * n;
            int ai = i * k;
            int p = k0;
            for (; p + 3 < k1; p += 4) {
                float a0 = a[ai + p], a1 = a[ai + p + 1], a2 = a[ai + p + 2], a3 = a[ai + p + 3];
                if (a0 == 0f && a1 == 0f && a2 == 0f && a3 == 0f) {
                    continue;
                }
                int b0 = p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
                for (int j = j0; j < j1; j++) {
                    c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                }
            }
            for (; p < k1; p++) {
                float av = a[ai + p];
                if (av == 0f) {
                    continue;
                }
                int bp = p * n;
                for (int j = j0; j < j1; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
        }
    }
}
