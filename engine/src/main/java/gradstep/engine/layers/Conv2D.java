package gradstep.engine.layers;

import static gradstep.engine.ops.Conv.conv2dBackward;
import static gradstep.engine.ops.Conv.conv2dForward;
import static gradstep.engine.ops.Relu.reluBackward;
import static gradstep.engine.ops.Relu.reluForward;

import gradstep.engine.ops.Conv;
import gradstep.engine.tensor.Shape;
import gradstep.engine.util.Rng;
import java.util.List;

/** 2-D convolution layer, stride 1, {@code valid} or {@code same} padding; kernel (kh, kw, in, out). */
public final class Conv2D implements Layer {
    private final String name;
    private final Conv.Geometry g;
    private final Activation activation;
    private final boolean inputGrad;
    private final Param kernel;
    private final Param bias;
    private float[] patches;
    private float[] dPatches;
    private float[] y;
    private float[] dz;
    private float[] dx;

    public Conv2D(String name, Conv.Geometry g, Activation activation, boolean inputGrad, Rng rng) {
        this.name = name;
        this.g = g;
        this.activation = activation;
        this.inputGrad = inputGrad;
        this.kernel = new Param(name + "/kernel", Shape.of(g.k(), g.k(), g.in(), g.out()));
        this.bias = new Param(name + "/bias", Shape.of(g.out()));
        Init.glorotUniform(kernel.value(), g.k() * g.k() * g.in(), g.k() * g.k() * g.out(), rng);
    }

    @Override
    public float[] forward(float[] x, int batch) {
        int outSize = batch * g.oh() * g.ow() * g.out();
        y = Layer.ensure(y, outSize);
        patches = Layer.ensure(patches, batch * g.oh() * g.ow() * g.patchSize());
        conv2dForward(x, kernel.value(), bias.value(), y, patches, batch, g);
        if (activation == Activation.RELU) {
            reluForward(y, y, outSize);
        }
        return y;
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        int outSize = batch * g.oh() * g.ow() * g.out();
        float[] grad = dy;
        if (activation == Activation.RELU) {
            dz = Layer.ensure(dz, outSize);
            reluBackward(y, dy, dz, outSize);
            grad = dz;
        }
        if (inputGrad) {
            dx = Layer.ensure(dx, batch * g.h() * g.w() * g.in());
            dPatches = Layer.ensure(dPatches, patches.length);
        } else {
            dx = null;
        }
        conv2dBackward(patches, kernel.value(), grad, kernel.grad(), bias.grad(), dx, dPatches, batch, g);
        return dx;
    }

    public Conv.Geometry geometry() {
        return g;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "Conv2D";
    }

    @Override
    public Shape inputShape() {
        return Shape.of(g.h(), g.w(), g.in());
    }

    @Override
    public Shape outputShape() {
        return Shape.of(g.oh(), g.ow(), g.out());
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
}
