package gradstep.engine.layers;

import gradstep.engine.tensor.Shape;

/**
 * One trainable tensor and its gradient on the last batch, named as Keras names weights
 * ({@code dense_1/kernel}, {@code conv2d_1/bias}) and laid out as Keras's {@code get_weights()} returns them.
 */
public record Param(String name, Shape shape, float[] value, float[] grad) {
    public Param(String name, Shape shape) {
        this(name, shape, new float[shape.size()], new float[shape.size()]);
    }

    public int size() {
        return value.length;
    }
}
