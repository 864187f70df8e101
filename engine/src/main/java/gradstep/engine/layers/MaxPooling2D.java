package gradstep.engine.layers;

import static gradstep.engine.ops.MaxPool.maxpoolBackward;
import static gradstep.engine.ops.MaxPool.maxpoolForward;

import gradstep.engine.tensor.Shape;
import java.util.List;

/** Max pooling, p×p window, stride p, Keras's {@code valid} padding. */
public final class MaxPooling2D implements Layer {
    private final String name;
    private final int h;
    private final int w;
    private final int c;
    private final int p;
    private final boolean inputGrad;
    private int[] argmax;
    private float[] y;
    private float[] dx;

    public MaxPooling2D(String name, int h, int w, int c, int p, boolean inputGrad) {
        this.name = name;
        this.h = h;
        this.w = w;
        this.c = c;
        this.p = p;
        this.inputGrad = inputGrad;
    }

    @Override
    public float[] forward(float[] x, int batch) {
        int outSize = batch * outputShape().size();
        y = Layer.ensure(y, outSize);
        if (argmax == null || argmax.length < outSize) {
            argmax = new int[outSize];
        }
        maxpoolForward(x, y, argmax, batch, h, w, c, p);
        return y;
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        if (!inputGrad) {
            return null;
        }
        dx = Layer.ensure(dx, batch * h * w * c);
        maxpoolBackward(dy, argmax, dx, batch, h, w, c, p);
        return dx;
    }

    public int poolSize() {
        return p;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "MaxPooling2D";
    }

    @Override
    public Shape inputShape() {
        return Shape.of(h, w, c);
    }

    @Override
    public Shape outputShape() {
        return Shape.of(h / p, w / p, c);
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
        return dx;
    }

}
