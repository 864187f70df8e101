package gradstep.engine.optim;

import gradstep.engine.GradstepException;
import gradstep.engine.layers.Param;
import gradstep.engine.util.Parallel;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * RMSprop as the lab teaches it (γ = rho, β = momentum, α = learning rate, Keras's defaults):
 *
 * <pre>
 *   m_t = γ·m_{t−1} + (1−γ)·g²             running mean of the squared gradient
 *   b_t = β·b_{t−1} + α·g / sqrt(m_t + ε)  the step, with momentum β
 *   θ_t = θ_{t−1} − b_t
 * </pre>
 * Element by element; m and b start at zero. This is TensorFlow's {@code ApplyRMSProp} with ε inside
 * the square root, the form the lab writes.
 */
public final class RmsProp implements Optimizer {
    public static final double DEFAULT_LR = 0.001;
    public static final double DEFAULT_RHO = 0.9;
    public static final double DEFAULT_MOMENTUM = 0.0;
    public static final double DEFAULT_EPSILON = 1e-7;

    private final float lr;
    private final float rho;
    private final float momentum;
    private final float epsilon;
    private final Map<Param, float[][]> state = new IdentityHashMap<>();

    public RmsProp(double lr, double rho, double momentum, double epsilon) {
        check(lr > 0, "--lr must be positive, got " + lr);
        check(rho >= 0 && rho < 1, "--rho must be in [0, 1), got " + rho);
        check(momentum >= 0 && momentum < 1, "--momentum must be in [0, 1), got " + momentum);
        check(epsilon > 0, "--epsilon must be positive, got " + epsilon);
        this.lr = (float) lr;
        this.rho = (float) rho;
        this.momentum = (float) momentum;
        this.epsilon = (float) epsilon;
    }

    public RmsProp() {
        this(DEFAULT_LR, DEFAULT_RHO, DEFAULT_MOMENTUM, DEFAULT_EPSILON);
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new GradstepException(message);
        }
    }

    @Override
    public void update(Param p) {
        float[][] s = slots(p);
        if (gradstep.engine.ops.Gemm.vectorized()) {
            sums.put(p, gradstep.engine.ops.FusedUpdate.rmsprop(p.value(), p.grad(), s[0], s[1], lr, rho, momentum, epsilon));
        } else {
            sums.remove(p);
            rmspropUpdate(p.value(), p.grad(), s[0], s[1], lr, rho, momentum, epsilon);
        }
    }

    /** The three equations above, for every element of θ. */
    public static void rmspropUpdate(float[] theta, float[] g, float[] m, float[] b, float lr, float rho,
                                     float momentum, float epsilon) {
        Parallel.forRange(theta.length, theta.length * 4L, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                m[i] = rho * m[i] + (1 - rho) * g[i] * g[i];
                b[i] = momentum * b[i] + lr * g[i] / (float) Math.sqrt(m[i] + epsilon);
                theta[i] -= b[i];
            }
        });
    }

    private float[][] slots(Param p) {
        return state.computeIfAbsent(p, k -> new float[][]{new float[k.size()], new float[k.size()]});
    }

    @Override
    public List<String> stateNames() {
        return List.of("m", "b");
    }

    @Override
    public float[] state(Param p, String name) {
        return switch (name) {
            case "m" -> slots(p)[0];
            case "b" -> slots(p)[1];
            default -> throw new IllegalArgumentException("RMSprop has no state '" + name + "'");
        };
    }

    /** The sums the fast path measured in each parameter's last update (see {@link Optimizer#lastSums}). */
    private final Map<Param, double[]> sums = new IdentityHashMap<>();

    @Override
    public double[] lastSums(Param p) {
        return sums.get(p);
    }

    @Override
    public double learningRate() {
        return lr;
    }

    public double rho() {
        return rho;
    }

    public double momentum() {
        return momentum;
    }

    public double epsilon() {
        return epsilon;
    }

    @Override
    public String describe() {
        return "RMSprop(lr=" + fmt(lr) + ", rho=" + fmt(rho) + ", momentum=" + fmt(momentum) + ", epsilon=" + fmt(epsilon) + ")";
    }

    /** Shortest readable form: 0.001, 0.9, 0, 1e-7. */
    static String fmt(float v) {
        java.math.BigDecimal d = new java.math.BigDecimal(Float.toString(v)).stripTrailingZeros();
        String plain = d.toPlainString();
        return plain.length() <= 8 ? plain : d.toString().toLowerCase(java.util.Locale.ROOT);
    }
}
