package gradstep.engine.backend;

import gradstep.engine.ops.Conv;
import gradstep.engine.ops.Gemm;
import gradstep.engine.ops.MatMul;
import gradstep.engine.ops.MaxPool;
import gradstep.engine.ops.Relu;
import gradstep.engine.ops.SoftmaxCrossEntropy;
import gradstep.engine.ops.Stats;
import gradstep.engine.optim.RmsProp;
import gradstep.engine.optim.Sgd;
import gradstep.engine.util.Rng;
import gradstep.kernels.DeviceRunner;
import gradstep.kernels.KernelFailure;
import gradstep.kernels.TrainingKernel;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every kernel op on a device against the plain-Java op it mirrors, on random inputs of awkward
 * sizes (not multiples of the tile), and reports each op's error: the largest absolute difference
 * divided by the largest magnitude of the reference result. {@code gradstep selftest} prints it; the
 * OpenCL backend runs it when it opens, so a driver that computes wrong is never trained on.
 */
public final class SelfTest {
    /** Float tolerance of the scaled max error; float rounding of these sizes stays below 1e-5. */
    public static final double TOLERANCE = 1e-4;

    /** One op's outcome. */
    public record Check(String op, String shape, double error, boolean passed) {
    }

    private final DeviceRunner runner;
    private final Rng rng;
    private final List<Check> checks = new ArrayList<>();
    private int top;

    private SelfTest(DeviceRunner runner, long seed) {
        this.runner = runner;
        this.rng = new Rng(seed);
    }

    /** Arena size {@link #run} needs. */
    static final int FLOATS = 1 << 20;

    /**
     * Runs every check on a fresh runner for {@code device}; {@code scale} 1 for the quick check at open,
     * larger for {@code gradstep selftest}. A kernel that fails to run is reported as a failed check.
     */
    public static List<Check> run(com.aparapi.device.Device device, int scale, long seed) {
        try (DeviceRunner r = new DeviceRunner(device, FLOATS * scale, 1 << 16, 4096, 1024)) {
            r.compile();
            SelfTest t = new SelfTest(r, seed);
            t.all(scale);
            return t.checks;
        }
    }

    private void all(int scale) {
        int s = scale;
        bytesToFloats(1000 * s + 3);
        for (int[] mkn : new int[][]{{37, 53, 29}, {16 * s + 1, 33, 16}, {5, 7 * s + 2, 3}}) {
            matmul(mkn[0], mkn[1], mkn[2], false, false, false);
            matmul(mkn[0], mkn[1], mkn[2], true, false, false);
            matmul(mkn[0], mkn[1], mkn[2], false, true, true);
        }
        biasActivation(13 * s, 17, true);
        biasActivation(9, 10, false);
        reluBackward(1001 * s);
        sumRows(77 * s, 19);
        conv(new Conv.Geometry(7, 6, 3, 3, 4, false), 2);
        conv(new Conv.Geometry(5, 5, 2, 3, 3, true), 3);
        conv(new Conv.Geometry(6, 4, 1, 2, 2, true), 2);
        maxpool(2, 7, 5, 3, 2);
        maxpool(1, 6, 6, 2, 3);
        softmax(37 * s, 10);
        softmax(300, 10);
        rmsprop(999 * s);
        sgd(1003);
        stats(5000 * s + 7);
    }

    private int alloc(int n) {
        int at = top;
        top += n;
        if (top > runner.arena().length) {
            throw new IllegalStateException("self-test arena too small");
        }
        return at;
    }

    private float[] put(int at, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((2 * rng.nextDouble() - 1) * scale);
        }
        System.arraycopy(v, 0, runner.arena(), at, n);
        return v;
    }

    private float[] fetch(int at, int n) {
        float[] v = new float[n];
        System.arraycopy(runner.arena(), at, v, 0, n);
        return v;
    }

    private void record(String op, String shape, float[] got, float[] want) {
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < want.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) got[i] - want[i]));
            maxRef = Math.max(maxRef, Math.abs(want[i]));
        }
        double err = maxDiff / Math.max(maxRef, 1e-6);
        if (Double.isNaN(err)) {
            err = Double.POSITIVE_INFINITY;
        }
        checks.add(new Check(op, shape, err, err < TOLERANCE));
    }

    /** Runs one op's device side; a kernel that fails is a failed check, not an abort. */
    private boolean device(String op, String shape, Runnable r) {
        try {
            r.run();
            runner.download();
            return true;
        } catch (KernelFailure e) {
            checks.add(new Check(op, shape, Double.POSITIVE_INFINITY, false));
            return false;
        }
    }

    private void reset() {
        top = 0;
    }

    private void bytesToFloats(int n) {
        reset();
        byte[] px = new byte[n];
        int[] labels = new int[1];
        for (int i = 0; i < n; i++) {
            px[i] = (byte) rng.nextInt(256);
        }
        int dst = alloc(n);
        float[] want = new float[n];
        for (int i = 0; i < n; i++) {
            want[i] = (px[i] & 0xff) * (1f / 255f);
        }
        if (n > 4096) {
            n = 4096; // the runner's batch buffer
        }
        int count = n;
        runner.upload();
        if (device("bytesToFloats", "(" + count + ",)", () -> runner.batch(px, labels, 1, count, dst))) {
            record("bytesToFloats", "(" + count + ",)", fetch(dst, count), java.util.Arrays.copyOf(want, count));
        }
    }

    private void matmul(int m, int k, int n, boolean transA, boolean transB, boolean accumulate) {
        reset();
        int a = alloc(m * k), b = alloc(k * n), c = alloc(m * n);
        float[] av = put(a, m * k, 1), bv = put(b, k * n, 1), cv = put(c, m * n, 1);
        float[] want = cv.clone();
        if (transA) {
            Gemm.matmulTransA(av, bv, want, m, k, n, accumulate);
        } else if (transB) {
            Gemm.matmulTransB(av, bv, want, m, k, n, accumulate);
        } else {
            Gemm.matmul(av, bv, want, m, k, n, accumulate);
        }
        runner.upload();
        String shape = m + "x" + k + "x" + n + (transA ? " Aᵀ" : "") + (transB ? " Bᵀ" : "") + (accumulate ? " +=" : "");
        if (device("matmul", shape, () -> runner.matmul(a, b, c, m, k, n, transA, transB, accumulate))) {
            record("matmul", shape, fetch(c, m * n), want);
        }
    }

    private void biasActivation(int rows, int cols, boolean relu) {
        reset();
        int y = alloc(rows * cols), bias = alloc(cols);
        float[] yv = put(y, rows * cols, 1), bv = put(bias, cols, 1);
        float[] want = yv.clone();
        MatMul.addBias(want, bv, rows, cols);
        if (relu) {
            Relu.reluForward(want, want, want.length);
        }
        runner.upload();
        String shape = rows + "x" + cols + (relu ? " relu" : " linear");
        if (device("biasActivation", shape, () -> runner.biasActivation(y, bias, rows, cols, relu))) {
            record("biasActivation", shape, fetch(y, rows * cols), want);
        }
    }

    private void reluBackward(int n) {
        reset();
        int y = alloc(n), dy = alloc(n), dz = alloc(n);
        float[] yv = put(y, n, 1), dyv = put(dy, n, 1);
        float[] want = new float[n];
        Relu.reluBackward(yv, dyv, want, n);
        runner.upload();
        if (device("reluBackward", "(" + n + ",)", () -> runner.reluBackward(y, dy, dz, n))) {
            record("reluBackward", "(" + n + ",)", fetch(dz, n), want);
        }
    }

    private void sumRows(int rows, int cols) {
        reset();
        int dy = alloc(rows * cols), db = alloc(cols);
        float[] dyv = put(dy, rows * cols, 1);
        float[] want = new float[cols];
        MatMul.sumRows(dyv, want, rows, cols);
        runner.upload();
        if (device("sumRows", rows + "x" + cols, () -> runner.sumRows(dy, db, rows, cols))) {
            record("sumRows", rows + "x" + cols, fetch(db, cols), want);
        }
    }

    private void conv(Conv.Geometry g, int batch) {
        reset();
        int xs = batch * g.h() * g.w() * g.in();
        int ps = batch * g.oh() * g.ow() * g.patchSize();
        int x = alloc(xs), patches = alloc(ps), dx = alloc(xs);
        float[] xv = put(x, xs, 1);
        float[] wantPatches = new float[ps];
        Conv.im2col(xv, wantPatches, batch, g);
        String shape = g.h() + "x" + g.w() + "x" + g.in() + " k" + g.k() + (g.same() ? " same" : " valid");
        runner.upload();
        runner.convGeometry(g.h(), g.w(), g.in(), g.k(), g.oh(), g.ow(), g.padTop(), g.padLeft());
        if (device("im2col", shape, () -> runner.im2col(x, patches, batch))) {
            record("im2col", shape, fetch(patches, ps), wantPatches);
        }
        float[] dp = put(patches, ps, 1);
        float[] wantDx = new float[xs];
        Conv.col2im(dp, wantDx, batch, g);
        runner.upload();
        if (device("col2im", shape, () -> runner.col2im(patches, dx, batch))) {
            record("col2im", shape, fetch(dx, xs), wantDx);
        }
    }

    private void maxpool(int batch, int h, int w, int c, int p) {
        reset();
        int in = batch * h * w * c, out = batch * (h / p) * (w / p) * c;
        int x = alloc(in), y = alloc(out), dy = alloc(out), dx = alloc(in);
        float[] xv = put(x, in, 1), dyv = put(dy, out, 1);
        float[] wantY = new float[out];
        int[] argmax = new int[out];
        MaxPool.maxpoolForward(xv, wantY, argmax, batch, h, w, c, p);
        float[] wantDx = new float[in];
        MaxPool.maxpoolBackward(dyv, argmax, wantDx, batch, h, w, c, p);
        runner.upload();
        String shape = h + "x" + w + "x" + c + " p" + p;
        if (device("maxpoolForward", shape, () -> runner.maxpoolForward(x, y, 0, batch, h, w, c, p))) {
            record("maxpoolForward", shape, fetch(y, out), wantY);
        }
        if (device("maxpoolBackward", shape, () -> runner.maxpoolBackward(x, dy, 0, dx, batch, h, w, c, p))) {
            record("maxpoolBackward", shape, fetch(dx, in), wantDx);
        }
    }

    private void softmax(int batch, int classes) {
        reset();
        int z = alloc(batch * classes), probs = alloc(batch * classes), dz = alloc(batch * classes);
        float[] zv = put(z, batch * classes, 8);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = rng.nextInt(classes);
        }
        float[] wantP = new float[batch * classes], wantDz = new float[batch * classes];
        SoftmaxCrossEntropy.Result want = SoftmaxCrossEntropy.softmaxCrossEntropyForwardBackward(zv, labels, wantP, wantDz, batch, classes);
        runner.upload();
        float[][] got = new float[1][];
        String shape = batch + "x" + classes;
        // The labels travel with a batch; send them with an empty image so only they matter here.
        if (device("softmaxCrossEntropy", shape, () -> {
            runner.batch(new byte[0], labels, batch, 0, 0);
            got[0] = runner.softmaxCrossEntropy(z, probs, dz, batch, classes);
        })) {
            float[] gotAll = new float[2 * batch * classes + 2];
            float[] wantAll = new float[2 * batch * classes + 2];
            System.arraycopy(fetch(probs, batch * classes), 0, gotAll, 0, batch * classes);
            System.arraycopy(wantP, 0, wantAll, 0, batch * classes);
            // dz is tiny (÷ batch): compare it at the scale of the probabilities.
            float[] gdz = fetch(dz, batch * classes);
            for (int i = 0; i < batch * classes; i++) {
                gotAll[batch * classes + i] = gdz[i] * batch;
                wantAll[batch * classes + i] = wantDz[i] * batch;
            }
            gotAll[gotAll.length - 2] = got[0][0];
            wantAll[wantAll.length - 2] = (float) want.loss();
            gotAll[gotAll.length - 1] = got[0][1] == want.correct() ? 0 : 1;
            record("softmaxCrossEntropy", shape, gotAll, wantAll);
        }
    }

    private void rmsprop(int n) {
        reset();
        int theta = alloc(n), g = alloc(n), m = alloc(n), b = alloc(n);
        float[] tv = put(theta, n, 1), gv = put(g, n, 1), mv = put(m, n, 1), bv = put(b, n, 0.01);
        for (int i = 0; i < n; i++) {
            mv[i] = Math.abs(mv[i]);
            runner.arena()[m + i] = mv[i];
        }
        float lr = 0.01f, rho = 0.9f, mom = 0.5f, eps = 1e-7f;
        RmsProp.rmspropUpdate(tv, gv, mv, bv, lr, rho, mom, eps);
        runner.upload();
        if (device("rmspropUpdate", "(" + n + ",)", () -> runner.rmspropUpdate(theta, g, m, b, n, lr, rho, mom, eps))) {
            float[] got = concat(fetch(theta, n), fetch(m, n), fetch(b, n));
            record("rmspropUpdate", "(" + n + ",)", got, concat(tv, mv, bv));
        }
    }

    private void sgd(int n) {
        reset();
        int theta = alloc(n), g = alloc(n), b = alloc(n);
        float[] tv = put(theta, n, 1), gv = put(g, n, 1), bv = put(b, n, 0.1);
        Sgd.sgdUpdate(tv, gv, bv, 0.05f, 0.9f);
        runner.upload();
        if (device("sgdUpdate", "(" + n + ",)", () -> runner.sgdUpdate(theta, g, b, n, 0.05f, 0.9f))) {
            record("sgdUpdate", "(" + n + ",)", concat(fetch(theta, n), fetch(b, n)), concat(tv, bv));
        }
    }

    private void stats(int n) {
        reset();
        int v = alloc(n);
        float[] vv = put(v, n, 3);
        Stats.Summary want = Stats.summary(vv, 0, n);
        int[] wantHist = Stats.histogram(vv, 0, n, want.min(), want.max(), TrainingKernel.BINS);
        runner.upload();
        float[][] got = new float[1][];
        int[][] hist = new int[1][];
        if (device("stats", "(" + n + ",)", () -> got[0] = runner.stats(v, n))) {
            record("stats", "(" + n + ",)", got[0], new float[]{(float) want.sum(), (float) want.sumOfSquares(), want.min(), want.max()});
        }
        if (device("histogram", "(" + n + ",)", () -> hist[0] = runner.histogram(v, n, want.min(), want.max()))) {
            float[] g = new float[TrainingKernel.BINS], w = new float[TrainingKernel.BINS];
            for (int i = 0; i < g.length; i++) {
                g[i] = hist[0][i];
                w[i] = wantHist[i];
            }
            record("histogram", "(" + n + ",)", g, w);
        }
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
