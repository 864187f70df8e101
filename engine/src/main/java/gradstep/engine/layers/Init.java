package gradstep.engine.layers;

import gradstep.engine.util.Rng;

/** Parameter initialisation as Keras does it by default. */
public final class Init {
    private Init() {
    }

    /**
     * Glorot (Xavier) uniform: U(−limit, limit) with {@code limit = sqrt(6 / (fan_in + fan_out))}
     * (Glorot and Bengio, 2010). For a conv kernel, fan_in = kh·kw·in and fan_out = kh·kw·out.
     */
    public static void glorotUniform(float[] w, int fanIn, int fanOut, Rng rng) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((2 * rng.nextDouble() - 1) * limit);
        }
    }
}
