package gradstep.engine.optim;

import gradstep.engine.layers.Param;
import gradstep.engine.util.Parallel;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain gradient descent, the lab's "original" method, with optional momentum β, written in the same
 * form as RMSprop so the two can be compared term by term:
 *
 * <pre>
 *   b_t = β·b_{t−1} + α·g
 *   θ_t = θ_{t−1} − b_t
 * </pre>
 * With β = 0 this is {@code θ ← θ − α·g}; with β &gt; 0 it is Keras's SGD momentum (whose velocity is −b).
 */
public final class Sgd implements Optimizer {
    private final float lr;
    private final float momentum;
    private final Map<Param, float[]> velocity = new IdentityHashMap<>();

    public Sgd(double lr, double momentum) {
        RmsProp.check(lr > 0, "--lr must be positive, got " + lr);
        RmsProp.check(momentum >= 0 && momentum < 1, "--momentum must be in [0, 1), got " + momentum);
        this.lr = (float) lr;
        this.momentum = (float) momentum;
    }

    @Override
    public void update(Param p) {
        if (gradstep.engine.ops.Gemm.vectorized()) {
            sums.put(p, gradstep.engine.ops.FusedUpdate.sgd(p.value(), p.grad(), state(p, "b"), lr, momentum));
        } else {
            sums.remove(p);
            sgdUpdate(p.value(), p.grad(), state(p, "b"), lr, momentum);
        }
    }

    /** The two equations above, for every element of θ. */
    public static void sgdUpdate(float[] theta, float[] g, float[] b, float lr, float momentum) {
        Parallel.forRange(theta.length, theta.length * 2L, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                b[i] = momentum * b[i] + lr * g[i];
                theta[i] -= b[i];
            }
        });
    }

    @Override
    public List<String> stateNames() {
        return List.of("b");
    }

    @Override
    public float[] state(Param p, String name) {
        if (!name.equals("b")) {
            throw new IllegalArgumentException("SGD has no state '" + name + "'");
        }
        return velocity.computeIfAbsent(p, k -> new float[k.size()]);
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

    public double momentum() {
        return momentum;
    }

    @Override
    public String describe() {
        return "SGD(lr=" + RmsProp.fmt(lr) + ", momentum=" + RmsProp.fmt(momentum) + ")";
    }
}
