package gradstep.engine.backend;

import gradstep.engine.model.Model;
import gradstep.engine.ops.SoftmaxCrossEntropy;
import gradstep.engine.optim.Optimizer;
import gradstep.engine.train.ImageData;

/**
 * Where the ops of a model run. The {@link gradstep.engine.train.Trainer} asks a backend for each
 * micro-step in turn; the backend keeps the batch, activations, gradients and optimizer state wherever
 * it computes (host memory, or an OpenCL device) and hands results to the host only when asked.
 *
 * <p>The model's {@code Param} arrays and the optimizer's state arrays are the host copies: the plain-Java
 * backend computes in them directly; a device backend copies them up when it opens and back down in
 * {@link #syncToHost()} (before saving weights, or for a view that shows them).
 */
public sealed interface Backend extends AutoCloseable permits JavaBackend, OpenClBackend {
    /** {@code java}, {@code opencl-cpu}, {@code gpu} or {@code jtp}. */
    String name();

    /** One line: which device computes, e.g. {@code java, 2 threads}. */
    String device();

    Model model();

    Optimizer optimizer();

    /** The largest batch this backend has room for. */
    int maxBatch();

    /** Makes images {@code order[from..from+count)} the current batch. */
    void loadBatch(ImageData data, int[] order, int from, int count);

    /** Images in the current batch. */
    int batchSize();

    void forward(int layer);

    /** Softmax and cross-entropy of the last layer's output; with {@code gradient}, also d loss / d logits. */
    SoftmaxCrossEntropy.Result loss(boolean gradient);

    void backward(int layer);

    /** The optimizer's update of layer {@code layer}'s parameters from their gradients. */
    void update(int layer);

    /** Brings parameters, gradients and optimizer state into the host arrays (no-op on the host backend). */
    void syncToHost();

    /** Sends the host arrays of parameters, gradients and optimizer state to the device (after a restore). */
    void syncToDevice();

    /** The current batch's input, batch × pixels, as the first layer sees it. */
    float[] input();

    /** Labels of the current batch. */
    int[] labels();

    /** Layer {@code layer}'s output from the last forward (after its activation), batch × output size. */
    float[] activation(int layer);

    /** The gradient of the loss with respect to layer {@code layer}'s output, batch × output size. */
    float[] outputGradient(int layer);

    /** The softmax of the last loss, batch × classes. */
    float[] probabilities();

    /**
     * The first parameter whose gradient holds a NaN or an Inf, as "gradient of LAYER/PARAM", or null.
     * A device backend reduces each gradient on the device and reads back a few bytes.
     */
    String nonFiniteGradient();

    /** L2 norms over a layer's parameters (kernel and bias together) of its gradient, last update b, and value. */
    record LayerNorms(double gradient, double update, double parameter) {
        /** log10(‖update‖ / ‖θ‖), NaN where either is 0. */
        public double ratioLog10() {
            return update == 0 || parameter == 0 ? Double.NaN : Math.log10(update / parameter);
        }
    }

    /** The norms of layer {@code layer}'s parameters, computed where they live (zeros for a layer without any). */
    LayerNorms layerNorms(int layer);

    /** Bytes sent to the device since the backend opened (0 for the host backend). */
    long bytesToDevice();

    /** Bytes read back from the device since the backend opened (0 for the host backend). */
    long bytesFromDevice();

    @Override
    void close();
}
