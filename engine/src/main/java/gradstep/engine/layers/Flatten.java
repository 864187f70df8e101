package gradstep.engine.layers;

import gradstep.engine.tensor.Shape;
import java.util.List;

/**
 * Flatten: (h, w, c) to (h·w·c). Activations are stored channels-last already, so the flat order is
 * Keras's (row, column, channel) and the memory does not move: forward and backward hand their
 * argument on unchanged.
 */
public final class Flatten implements Layer {
    private final String name;
    private final Shape in;
    private float[] y;
    private float[] dy;

    public Flatten(String name, Shape in) {
        this.name = name;
        this.in = in;
    }

    @Override
    public float[] forward(float[] x, int batch) {
        y = x;
        return x;
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        this.dy = dy;
        return dy;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "Flatten";
    }

    @Override
    public Shape inputShape() {
        return in;
    }

    @Override
    public Shape outputShape() {
        return Shape.of(in.size());
    }

    @Override
    public List<Param> params() {
        return List.of();
    }

    @Override
    public float[] output() {
        return y;
    }

    @Override
    public float[] inputGradient() {
        return dy;
    }

}
