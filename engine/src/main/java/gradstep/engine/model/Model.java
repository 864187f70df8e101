package gradstep.engine.model;

import gradstep.engine.GradstepException;
import gradstep.engine.layers.Activation;
import gradstep.engine.layers.Conv2D;
import gradstep.engine.layers.Dense;
import gradstep.engine.layers.Flatten;
import gradstep.engine.layers.Layer;
import gradstep.engine.layers.MaxPooling2D;
import gradstep.engine.layers.Param;
import gradstep.engine.ops.Conv;
import gradstep.engine.tensor.Shape;
import gradstep.engine.util.Rng;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A sequential model built from a {@link ModelSpec} for images of a given size: its layers in order,
 * the last one producing one logit per class. Parameters are initialised from {@code seed} as Keras
 * initialises them (Glorot-uniform kernels, zero biases), layer by layer in order.
 */
public final class Model {
    private final ModelSpec spec;
    private final Shape input;
    private final int classes;
    private final List<Layer> layers;

    private Model(ModelSpec spec, Shape input, int classes, List<Layer> layers) {
        this.spec = spec;
        this.input = input;
        this.classes = classes;
        this.layers = List.copyOf(layers);
    }

    /** Builds the model for {@code rows×cols×channels} images and {@code classes} classes. */
    public static Model build(ModelSpec spec, int rows, int cols, int channels, int classes, long seed) {
        Rng rng = new Rng(seed);
        List<ModelSpec.LayerSpec> specs = spec.layers();
        boolean flatInput = specs.get(0) instanceof ModelSpec.DenseSpec;
        Shape shape = flatInput ? Shape.of(rows * cols * channels) : Shape.of(rows, cols, channels);
        Shape input = shape;
        Map<String, Integer> counters = new HashMap<>();
        List<Layer> layers = new ArrayList<>();
        long params = 0;
        for (int i = 0; i < specs.size(); i++) {
            ModelSpec.LayerSpec ls = specs.get(i);
            boolean first = i == 0;
            boolean last = i == specs.size() - 1;
            String token = ls.token();
            Layer layer;
            if (ls instanceof ModelSpec.DenseSpec d) {
                if (shape.rank() != 1) {
                    throw ModelSpec.bad(spec.text(), token, i + 1, "needs a flat input but gets " + shape
                            + ": put 'flatten' before it");
                }
                params = checkParams(spec, token, i, params, ((long) shape.dim(0) + 1) * d.units());
                Activation act = last ? Activation.SOFTMAX : d.activation();
                layer = new Dense(name("dense", counters), shape.dim(0), d.units(), act, !first, rng);
            } else if (ls instanceof ModelSpec.ConvSpec c) {
                if (shape.rank() != 3) {
                    throw ModelSpec.bad(spec.text(), token, i + 1, "needs an image input (h, w, c) but gets " + shape);
                }
                Conv.Geometry g = new Conv.Geometry(shape.dim(0), shape.dim(1), shape.dim(2), c.kernel(), c.filters(), c.same());
                if (g.oh() < 1 || g.ow() < 1) {
                    throw ModelSpec.bad(spec.text(), token, i + 1, "has a " + c.kernel() + "x" + c.kernel()
                            + " kernel larger than its " + shape.dim(0) + "x" + shape.dim(1) + " input; use :same or a smaller kernel");
                }
                params = checkParams(spec, token, i, params, ((long) g.patchSize() + 1) * g.out());
                layer = new Conv2D(name("conv2d", counters), g, c.activation(), !first, rng);
            } else if (ls instanceof ModelSpec.PoolSpec p) {
                if (shape.rank() != 3) {
                    throw ModelSpec.bad(spec.text(), token, i + 1, "needs an image input (h, w, c) but gets " + shape);
                }
                if (shape.dim(0) < p.size() || shape.dim(1) < p.size()) {
                    throw ModelSpec.bad(spec.text(), token, i + 1, "pools " + p.size() + "x" + p.size() + " over a "
                            + shape.dim(0) + "x" + shape.dim(1) + " input");
                }
                layer = new MaxPooling2D(name("max_pooling2d", counters), shape.dim(0), shape.dim(1), shape.dim(2), p.size(), !first);
            } else {
                if (shape.rank() == 1) {
                    throw ModelSpec.bad(spec.text(), token, i + 1, "flattens an input that is already flat " + shape);
                }
                layer = new Flatten(name("flatten", counters), shape);
            }
            if (last && !(layer instanceof Dense dl && dl.units() == classes)) {
                throw ModelSpec.bad(spec.text(), token, i + 1, "must be the output layer dense" + classes
                        + " (one unit per class)");
            }
            layers.add(layer);
            shape = layer.outputShape();
        }
        return new Model(spec, input, classes, layers);
    }

    /** At most this many parameters: checked before allocating, since a spec may come from a file. */
    public static final long MAX_PARAMS = 100_000_000L;

    private static long checkParams(ModelSpec spec, String token, int i, long sofar, long more) {
        long total = sofar + more;
        if (total > MAX_PARAMS) {
            throw ModelSpec.bad(spec.text(), token, i + 1, String.format("brings the model to %,d parameters, more than the"
                    + " %,d gradstep allows", total, MAX_PARAMS));
        }
        return total;
    }

    private static String name(String base, Map<String, Integer> counters) {
        return base + "_" + counters.merge(base, 1, Integer::sum);
    }

    /** Logits for a batch: every layer's forward in order. */
    public float[] forward(float[] x, int batch) {
        float[] a = x;
        for (Layer l : layers) {
            a = l.forward(a, batch);
        }
        return a;
    }

    public ModelSpec spec() {
        return spec;
    }

    /** Shape of one input sample: (h, w, c), or (h·w·c) for a model that starts with Dense. */
    public Shape inputShape() {
        return input;
    }

    public int classes() {
        return classes;
    }

    public List<Layer> layers() {
        return layers;
    }

    /** Every parameter, layer by layer, kernel before bias. */
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        for (Layer l : layers) {
            all.addAll(l.params());
        }
        return all;
    }

    public long paramCount() {
        long n = 0;
        for (Layer l : layers) {
            n += l.paramCount();
        }
        return n;
    }

    /** A table like Keras's {@code model.summary()}. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        String rule = "-".repeat(66) + "\n";
        sb.append(String.format("%-32s%-22s%12s%n", "Layer (type)", "Output Shape", "Param #")).append(rule);
        for (Layer l : layers) {
            String act = l.activation() == null ? "" : " " + l.activation().keras();
            sb.append(String.format("%-32s%-22s%12d%n", l.name() + " (" + l.kind() + act + ")",
                    batchShape(l.outputShape()), l.paramCount()));
        }
        sb.append(rule).append(String.format("Total params: %,d%n", paramCount()));
        return sb.toString();
    }

    /** As Keras prints an output shape, with the batch dimension first: {@code (None, 26, 26, 32)}. */
    static String batchShape(Shape s) {
        StringBuilder sb = new StringBuilder("(None");
        for (int d : s.dims()) {
            sb.append(", ").append(d);
        }
        return sb.append(')').toString();
    }
}
