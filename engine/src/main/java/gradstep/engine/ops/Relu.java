package gradstep.engine.ops;

import gradstep.engine.util.Parallel;

/**
 * ReLU, {@code y = max(0, z)}, and its backward {@code dz = dy · [y > 0]}. The backward reads the
 * output y, not the input z: the two are positive in the same places, and y is what the layer keeps.
 */
public final class Relu {
    private Relu() {
    }

    public static void reluForward(float[] z, float[] y, int n) {
        Parallel.forRange(n, n, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                y[i] = z[i] > 0f ? z[i] : 0f;
            }
        });
    }

    public static void reluBackward(float[] y, float[] dy, float[] dz, int n) {
        Parallel.forRange(n, n, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                dz[i] = y[i] > 0f ? dy[i] : 0f;
            }
        });
    }
}
