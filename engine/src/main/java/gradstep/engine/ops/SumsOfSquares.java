package gradstep.engine.ops;

import gradstep.engine.util.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Σg², Σb², Σθ² of a parameter's gradient, update and value in one pass: the per-step norms that the
 * training log records. Vectorised where the Vector API is there (a log must cost well under 5% of a
 * step, and these are three passes over every parameter); chunks on the worker threads, each summed in
 * float vectors and added up in double.
 */
public final class SumsOfSquares {
    private static final int CHUNKS = 16;

    private SumsOfSquares() {
    }

    /** {Σg², Σb², Σv²}; {@code b} may be null (no optimizer state). */
    public static double[] of(float[] g, float[] b, float[] v) {
        double[][] part = new double[CHUNKS][3];
        int n = g.length;
        boolean vector = Gemm.vectorApiAvailable();
        Parallel.forRange(CHUNKS, 3L * n, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int from = (int) ((long) n * c / CHUNKS), to = (int) ((long) n * (c + 1) / CHUNKS);
                part[c] = vector ? vectorised(g, b, v, from, to) : plain(g, b, v, from, to);
            }
        });
        double[] total = new double[3];
        for (double[] p : part) {
            total[0] += p[0];
            total[1] += p[1];
            total[2] += p[2];
        }
        return total;
    }

    static double[] plain(float[] g, float[] b, float[] v, int from, int to) {
        double sg = 0, sb = 0, sv = 0;
        for (int i = from; i < to; i++) {
            sg += g[i] * g[i];
            sv += v[i] * v[i];
        }
        if (b != null) {
            for (int i = from; i < to; i++) {
                sb += b[i] * b[i];
            }
        }
        return new double[]{sg, sb, sv};
    }

    static double[] vectorised(float[] g, float[] b, float[] v, int from, int to) {
        int l = VectorGemm.L;
        int full = from + (to - from) / l * l;
        FloatVector ag = FloatVector.zero(VectorGemm.S), ab = FloatVector.zero(VectorGemm.S), av = FloatVector.zero(VectorGemm.S);
        for (int i = from; i < full; i += l) {
            FloatVector x = FloatVector.fromArray(VectorGemm.S, g, i);
            ag = x.fma(x, ag);
            FloatVector y = FloatVector.fromArray(VectorGemm.S, v, i);
            av = y.fma(y, av);
        }
        if (b != null) {
            for (int i = from; i < full; i += l) {
                FloatVector x = FloatVector.fromArray(VectorGemm.S, b, i);
                ab = x.fma(x, ab);
            }
        }
        double[] tail = plain(g, b, v, full, to);
        return new double[]{ag.reduceLanes(VectorOperators.ADD) + tail[0], ab.reduceLanes(VectorOperators.ADD) + tail[1],
                av.reduceLanes(VectorOperators.ADD) + tail[2]};
    }
}
