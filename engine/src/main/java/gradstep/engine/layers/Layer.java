package gradstep.engine.layers;

import gradstep.engine.tensor.Shape;
import java.util.List;

/**
 * A layer of a sequential model, with its forward pass, its backward pass and its parameters.
 *
 * <p>Buffers belong to the layer and are reused from batch to batch: {@link #forward} returns the
 * layer's output buffer (valid for {@code batch · outputShape().size()} floats) and keeps a reference to
 * its input for the backward; {@link #backward} fills the parameters' gradients and returns the gradient
 * with respect to the input, or null for a layer told not to compute it (the first one: its input is
 * data).
 */
public sealed interface Layer permits Dense, Conv2D, MaxPooling2D, Flatten {
    /** Keras-style name: {@code dense_1}, {@code conv2d_2}, {@code max_pooling2d_1}, {@code flatten_1}. */
    String name();

    /** The Keras class name, for summaries: Dense, Conv2D, MaxPooling2D, Flatten. */
    String kind();

    /** Shape of one input sample. */
    Shape inputShape();

    /** Shape of one output sample. */
    Shape outputShape();

    /** Trainable parameters, kernel first (empty for layers without any). */
    List<Param> params();

    float[] forward(float[] x, int batch);

    float[] backward(float[] dy, int batch);

    /** The output of the last forward (after the activation). */
    float[] output();

    /** The gradient with respect to this layer's input from the last backward (null if not computed). */
    float[] inputGradient();

    /** The activation applied, or null for layers without one. */
    default Activation activation() {
        return null;
    }

    default int paramCount() {
        int n = 0;
        for (Param p : params()) {
            n += p.size();
        }
        return n;
    }

    /** Grows {@code buf} to hold {@code size} floats; buffers only ever grow. */
    static float[] ensure(float[] buf, int size) {
        return buf != null && buf.length >= size ? buf : new float[size];
    }
}
