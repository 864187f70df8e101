package gradstep.engine.layers;

import static gradstep.engine.ops.MatMul.matmulBackward;
import static gradstep.engine.ops.MatMul.matmulForward;
import static gradstep.engine.ops.Relu.reluBackward;
import static gradstep.engine.ops.Relu.reluForward;

import gradstep.engine.tensor.Shape;
import gradstep.engine.util.Rng;
import java.util.List;

/** Fully connected layer: {@code y = act(x·W + b)}, W of shape (in, out) as in Keras. */
public final class Dense implements Layer {
    private final String name;
    private final int in;
    private final int out;
    private final Activation activation;
    private final boolean inputGrad;
    private final Param kernel;
    private final Param bias;
    private float[] x;
    private float[] y;
    private float[] dz;
    private float[] dx;

    public Dense(String name, int in, int out, Activation activation, boolean inputGrad, Rng rng) {
        this.name = name;
        this.in = in;
        this.out = out;
        this.activation = activation;
        this.inputGrad = inputGrad;
        this.kernel = new Param(name + "/kernel", Shape.of(in, out));
        this.bias = new Param(name + "/bias", Shape.of(out));
        Init.glorotUniform(kernel.value(), in, out, rng);
    }

    @Override
    public float[] forward(float[] x, int batch) {
        this.x = x;
        y = Layer.ensure(y, batch * out);
        matmulForward(x, kernel.value(), bias.value(), y, batch, in, out);
        if (activation == Activation.RELU) {
            reluForward(y, y, batch * out);
        }
        return y;
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        float[] g = dy;
        if (activation == Activation.RELU) {
            dz = Layer.ensure(dz, batch * out);
            reluBackward(y, dy, dz, batch * out);
            g = dz;
        }
        dx = inputGrad ? Layer.ensure(dx, batch * in) : null;
        matmulBackward(x, kernel.value(), g, kernel.grad(), bias.grad(), dx, batch, in, out);
        return dx;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "Dense";
    }

    @Override
    public Shape inputShape() {
        return Shape.of(in);
    }

    @Override
    public Shape outputShape() {
        return Shape.of(out);
    }

    @Override
    public List<Param> params() {
        return List.of(kernel, bias);
    }

    @Override
    public float[] output() {
        return y;
    }

    @Override
    public float[] inputGradient() {
        return dx;
    }

    @Override
    public Activation activation() {
        return activation;
    }

    public int units() {
        return out;
    }
}
