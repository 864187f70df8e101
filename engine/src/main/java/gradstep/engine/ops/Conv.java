package gradstep.engine.ops;

import gradstep.engine.util.Parallel;

/**
 * 2-D convolution (cross-correlation, as every framework computes it), stride 1, over channels-last
 * images, with a kernel stored as Keras stores it: {@code (kh, kw, in, out)}.
 *
 * <pre>
 *   forward:   y[n,i,j,o] = b[o] + Σ_{di,dj,c} x[n, i+di−pt, j+dj−pl, c] · W[di,dj,c,o]
 *   backward:  dW[di,dj,c,o] = Σ_{n,i,j} x[n, i+di−pt, j+dj−pl, c] · dy[n,i,j,o]
 *              db[o]         = Σ_{n,i,j} dy[n,i,j,o]
 *              dx[n,p,q,c]   = Σ_{i+di−pt=p, j+dj−pl=q, o} W[di,dj,c,o] · dy[n,i,j,o]
 * </pre>
 *
 * Computed as im2col: every output position's receptive field is copied into one row of a patch
 * matrix P (rows: n·oh·ow, columns: kh·kw·in in the kernel's own order), so that the convolution is one
 * matrix product, {@code Y = P·W}, and its backward two, {@code dW = Pᵀ·dY}, {@code dP = dY·Wᵀ}, with
 * dP scattered back onto dx (col2im). The forward keeps P for the backward.
 *
 * <p>Padding: {@code valid} uses none (output h−k+1); {@code same} pads so the output keeps h×w, with
 * {@code (k−1)/2} rows on top and the rest at the bottom (for even k, one more at the bottom and right),
 * as TensorFlow and Keras do.
 */
public final class Conv {
    private Conv() {
    }

    /** Geometry of one convolution: input h×w×in, kernel k×k, output oh×ow×out, top/left padding. */
    public record Geometry(int h, int w, int in, int k, int out, boolean same) {
        public int oh() {
            return same ? h : h - k + 1;
        }

        public int ow() {
            return same ? w : w - k + 1;
        }

        public int padTop() {
            return same ? (k - 1) / 2 : 0;
        }

        public int padLeft() {
            return same ? (k - 1) / 2 : 0;
        }

        /** Columns of the patch matrix: kh·kw·in. */
        public int patchSize() {
            return k * k * in;
        }
    }

    /** {@code patches} must hold batch·oh·ow·k·k·in floats; it is filled here and read by the backward. */
    public static void conv2dForward(float[] x, float[] w, float[] bias, float[] y, float[] patches, int batch,
                                     Geometry g) {
        im2col(x, patches, batch, g);
        int rows = batch * g.oh() * g.ow();
        Gemm.matmul(patches, w, y, rows, g.patchSize(), g.out(), false);
        MatMul.addBias(y, bias, rows, g.out());
    }

    /**
     * Fills dW and db, and dx unless it is null (the first layer's input is the data). {@code dPatches}
     * is scratch of the patch matrix's size.
     */
    public static void conv2dBackward(float[] patches, float[] w, float[] dy, float[] dw, float[] db, float[] dx,
                                      float[] dPatches, int batch, Geometry g) {
        int rows = batch * g.oh() * g.ow();
        Gemm.matmulTransA(patches, dy, dw, g.patchSize(), rows, g.out(), false);
        MatMul.sumRows(dy, db, rows, g.out());
        if (dx != null) {
            Gemm.matmulTransB(dy, w, dPatches, rows, g.out(), g.patchSize(), false);
            col2im(dPatches, dx, batch, g);
        }
    }

    /** Copies each receptive field into a row of the patch matrix; zeros where the field hangs over the edge. */
    public static void im2col(float[] x, float[] patches, int batch, Geometry g) {
        int h = g.h(), w = g.w(), c = g.in(), k = g.k(), oh = g.oh(), ow = g.ow();
        int pt = g.padTop(), pl = g.padLeft(), ps = g.patchSize();
        Parallel.forRange(batch, (long) batch * oh * ow * ps, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                int xBase = n * h * w * c;
                int row = n * oh * ow * ps;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++, row += ps) {
                        int col = row;
                        for (int di = 0; di < k; di++) {
                            int xi = i + di - pt;
                            for (int dj = 0; dj < k; dj++, col += c) {
                                int xj = j + dj - pl;
                                if (xi < 0 || xi >= h || xj < 0 || xj >= w) {
                                    for (int ch = 0; ch < c; ch++) {
                                        patches[col + ch] = 0f;
                                    }
                                } else {
                                    // a plain loop: arraycopy's call costs more than it saves for few channels
                                    int src = xBase + (xi * w + xj) * c;
                                    for (int ch = 0; ch < c; ch++) {
                                        patches[col + ch] = x[src + ch];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** The adjoint of im2col: adds each patch-matrix entry back onto the input position it was copied from. */
    public static void col2im(float[] dPatches, float[] dx, int batch, Geometry g) {
        int h = g.h(), w = g.w(), c = g.in(), k = g.k(), oh = g.oh(), ow = g.ow();
        int pt = g.padTop(), pl = g.padLeft(), ps = g.patchSize();
        Parallel.forRange(batch, (long) batch * oh * ow * ps, (n0, n1) -> {
            java.util.Arrays.fill(dx, n0 * h * w * c, n1 * h * w * c, 0f);
            for (int n = n0; n < n1; n++) {
                int xBase = n * h * w * c;
                int row = n * oh * ow * ps;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++, row += ps) {
                        int col = row;
                        for (int di = 0; di < k; di++) {
                            int xi = i + di - pt;
                            for (int dj = 0; dj < k; dj++, col += c) {
                                int xj = j + dj - pl;
                                if (xi >= 0 && xi < h && xj >= 0 && xj < w) {
                                    int at = xBase + (xi * w + xj) * c;
                                    for (int ch = 0; ch < c; ch++) {
                                        dx[at + ch] += dPatches[col + ch];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }
}
