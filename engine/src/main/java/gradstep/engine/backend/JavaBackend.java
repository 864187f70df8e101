package gradstep.engine.backend;

import gradstep.engine.layers.Layer;
import gradstep.engine.layers.Param;
import gradstep.engine.model.Model;
import gradstep.engine.ops.SoftmaxCrossEntropy;
import gradstep.engine.optim.Optimizer;
import gradstep.engine.train.ImageData;
import gradstep.engine.util.Parallel;
import java.util.List;

/**
 * The plain-Java reference backend: the layers compute in host memory, on {@link Parallel}'s threads.
 * The optimizer may be null for a backend that only evaluates.
 */
public final class JavaBackend implements Backend {
    private final Model model;
    private final Optimizer optimizer;
    private final int maxBatch;
    private final float[] x;
    private final int[] labels;
    private final float[] probs;
    private final float[] dLogits;
    private final String name;
    private int batch;

    /** The backend is {@code java} if its matrix products are vectorised when it opens, else {@code reference}. */
    public JavaBackend(Model model, Optimizer optimizer, int maxBatch) {
        this.name = gradstep.engine.ops.Gemm.vectorized() ? "java" : "reference";
        this.model = model;
        this.optimizer = optimizer;
        this.maxBatch = maxBatch;
        this.x = new float[maxBatch * model.inputShape().size()];
        this.labels = new int[maxBatch];
        this.probs = new float[maxBatch * model.classes()];
        this.dLogits = new float[maxBatch * model.classes()];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String device() {
        return name + ", " + Parallel.threads() + (Parallel.threads() == 1 ? " thread" : " threads");
    }

    @Override
    public Model model() {
        return model;
    }

    @Override
    public Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public void loadBatch(ImageData data, int[] order, int from, int count) {
        batch = count;
        data.fill(order, from, from + count, x, labels);
    }

    @Override
    public int batchSize() {
        return batch;
    }

    @Override
    public void forward(int layer) {
        float[] in = layer == 0 ? x : model.layers().get(layer - 1).output();
        model.layers().get(layer).forward(in, batch);
    }

    @Override
    public SoftmaxCrossEntropy.Result loss(boolean gradient) {
        List<Layer> layers = model.layers();
        float[] logits = layers.get(layers.size() - 1).output();
        return SoftmaxCrossEntropy.softmaxCrossEntropyForwardBackward(logits, labels, probs,
                gradient ? dLogits : null, batch, model.classes());
    }

    @Override
    public void backward(int layer) {
        List<Layer> layers = model.layers();
        float[] dy = layer == layers.size() - 1 ? dLogits : layers.get(layer + 1).inputGradient();
        layers.get(layer).backward(dy, batch);
    }

    @Override
    public void update(int layer) {
        if (optimizer == null) {
            throw new IllegalStateException("this backend was opened for evaluation only, without an optimizer");
        }
        for (Param p : model.layers().get(layer).params()) {
            optimizer.update(p);
        }
    }

    @Override
    public void syncToHost() {
        // the host arrays are where this backend computes
    }

    @Override
    public void syncToDevice() {
        // the host arrays are where this backend computes
    }

    @Override
    public float[] probabilities() {
        return java.util.Arrays.copyOf(probs, batch * model.classes());
    }

    @Override
    public float[] input() {
        return java.util.Arrays.copyOf(x, batch * model.inputShape().size());
    }

    @Override
    public int[] labels() {
        return java.util.Arrays.copyOf(labels, batch);
    }

    @Override
    public float[] activation(int layer) {
        Layer l = model.layers().get(layer);
        return copy(l.output(), batch * l.outputShape().size());
    }

    @Override
    public float[] outputGradient(int layer) {
        List<Layer> layers = model.layers();
        Layer l = layers.get(layer);
        float[] g = layer == layers.size() - 1 ? dLogits : layers.get(layer + 1).inputGradient();
        return copy(g, batch * l.outputShape().size());
    }

    @Override
    public String nonFiniteGradient() {
        for (Param p : model.params()) {
            for (float g : p.grad()) {
                if (!Float.isFinite(g)) {
                    return "gradient of " + p.name();
                }
            }
        }
        return null;
    }

    @Override
    public LayerNorms layerNorms(int layer) {
        double g = 0, u = 0, v = 0;
        for (Param p : model.layers().get(layer).params()) {
            // measured by the update itself on the fast path; otherwise one pass over the three arrays
            double[] sums = optimizer == null ? null : optimizer.lastSums(p);
            if (sums == null) {
                float[] b = optimizer == null ? null : optimizer.state(p, "b");
                sums = gradstep.engine.ops.SumsOfSquares.of(p.grad(), b, p.value());
            }
            g += sums[0];
            u += sums[1];
            v += sums[2];
        }
        return new LayerNorms(Math.sqrt(g), Math.sqrt(u), Math.sqrt(v));
    }

    /** A copy of the first n floats, or zeros where a tensor has not been computed yet. */
    private static float[] copy(float[] a, int n) {
        return a == null ? new float[n] : java.util.Arrays.copyOf(a, n);
    }

    @Override
    public long bytesToDevice() {
        return 0;
    }

    @Override
    public long bytesFromDevice() {
        return 0;
    }

    @Override
    public void close() {
    }
}
