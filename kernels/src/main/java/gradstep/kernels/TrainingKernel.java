package gradstep.kernels;

import com.aparapi.Kernel;

/**
 * Every training op of gradstep's OpenCL backend, in one Aparapi kernel.
 *
 * <p>Why one kernel with an op switch: Aparapi gives each {@code Kernel} instance its own OpenCL context,
 * so buffers cannot be shared between two kernel objects, and named entry points do not work on OpenCL.
 * So one instance per model holds all of the model's memory — one float arena {@link #mem} with every
 * parameter, gradient, optimizer state and activation at its own offset, plus {@link #imem} for max-pool
 * argmax indices — and {@link #op} selects the op that {@code run()} performs. The host sends a batch's
 * bytes ({@link #pixels}, {@link #labels}) and reads back a few results ({@link #out}); the arena stays on
 * the device for the whole run (explicit mode, see {@link Device}).
 *
 * <p>Each op is a method named after the plain-Java op it mirrors; its arguments are the fields whose
 * names start with the op's prefix, set by the host before {@code execute}. Kernel code may use no
 * objects, lambdas, static methods, switch, break, continue or exceptions, and a barrier must be reached
 * by every work item of a group, so loops that contain one have bounds that are the same for the group.
 */
public final class TrainingKernel extends Kernel {
    /** Tile edge of the matrix product: 16×16 work items per group, each computing one output. */
    public static final int TILE = 16;
    /** Work items of the single work-group used by reductions. */
    public static final int GROUP = 256;
    /** Bins of the histogram op. */
    public static final int BINS = 64;

    public static final int OP_BYTES_TO_FLOATS = 1;
    public static final int OP_MATMUL = 2;
    public static final int OP_BIAS_ACTIVATION = 3;
    public static final int OP_RELU_BACKWARD = 4;
    public static final int OP_SUM_ROWS = 5;
    public static final int OP_IM2COL = 6;
    public static final int OP_COL2IM = 7;
    public static final int OP_MAXPOOL_FORWARD = 8;
    public static final int OP_MAXPOOL_BACKWARD = 9;
    public static final int OP_SOFTMAX_CROSS_ENTROPY = 10;
    public static final int OP_RMSPROP_UPDATE = 11;
    public static final int OP_SGD_UPDATE = 12;
    public static final int OP_STATS = 13;
    public static final int OP_HISTOGRAM_PARTIAL = 14;
    public static final int OP_HISTOGRAM_REDUCE = 15;

    // ---- device memory ----
    /** The arena: every float tensor of the model at its own offset. */
    public float[] mem;
    /** Max-pool argmax indices (absolute offsets into {@link #mem}). */
    public int[] imem;
    /** The batch's pixels as sent by the host: unsigned bytes. */
    public byte[] pixels;
    /** The batch's labels. */
    public int[] labels;
    /** Small results read back by the host: loss, correct, then statistics. */
    public float[] out;
    /** Per-work-item partial histograms, GROUP × BINS. */
    public int[] hist;

    // ---- the op and its arguments ----
    public int op;
    /** Number of work items the op needs (global sizes are rounded up to whole work-groups). */
    public int n;

    /** bytesToFloats: where the batch's floats go. */
    public int batchX;

    public int gemmA;
    public int gemmB;
    public int gemmC;
    public int gemmM;
    public int gemmN;
    public int gemmK;
    public int gemmTransA;
    public int gemmTransB;
    public int gemmAccumulate;

    public int biasY;
    public int biasB;
    public int biasCols;
    public int biasRelu;

    public int reluY;
    public int reluDy;
    public int reluDz;

    public int sumDy;
    public int sumDb;
    public int sumRowCount;
    public int sumCols;

    /** Geometry shared by im2col and col2im: input h×w×c, kernel k×k, output oh×ow, top/left padding. */
    public int convX;
    public int convDx;
    public int convPatches;
    public int convH;
    public int convW;
    public int convC;
    public int convK;
    public int convOh;
    public int convOw;
    public int convPadTop;
    public int convPadLeft;

    public int poolX;
    public int poolY;
    public int poolDx;
    public int poolDy;
    public int poolArgmax;
    public int poolH;
    public int poolW;
    public int poolC;
    public int poolP;

    public int smZ;
    public int smProbs;
    public int smDz;
    public int smBatch;
    public int smClasses;

    public int optTheta;
    public int optGrad;
    public int optM;
    public int optB;
    public float optLr;
    public float optRho;
    public float optMomentum;
    public float optEpsilon;

    /** stats and histogram: the range mem[statsOff, statsOff + statsCount). */
    public int statsOff;
    public int statsCount;
    public float histLo;
    public float histHi;

    @Local
    final float[] tileA = new float[TILE * TILE];
    @Local
    final float[] tileB = new float[TILE * TILE];
    @Local
    final float[] redSum = new float[GROUP];
    @Local
    final float[] redSq = new float[GROUP];
    @Local
    final float[] redMin = new float[GROUP];
    @Local
    final float[] redMax = new float[GROUP];

    @Override
    public void run() {
        if (op == OP_MATMUL) {
            matmul();
        } else if (op == OP_SOFTMAX_CROSS_ENTROPY) {
            softmaxCrossEntropy();
        } else if (op == OP_STATS) {
            stats();
        } else {
            int i = getGlobalId(0);
            if (i < n) {
                if (op == OP_BYTES_TO_FLOATS) {
                    bytesToFloats(i);
                } else if (op == OP_BIAS_ACTIVATION) {
                    biasActivation(i);
                } else if (op == OP_RELU_BACKWARD) {
                    reluBackward(i);
                } else if (op == OP_SUM_ROWS) {
                    sumRows(i);
                } else if (op == OP_IM2COL) {
                    im2col(i);
                } else if (op == OP_COL2IM) {
                    col2im(i);
                } else if (op == OP_MAXPOOL_FORWARD) {
                    maxpoolForward(i);
                } else if (op == OP_MAXPOOL_BACKWARD) {
                    maxpoolBackward(i);
                } else if (op == OP_RMSPROP_UPDATE) {
                    rmspropUpdate(i);
                } else if (op == OP_SGD_UPDATE) {
                    sgdUpdate(i);
                } else if (op == OP_HISTOGRAM_PARTIAL) {
                    histogramPartial(i);
                } else if (op == OP_HISTOGRAM_REDUCE) {
                    histogramReduce(i);
                }
            }
        }
    }

    /** x = pixel / 255: the batch arrives as bytes (a quarter of the floats' size) and is widened here. */
    void bytesToFloats(int i) {
        mem[batchX + i] = (pixels[i] & 0xff) * (1f / 255f);
    }

    /**
     * C = op(A)·op(B) (+ C), tiled: each 16×16 work-group computes a 16×16 block of C, walking the shared
     * dimension one tile at a time; every work item loads one element of the A tile and one of the B tile
     * into local memory, so each element read from global memory serves 16 multiply-adds. Loads past the
     * edge of A or B put zeros in the tile, so any size works. Mirrors {@code Gemm.matmul} and its
     * transposed forms: op(A)[row][k] is A[k][row] when transA, op(B)[k][col] is B[col][k] when transB.
     */
    void matmul() {
        int col = getGlobalId(0);
        int row = getGlobalId(1);
        int lc = getLocalId(0);
        int lr = getLocalId(1);
        float acc = 0f;
        int tiles = (gemmK + TILE - 1) / TILE;
        for (int t = 0; t < tiles; t++) {
            int ka = t * TILE + lc;
            float av = 0f;
            if (row < gemmM && ka < gemmK) {
                av = gemmTransA == 1 ? mem[gemmA + ka * gemmM + row] : mem[gemmA + row * gemmK + ka];
            }
            tileA[lr * TILE + lc] = av;
            int kb = t * TILE + lr;
            float bv = 0f;
            if (kb < gemmK && col < gemmN) {
                bv = gemmTransB == 1 ? mem[gemmB + col * gemmK + kb] : mem[gemmB + kb * gemmN + col];
            }
            tileB[lr * TILE + lc] = bv;
            localBarrier();
            for (int p = 0; p < TILE; p++) {
                acc += tileA[lr * TILE + p] * tileB[p * TILE + lc];
            }
            localBarrier();
        }
        if (row < gemmM && col < gemmN) {
            int at = gemmC + row * gemmN + col;
            mem[at] = gemmAccumulate == 1 ? mem[at] + acc : acc;
        }
    }

    /** y = act(y + b) for every element of a rows×cols block; act is ReLU or the identity. */
    void biasActivation(int i) {
        float v = mem[biasY + i] + mem[biasB + i % biasCols];
        mem[biasY + i] = biasRelu == 1 && v < 0f ? 0f : v;
    }

    /** dz = dy · [y > 0], as {@code Relu.reluBackward}. */
    void reluBackward(int i) {
        mem[reluDz + i] = mem[reluY + i] > 0f ? mem[reluDy + i] : 0f;
    }

    /** db[j] = Σ_r dy[r][j], one work item per column, rows summed in order as {@code MatMul.sumRows}. */
    void sumRows(int j) {
        float s = 0f;
        for (int r = 0; r < sumRowCount; r++) {
            s += mem[sumDy + r * sumCols + j];
        }
        mem[sumDb + j] = s;
    }

    /**
     * One element of the patch matrix: row (n, i, j) of the output, column (di, dj, c) of the kernel;
     * zero where the receptive field hangs over the padded edge. Mirrors {@code Conv.im2col}.
     */
    void im2col(int e) {
        int ps = convK * convK * convC;
        int rowIndex = e / ps;
        int colIndex = e % ps;
        int c = colIndex % convC;
        int dj = (colIndex / convC) % convK;
        int di = colIndex / (convC * convK);
        int j = rowIndex % convOw;
        int i = (rowIndex / convOw) % convOh;
        int img = rowIndex / (convOw * convOh);
        int xi = i + di - convPadTop;
        int xj = j + dj - convPadLeft;
        float v = 0f;
        if (xi >= 0 && xi < convH && xj >= 0 && xj < convW) {
            v = mem[convX + ((img * convH + xi) * convW + xj) * convC + c];
        }
        mem[convPatches + e] = v;
    }

    /**
     * One element of dx, gathered: the sum of the patch-matrix gradients of every output position whose
     * receptive field covers input (img, p, q, c). Gathering instead of scattering needs no atomics;
     * the result is the adjoint of im2col, as {@code Conv.col2im}.
     */
    void col2im(int e) {
        int c = e % convC;
        int q = (e / convC) % convW;
        int p = (e / (convC * convW)) % convH;
        int img = e / (convC * convW * convH);
        int ps = convK * convK * convC;
        float s = 0f;
        for (int di = 0; di < convK; di++) {
            int i = p - di + convPadTop;
            for (int dj = 0; dj < convK; dj++) {
                int j = q - dj + convPadLeft;
                if (i >= 0 && i < convOh && j >= 0 && j < convOw) {
                    s += mem[convPatches + ((img * convOh + i) * convOw + j) * ps + (di * convK + dj) * convC + c];
                }
            }
        }
        mem[convDx + e] = s;
    }

    /** One output of p×p max pooling, stride p; remembers where the max was. Mirrors {@code MaxPool.maxpoolForward}. */
    void maxpoolForward(int o) {
        int oh = poolH / poolP;
        int ow = poolW / poolP;
        int c = o % poolC;
        int j = (o / poolC) % ow;
        int i = (o / (poolC * ow)) % oh;
        int img = o / (poolC * ow * oh);
        int best = poolX + ((img * poolH + i * poolP) * poolW + j * poolP) * poolC + c;
        float max = mem[best];
        for (int di = 0; di < poolP; di++) {
            for (int dj = 0; dj < poolP; dj++) {
                int at = poolX + ((img * poolH + i * poolP + di) * poolW + j * poolP + dj) * poolC + c;
                if (mem[at] > max) {
                    max = mem[at];
                    best = at;
                }
            }
        }
        mem[poolY + o] = max;
        imem[poolArgmax + o] = best;
    }

    /**
     * One input element's gradient: the gradient of the output whose window holds it if it was that
     * window's max, else zero. Windows do not overlap, so each input has at most one output (gathered,
     * no atomics). argmax holds offsets into the forward input x, which has dx's layout. Mirrors
     * {@code MaxPool.maxpoolBackward}.
     */
    void maxpoolBackward(int e) {
        int oh = poolH / poolP;
        int ow = poolW / poolP;
        int c = e % poolC;
        int q = (e / poolC) % poolW;
        int p = (e / (poolC * poolW)) % poolH;
        int img = e / (poolC * poolW * poolH);
        int i = p / poolP;
        int j = q / poolP;
        float g = 0f;
        if (i < oh && j < ow) {
            int o = ((img * oh + i) * ow + j) * poolC + c;
            if (imem[poolArgmax + o] == poolX + e) {
                g = mem[poolDy + o];
            }
        }
        mem[poolDx + e] = g;
    }

    /**
     * Softmax, cross-entropy and its gradient, in one work-group: each work item takes rows lid,
     * lid + GROUP, …, computes p = exp(z − max z − log Σ exp(z − max z)) (log-sum-exp, stable), the row's
     * loss log Σ exp(z − max z) − (z_label − max z), dz = (p − onehot) / B and whether the argmax is the
     * label; then the group adds up loss and correct in local memory. out[0] = mean loss, out[1] = correct.
     * Mirrors {@code SoftmaxCrossEntropy.softmaxCrossEntropyForwardBackward}.
     */
    void softmaxCrossEntropy() {
        int lid = getLocalId(0);
        float loss = 0f;
        float correct = 0f;
        for (int r = lid; r < smBatch; r += GROUP) {
            int o = smZ + r * smClasses;
            float max = mem[o];
            int arg = 0;
            for (int k = 1; k < smClasses; k++) {
                if (mem[o + k] > max) {
                    max = mem[o + k];
                    arg = k;
                }
            }
            float sum = 0f;
            for (int k = 0; k < smClasses; k++) {
                sum += exp(mem[o + k] - max);
            }
            float logSum = log(sum);
            int label = labels[r];
            loss += logSum - (mem[o + label] - max);
            if (arg == label) {
                correct += 1f;
            }
            for (int k = 0; k < smClasses; k++) {
                float pk = exp(mem[o + k] - max - logSum);
                mem[smProbs + r * smClasses + k] = pk;
                if (smDz >= 0) {
                    mem[smDz + r * smClasses + k] = (pk - (k == label ? 1f : 0f)) / smBatch;
                }
            }
        }
        redSum[lid] = loss;
        redSq[lid] = correct;
        localBarrier();
        for (int stride = GROUP / 2; stride > 0; stride /= 2) {
            if (lid < stride) {
                redSum[lid] += redSum[lid + stride];
                redSq[lid] += redSq[lid + stride];
            }
            localBarrier();
        }
        if (lid == 0) {
            out[0] = redSum[0] / smBatch;
            out[1] = redSq[0];
        }
    }

    /** The lab's RMSprop, one element: m = γm + (1−γ)g²; b = βb + αg/sqrt(m + ε); θ = θ − b. */
    void rmspropUpdate(int i) {
        float g = mem[optGrad + i];
        float m = optRho * mem[optM + i] + (1f - optRho) * g * g;
        float b = optMomentum * mem[optB + i] + optLr * g / sqrt(m + optEpsilon);
        mem[optM + i] = m;
        mem[optB + i] = b;
        mem[optTheta + i] = mem[optTheta + i] - b;
    }

    /** Gradient descent with momentum, one element: b = βb + αg; θ = θ − b. */
    void sgdUpdate(int i) {
        float b = optMomentum * mem[optB + i] + optLr * mem[optGrad + i];
        mem[optB + i] = b;
        mem[optTheta + i] = mem[optTheta + i] - b;
    }

    /**
     * Sum, sum of squares, min and max of mem[statsOff, statsOff + statsCount), in one work-group (each item
     * strides over the range, then a tree reduction in local memory): out[2..5]. The host derives the
     * mean and the L2 norm, sqrt(sum of squares).
     */
    void stats() {
        int lid = getLocalId(0);
        float s = 0f;
        float sq = 0f;
        float mn = 3.4028235e38f;
        float mx = -3.4028235e38f;
        for (int i = lid; i < statsCount; i += GROUP) {
            float v = mem[statsOff + i];
            s += v;
            sq += v * v;
            mn = min(mn, v);
            mx = max(mx, v);
        }
        redSum[lid] = s;
        redSq[lid] = sq;
        redMin[lid] = mn;
        redMax[lid] = mx;
        localBarrier();
        for (int stride = GROUP / 2; stride > 0; stride /= 2) {
            if (lid < stride) {
                redSum[lid] += redSum[lid + stride];
                redSq[lid] += redSq[lid + stride];
                redMin[lid] = min(redMin[lid], redMin[lid + stride]);
                redMax[lid] = max(redMax[lid], redMax[lid + stride]);
            }
            localBarrier();
        }
        if (lid == 0) {
            out[2] = redSum[0];
            out[3] = redSq[0];
            out[4] = redMin[0];
            out[5] = redMax[0];
        }
    }

    /** Work item g counts the elements g, g + GROUP, … into its own row of {@link #hist}: no two write one place. */
    void histogramPartial(int g) {
        for (int b = 0; b < BINS; b++) {
            hist[g * BINS + b] = 0;
        }
        float scale = histHi > histLo ? BINS / (histHi - histLo) : 0f;
        for (int i = g; i < statsCount; i += GROUP) {
            int b = (int) ((mem[statsOff + i] - histLo) * scale);
            b = b < 0 ? 0 : b;
            b = b >= BINS ? BINS - 1 : b;
            hist[g * BINS + b] = hist[g * BINS + b] + 1;
        }
    }

    /** Bin b of the histogram: the sum of column b of the partial histograms, into row 0. */
    void histogramReduce(int b) {
        int s = 0;
        for (int g = 0; g < GROUP; g++) {
            s += hist[g * BINS + b];
        }
        hist[b] = s;
    }
}
