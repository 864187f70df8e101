package gradstep.engine.ops;

import gradstep.engine.util.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The optimizer updates of the fast CPU path, vectorised, with the training log's sums Σg², Σb², Σθ²
 * taken in the same pass (the update already streams every one of those arrays; a second pass for the
 * log would cost more than the update). Each lane does the reference's float operations in the
 * reference's order, unfused, so θ, m and b come out bit for bit as {@code RmsProp.rmspropUpdate} and
 * {@code Sgd.sgdUpdate} make them.
 */
public final class FusedUpdate {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private FusedUpdate() {
    }

    /** m = γm + (1−γ)g²; b = βb + αg/sqrt(m+ε); θ = θ − b; returns {Σg², Σb², Σθ²} (θ after). */
    public static double[] rmsprop(float[] theta, float[] g, float[] m, float[] b, float lr, float rho, float momentum,
                                   float epsilon) {
        return run(theta, g, m, b, lr, rho, momentum, epsilon, true);
    }

    /** b = βb + αg; θ = θ − b; returns {Σg², Σb², Σθ²}. */
    public static double[] sgd(float[] theta, float[] g, float[] b, float lr, float momentum) {
        return run(theta, g, null, b, lr, 0, momentum, 0, false);
    }

    private static double[] run(float[] theta, float[] g, float[] m, float[] b, float lr, float rho, float momentum,
                                float epsilon, boolean rms) {
        int chunks = 16, n = theta.length;
        double[][] part = new double[chunks][];
        Parallel.forRange(chunks, 4L * n, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
                part[c] = chunk(theta, g, m, b, lr, rho, momentum, epsilon, rms, from, to);
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

    private static double[] chunk(float[] theta, float[] g, float[] m, float[] b, float lr, float rho, float momentum,
                                  float epsilon, boolean rms, int from, int to) {
        int l = S.length();
        int full = from + (to - from) / l * l;
        FloatVector sg = FloatVector.zero(S), sb = FloatVector.zero(S), st = FloatVector.zero(S);
        float oneMinusRho = 1 - rho;
        for (int i = from; i < full; i += l) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector bv;
            if (rms) {
                FloatVector mv = FloatVector.fromArray(S, m, i).mul(rho).add(gv.mul(oneMinusRho).mul(gv));
                mv.intoArray(m, i);
                bv = FloatVector.fromArray(S, b, i).mul(momentum).add(gv.mul(lr).div(mv.add(epsilon).lanewise(VectorOperators.SQRT)));
            } else {
                bv = FloatVector.fromArray(S, b, i).mul(momentum).add(gv.mul(lr));
            }
            bv.intoArray(b, i);
            FloatVector tv = FloatVector.fromArray(S, theta, i).sub(bv);
            tv.intoArray(theta, i);
            sg = gv.fma(gv, sg);
            sb = bv.fma(bv, sb);
            st = tv.fma(tv, st);
        }
        double tg = 0, tb = 0, tt = 0;
        for (int i = full; i < to; i++) {
            if (rms) {
                m[i] = rho * m[i] + (1 - rho) * g[i] * g[i];
                b[i] = momentum * b[i] + lr * g[i] / (float) Math.sqrt(m[i] + epsilon);
            } else {
                b[i] = momentum * b[i] + lr * g[i];
            }
            theta[i] -= b[i];
            tg += g[i] * g[i];
            tb += b[i] * b[i];
            tt += theta[i] * theta[i];
        }
        return new double[]{sg.reduceLanes(VectorOperators.ADD) + tg, sb.reduceLanes(VectorOperators.ADD) + tb,
                st.reduceLanes(VectorOperators.ADD) + tt};
    }
}
