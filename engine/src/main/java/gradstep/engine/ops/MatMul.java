package gradstep.engine.ops;

import gradstep.engine.util.Parallel;

/**
 * The affine map of a Dense layer, forward and backward, for a batch of B rows:
 *
 * <pre>
 *   forward:   Y = X·W + b                 X: B×in, W: in×out, b: out, Y: B×out
 *   backward:  dW = Xᵀ·dY,  db = Σ_rows dY,  dX = dY·Wᵀ
 * </pre>
 */
public final class MatMul {
    private MatMul() {
    }

    public static void matmulForward(float[] x, float[] w, float[] bias, float[] y, int batch, int in, int out) {
        Gemm.matmul(x, w, y, batch, in, out, false);
        addBias(y, bias, batch, out);
    }

    /**
     * Gradients of the loss with respect to W, b and (when {@code dx} is not null) X. {@code dx} is null
     * for the first layer, whose input is the data: nobody needs that gradient, and skipping it saves a
     * third of the layer's backward work.
     */
    public static void matmulBackward(float[] x, float[] w, float[] dy, float[] dw, float[] db, float[] dx,
                                      int batch, int in, int out) {
        Gemm.matmulTransA(x, dy, dw, in, batch, out, false);
        sumRows(dy, db, batch, out);
        if (dx != null) {
            Gemm.matmulTransB(dy, w, dx, batch, out, in, false);
        }
    }

    /** {@code y[r][j] += bias[j]} for every row r. */
    public static void addBias(float[] y, float[] bias, int rows, int cols) {
        Parallel.forRange(rows, (long) rows * cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * cols;
                for (int j = 0; j < cols; j++) {
                    y[o + j] += bias[j];
                }
            }
        });
    }

    /**
     * {@code db[j] = Σ_r dy[r][j]}, the bias gradient: the bias is added to every row. Columns are split
     * between threads and each sums its rows in order, so the result is the same for any thread count.
     */
    public static void sumRows(float[] dy, float[] db, int rows, int cols) {
        Parallel.forRange(cols, (long) rows * cols, (j0, j1) -> {
            java.util.Arrays.fill(db, j0, j1, 0f);
            for (int r = 0; r < rows; r++) {
                int o = r * cols;
                for (int j = j0; j < j1; j++) {
                    db[j] += dy[o + j];
                }
            }
        });
    }
}
