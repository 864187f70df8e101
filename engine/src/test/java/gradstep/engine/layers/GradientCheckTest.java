package gradstep.engine.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradstep.engine.ops.Conv;
import gradstep.engine.ops.SoftmaxCrossEntropy;
import gradstep.engine.tensor.Shape;
import gradstep.engine.util.Rng;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every layer's backward pass against numerical gradients.
 *
 * <p>How: each layer has a plain double-precision forward here (an independent "oracle", written
 * straight from the formula). For a random upstream gradient r, the objective is J = Σ r·f(x, θ); its
 * gradient is estimated by central differences, (J(v+h) − J(v−h)) / 2h with h = 1e-6, in double, for every
 * element v of the input and of every parameter. The layer's float backward, given dy = r, must match:
 * relative error ‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖) below {@value #TOLERANCE} per tensor
 * (double central differences are good to ~1e-9 here; float rounding of the analytic side is ~1e-7).
 * The float forward must also match the oracle, to {@value #FORWARD_TOLERANCE}.
 */
class GradientCheckTest {
    static final double TOLERANCE = 1e-4;
    static final double FORWARD_TOLERANCE = 1e-5;
    static final double H = 1e-6;

    /** Forward in double: (input, params...) to output. */
    interface Oracle extends Function<double[][], double[]> {
    }

    static float[] random(Rng rng, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((2 * rng.nextDouble() - 1) * scale);
        }
        return a;
    }

    static double[] toDouble(float[] a, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[i];
        }
        return d;
    }

    static double relativeError(float[] analytic, double[] numeric) {
        double diff = 0, a = 0, b = 0;
        for (int i = 0; i < numeric.length; i++) {
            diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
            a += (double) analytic[i] * analytic[i];
            b += numeric[i] * numeric[i];
        }
        double denom = Math.sqrt(a) + Math.sqrt(b);
        return denom == 0 ? 0 : Math.sqrt(diff) / denom;
    }

    static double dot(double[] a, float[] r) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * r[i];
        }
        return s;
    }

    /** Numerical gradient of J = Σ r·oracle(args) with respect to args[which]. */
    static double[] numeric(Oracle oracle, double[][] args, int which, float[] r) {
        double[] v = args[which];
        double[] g = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double keep = v[i];
            v[i] = keep + H;
            double plus = dot(oracle.apply(args), r);
            v[i] = keep - H;
            double minus = dot(oracle.apply(args), r);
            v[i] = keep;
            g[i] = (plus - minus) / (2 * H);
        }
        return g;
    }

    /** Runs the check on {@code layer} for a random batch; {@code inputGrad}: whether dx is expected. */
    static void check(Layer layer, int batch, Oracle oracle, long seed) {
        Rng rng = new Rng(seed);
        int inSize = batch * layer.inputShape().size();
        int outSize = batch * layer.outputShape().size();
        float[] x = random(rng, inSize, 1.0);
        for (Param p : layer.params()) {
            float[] v = random(rng, p.size(), 0.5);
            System.arraycopy(v, 0, p.value(), 0, v.length);
        }
        float[] r = random(rng, outSize, 1.0);
        List<Param> params = layer.params();
        double[][] args = new double[1 + params.size()][];
        args[0] = toDouble(x, inSize);
        for (int i = 0; i < params.size(); i++) {
            args[1 + i] = toDouble(params.get(i).value(), params.get(i).size());
        }

        float[] y = layer.forward(x, batch);
        double[] yRef = oracle.apply(args);
        assertEquals(outSize, yRef.length, "oracle output size");
        double fwd = relativeError(java.util.Arrays.copyOf(y, outSize), yRef);
        assertTrue(fwd < FORWARD_TOLERANCE, layer.name() + " forward differs from the oracle: " + fwd);

        float[] dx = layer.backward(r, batch);
        if (dx != null) {
            double e = relativeError(dx, numeric(oracle, args, 0, r));
            assertTrue(e < TOLERANCE, layer.name() + " input gradient: relative error " + e);
        }
        for (int i = 0; i < params.size(); i++) {
            double e = relativeError(params.get(i).grad(), numeric(oracle, args, 1 + i, r));
            assertTrue(e < TOLERANCE, params.get(i).name() + " gradient: relative error " + e);
        }
    }

    // ---- oracles, in double, straight from the formulas ----

    static Oracle dense(int batch, int in, int out, boolean relu) {
        return a -> {
            double[] x = a[0], w = a[1], b = a[2];
            double[] y = new double[batch * out];
            for (int n = 0; n < batch; n++) {
                for (int j = 0; j < out; j++) {
                    double s = b[j];
                    for (int i = 0; i < in; i++) {
                        s += x[n * in + i] * w[i * out + j];
                    }
                    y[n * out + j] = relu ? Math.max(0, s) : s;
                }
            }
            return y;
        };
    }

    static Oracle conv(int batch, Conv.Geometry g, boolean relu) {
        return a -> {
            double[] x = a[0], w = a[1], b = a[2];
            int oh = g.oh(), ow = g.ow(), k = g.k(), c = g.in(), o = g.out();
            double[] y = new double[batch * oh * ow * o];
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        for (int f = 0; f < o; f++) {
                            double s = b[f];
                            for (int di = 0; di < k; di++) {
                                for (int dj = 0; dj < k; dj++) {
                                    int xi = i + di - g.padTop(), xj = j + dj - g.padLeft();
                                    if (xi < 0 || xj < 0 || xi >= g.h() || xj >= g.w()) {
                                        continue;
                                    }
                                    for (int ch = 0; ch < c; ch++) {
                                        s += x[((n * g.h() + xi) * g.w() + xj) * c + ch] * w[((di * k + dj) * c + ch) * o + f];
                                    }
                                }
                            }
                            y[((n * oh + i) * ow + j) * o + f] = relu ? Math.max(0, s) : s;
                        }
                    }
                }
            }
            return y;
        };
    }

    static Oracle maxpool(int batch, int h, int w, int c, int p) {
        return a -> {
            double[] x = a[0];
            int oh = h / p, ow = w / p;
            double[] y = new double[batch * oh * ow * c];
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        for (int ch = 0; ch < c; ch++) {
                            double m = Double.NEGATIVE_INFINITY;
                            for (int di = 0; di < p; di++) {
                                for (int dj = 0; dj < p; dj++) {
                                    m = Math.max(m, x[((n * h + i * p + di) * w + j * p + dj) * c + ch]);
                                }
                            }
                            y[((n * oh + i) * ow + j) * c + ch] = m;
                        }
                    }
                }
            }
            return y;
        };
    }

    // ---- the checks ----

    @Test
    void denseReluAndLinear() {
        check(new Dense("dense_1", 7, 5, Activation.RELU, true, new Rng(1)), 3, dense(3, 7, 5, true), 11);
        check(new Dense("dense_2", 6, 4, Activation.LINEAR, true, new Rng(2)), 4, dense(4, 6, 4, false), 12);
        // The output layer's activation is computed with the loss: the layer itself is affine.
        check(new Dense("dense_3", 5, 10, Activation.SOFTMAX, true, new Rng(3)), 2, dense(2, 5, 10, false), 13);
    }

    @Test
    void denseWithoutInputGradientStillComputesParameterGradients() {
        Dense first = new Dense("dense_1", 9, 3, Activation.RELU, false, new Rng(4));
        check(first, 5, dense(5, 9, 3, true), 14);
        assertEquals(null, first.inputGradient());
    }

    @Test
    void conv2dValid3x3() {
        Conv.Geometry g = new Conv.Geometry(6, 5, 2, 3, 4, false);
        check(new Conv2D("conv2d_1", g, Activation.RELU, true, new Rng(5)), 2, conv(2, g, true), 15);
    }

    @Test
    void conv2dSame3x3AndLinear() {
        Conv.Geometry g = new Conv.Geometry(5, 6, 3, 3, 2, true);
        check(new Conv2D("conv2d_1", g, Activation.LINEAR, true, new Rng(6)), 2, conv(2, g, false), 16);
    }

    @Test
    void conv2dOtherKernelSizes() {
        Conv.Geometry five = new Conv.Geometry(7, 7, 1, 5, 3, false);
        check(new Conv2D("conv2d_1", five, Activation.RELU, true, new Rng(7)), 2, conv(2, five, true), 17);
        Conv.Geometry evenSame = new Conv.Geometry(5, 4, 2, 2, 3, true);
        check(new Conv2D("conv2d_2", evenSame, Activation.LINEAR, true, new Rng(8)), 3, conv(3, evenSame, false), 18);
        Conv.Geometry fiveSame = new Conv.Geometry(4, 4, 2, 5, 2, true);
        check(new Conv2D("conv2d_3", fiveSame, Activation.LINEAR, true, new Rng(9)), 1, conv(1, fiveSame, false), 19);
    }

    @Test
    void maxPooling() {
        // Odd sizes: the last row and column are dropped, and get zero gradient.
        check(new MaxPooling2D("max_pooling2d_1", 5, 7, 3, 2, true), 2, maxpool(2, 5, 7, 3, 2), 20);
        check(new MaxPooling2D("max_pooling2d_2", 6, 6, 2, 3, true), 2, maxpool(2, 6, 6, 2, 3), 21);
    }

    @Test
    void flatten() {
        check(new Flatten("flatten_1", Shape.of(3, 2, 4)), 2, a -> a[0].clone(), 22);
    }

    @Test
    void softmaxCrossEntropy() {
        int batch = 4, classes = 10;
        Rng rng = new Rng(23);
        float[] z = random(rng, batch * classes, 4.0);
        int[] labels = {3, 0, 9, 3};
        float[] probs = new float[batch * classes];
        float[] dz = new float[batch * classes];
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.softmaxCrossEntropyForwardBackward(z, labels, probs, dz, batch, classes);
        Function<double[], Double> loss = v -> {
            double total = 0;
            for (int n = 0; n < batch; n++) {
                double sum = 0;
                for (int k = 0; k < classes; k++) {
                    sum += Math.exp(v[n * classes + k]);
                }
                total += -Math.log(Math.exp(v[n * classes + labels[n]]) / sum);
            }
            return total / batch;
        };
        double[] v = toDouble(z, z.length);
        assertEquals(loss.apply(v), r.loss(), 1e-6);
        double[] g = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double keep = v[i];
            v[i] = keep + H;
            double plus = loss.apply(v);
            v[i] = keep - H;
            double minus = loss.apply(v);
            v[i] = keep;
            g[i] = (plus - minus) / (2 * H);
        }
        double e = relativeError(dz, g);
        assertTrue(e < TOLERANCE, "softmax-cross-entropy gradient: relative error " + e);
    }

    @Test
    void softmaxCrossEntropyIsStableForHugeLogits() {
        float[] z = {1000f, -1000f, 0f, 3000f, 3000f, -3000f};
        float[] probs = new float[6];
        float[] dz = new float[6];
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.softmaxCrossEntropyForwardBackward(z, new int[]{1, 0}, probs, dz, 2, 3);
        // Row 0: −log p_1 = 2000; row 1: −log p_0 = log 2. Naive exp() would overflow to Inf/NaN.
        assertEquals((2000 + Math.log(2)) / 2, r.loss(), 1e-3);
        for (float d : dz) {
            assertTrue(Float.isFinite(d));
        }
        assertEquals(1, r.correct());
    }
}
