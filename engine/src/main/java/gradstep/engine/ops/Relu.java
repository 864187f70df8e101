package gradstep.engine.ops;

/**
 * ReLU, {@code y = max(0, z)}, and its backward {@code dz = dy · [y > 0]}. The backward reads the
 * output y, not the input z: the two are positive in the same places, and y is what the layer keeps.
 */
public final class Relu {
    private Relu() {
    }

    public static void reluForward(float[] z, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = z[i] > 0f ? z[i] : 0f;
        }
    }

    public static void reluBackward(float[] y, float[] dy, float[] dz, int n) {
        for (int i = 0; i < n; i++) {
            dz[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }
}
