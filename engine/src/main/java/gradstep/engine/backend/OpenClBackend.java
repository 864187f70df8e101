package gradstep.engine.backend;

import gradstep.engine.layers.Activation;
import gradstep.engine.layers.Conv2D;
import gradstep.engine.layers.Dense;
import gradstep.engine.layers.Flatten;
import gradstep.engine.layers.Layer;
import gradstep.engine.layers.MaxPooling2D;
import gradstep.engine.layers.Param;
import gradstep.engine.model.Model;
import gradstep.engine.ops.Conv;
import gradstep.engine.ops.SoftmaxCrossEntropy;
import gradstep.engine.optim.Optimizer;
import gradstep.engine.optim.RmsProp;
import gradstep.engine.optim.Sgd;
import gradstep.engine.train.ImageData;
import gradstep.kernels.DeviceRunner;
import java.util.ArrayList;
import java.util.List;

/**
 * The model's training ops as Aparapi kernels on an OpenCL device (or on Aparapi's Java thread pool).
 *
 * <p>Device-resident: when the backend opens, every tensor of the model gets a fixed place in one
 * device arena (see {@link gradstep.kernels.TrainingKernel}) and the initial parameters and optimizer
 * state are sent once. After that a training step sends only the batch (its pixels as bytes and its
 * labels) and reads back only the loss and the number correct; {@link #syncToHost()} fetches the rest
 * when someone asks.
 *
 * <p>Each layer's forward and backward are the same sequence of ops as the plain-Java layer's:
 * Dense is matmul + bias/activation, backward reluBackward, matmul(Xᵀ·dY), sumRows, matmul(dY·Wᵀ);
 * Conv2D is im2col + matmul + bias/activation, backward adds col2im. The optimizer may be null for a
 * backend that only evaluates.
 */
public final class OpenClBackend implements Backend {
    /** Where one parameter lives in the arena: value, gradient and optimizer state. */
    private record ParamSlot(Param param, int value, int grad, int m, int b) {
    }

    /** Where one layer's tensors live; -1 where a tensor does not exist. */
    private record LayerSlot(Layer layer, int y, int dz, int dx, int patches, int dPatches, int argmax,
                             List<ParamSlot> params) {
    }

    private final String name;
    private final Model model;
    private final Optimizer optimizer;
    private final int maxBatch;
    private final DeviceRunner runner;
    private final List<LayerSlot> slots = new ArrayList<>();
    private final int x;
    /** The run of the arena that holds every gradient, [gradientsFrom, gradientsTo). */
    private final int gradientsFrom;
    private final int gradientsTo;
    private final int probs;
    private final int dLogits;
    private final byte[] batchPixels;
    private final int[] batchLabels;
    private int batch;
    /** Whether the host copy of the arena is current (no kernel ran since it was downloaded). */
    private boolean hostFresh;

    /** Plans the arena for {@code model} at {@code maxBatch} images and sends the initial state to {@code device}. */
    public OpenClBackend(String name, com.aparapi.device.Device device, Model model, Optimizer optimizer, int maxBatch) {
        this.name = name;
        this.model = model;
        this.optimizer = optimizer;
        this.maxBatch = maxBatch;
        int[] top = {0};
        int[] itop = {0};
        int ppi = model.inputShape().size();
        // Parameters first, each kind of tensor in one run: all gradients side by side, so one reduction
        // over that run tells whether any gradient holds a NaN or an Inf (the guard of every step).
        java.util.Map<Param, int[]> placed = new java.util.IdentityHashMap<>();
        boolean rms = optimizer instanceof RmsProp;
        for (Param p : model.params()) {
            placed.put(p, new int[]{alloc(top, p.size()), 0, -1, -1});
        }
        gradientsFrom = top[0];
        for (Param p : model.params()) {
            placed.get(p)[1] = alloc(top, p.size());
        }
        gradientsTo = top[0];
        for (Param p : model.params()) {
            placed.get(p)[2] = rms ? alloc(top, p.size()) : -1;
            placed.get(p)[3] = optimizer != null ? alloc(top, p.size()) : -1;
        }
        x = alloc(top, maxBatch * ppi);
        int input = x;
        for (Layer l : model.layers()) {
            int out = maxBatch * l.outputShape().size();
            int in = maxBatch * l.inputShape().size();
            List<ParamSlot> ps = new ArrayList<>();
            for (Param p : l.params()) {
                int[] at = placed.get(p);
                ps.add(new ParamSlot(p, at[0], at[1], at[2], at[3]));
            }
            boolean firstLayer = slots.isEmpty();
            LayerSlot s;
            if (l instanceof Dense d) {
                s = new LayerSlot(l, alloc(top, out), d.activation() == Activation.RELU ? alloc(top, out) : -1,
                        firstLayer ? -1 : alloc(top, in), -1, -1, -1, ps);
            } else if (l instanceof Conv2D c) {
                Conv.Geometry g = c.geometry();
                int patchFloats = maxBatch * g.oh() * g.ow() * g.patchSize();
                s = new LayerSlot(l, alloc(top, out), c.activation() == Activation.RELU ? alloc(top, out) : -1,
                        firstLayer ? -1 : alloc(top, in), alloc(top, patchFloats),
                        firstLayer ? -1 : alloc(top, patchFloats), -1, ps);
            } else if (l instanceof MaxPooling2D) {
                s = new LayerSlot(l, alloc(top, out), -1, firstLayer ? -1 : alloc(top, in), -1, -1, alloc(itop, out), ps);
            } else {
                // Flatten moves no memory: its output is its input, its input gradient its output gradient.
                s = new LayerSlot(l, input, -1, -2, -1, -1, -1, ps);
            }
            slots.add(s);
            input = s.y();
        }
        probs = alloc(top, maxBatch * model.classes());
        dLogits = alloc(top, maxBatch * model.classes());
        checkDeviceMemory(device, 4L * top[0] + 4L * itop[0]);
        batchPixels = new byte[maxBatch * ppi];
        batchLabels = new int[maxBatch];
        runner = new DeviceRunner(device, top[0], itop[0], maxBatch * ppi, maxBatch);
        try {
            runner.compile();
            hostFresh = true; // nothing is on the device yet: the host arena is the truth
            syncToDevice();
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    /** The arena is one OpenCL buffer: it must fit the device's largest allocation and its memory. */
    private static void checkDeviceMemory(com.aparapi.device.Device device, long bytes) {
        if (device instanceof com.aparapi.device.OpenCLDevice d) {
            long perBuffer = d.getMaxMemAllocSize(), total = d.getGlobalMemSize();
            if (bytes > perBuffer || bytes > total) {
                throw new gradstep.engine.GradstepException(String.format(java.util.Locale.ROOT,
                        "the model needs %s of device memory in one buffer; %s allows %s per buffer (%s in all):"
                                + " use a smaller --batch-size or model", gradstep.engine.model.MemoryEstimate.human(bytes),
                        gradstep.kernels.Devices.describe(d), gradstep.engine.model.MemoryEstimate.human(perBuffer),
                        gradstep.engine.model.MemoryEstimate.human(total)));
            }
        }
    }

    private static int alloc(int[] top, int n) {
        int at = top[0];
        long next = (long) at + n;
        if (next > Integer.MAX_VALUE - 16) {
            throw new gradstep.engine.GradstepException("the model needs more than 2^31 floats of device memory at this batch size");
        }
        top[0] = (int) next;
        return at;
    }

    /** Copies the host parameters and optimizer state into the arena and sends it all to the device. */
    @Override
    public void syncToDevice() {
        float[] mem = fresh();
        for (LayerSlot s : slots) {
            for (ParamSlot p : s.params()) {
                System.arraycopy(p.param().value(), 0, mem, p.value(), p.param().size());
                System.arraycopy(p.param().grad(), 0, mem, p.grad(), p.param().size());
                if (p.m() >= 0) {
                    System.arraycopy(optimizer.state(p.param(), "m"), 0, mem, p.m(), p.param().size());
                }
                if (p.b() >= 0) {
                    System.arraycopy(optimizer.state(p.param(), "b"), 0, mem, p.b(), p.param().size());
                }
            }
        }
        runner.upload();
        hostFresh = true;
    }

    /** The host copy of the arena, downloaded if a kernel ran since the last download. */
    private float[] fresh() {
        if (!hostFresh) {
            runner.download();
            hostFresh = true;
        }
        return runner.arena();
    }

    private float[] slice(int offset, int n) {
        return offset < 0 ? new float[n] : java.util.Arrays.copyOfRange(fresh(), offset, offset + n);
    }

    @Override
    public float[] input() {
        return slice(x, batch * model.inputShape().size());
    }

    @Override
    public int[] labels() {
        return java.util.Arrays.copyOf(batchLabels, batch);
    }

    @Override
    public float[] activation(int layer) {
        return slice(slots.get(layer).y(), batch * slots.get(layer).layer().outputShape().size());
    }

    @Override
    public float[] outputGradient(int layer) {
        return slice(outputGradOf(layer), batch * slots.get(layer).layer().outputShape().size());
    }

    @Override
    public String nonFiniteGradient() {
        // one reduction over all gradients (32 bytes back); only when it finds something, one per tensor
        if (gradientsTo > gradientsFrom && finite(runner.stats(gradientsFrom, gradientsTo - gradientsFrom))) {
            return null;
        }
        for (LayerSlot s : slots) {
            for (ParamSlot p : s.params()) {
                if (!finite(runner.stats(p.grad(), p.param().size()))) {
                    return "gradient of " + p.param().name();
                }
            }
        }
        return null;
    }

    @Override
    public LayerNorms layerNorms(int layer) {
        double g = 0, u = 0, v = 0;
        for (ParamSlot p : slots.get(layer).params()) {
            int n = p.param().size();
            g += runner.stats(p.grad(), n)[1];
            u += p.b() >= 0 ? runner.stats(p.b(), n)[1] : 0;
            v += runner.stats(p.value(), n)[1];
        }
        return new LayerNorms(Math.sqrt(g), Math.sqrt(u), Math.sqrt(v));
    }

    /** A NaN anywhere makes the sum NaN (OpenCL's min and max skip NaNs); an Inf shows in min or max. */
    private static boolean finite(float[] stats) {
        return Float.isFinite(stats[0]) && Float.isFinite(stats[2]) && Float.isFinite(stats[3]);
    }

    @Override
    public float[] probabilities() {
        return slice(probs, batch * model.classes());
    }

    @Override
    public void syncToHost() {
        float[] mem = fresh();
        for (LayerSlot s : slots) {
            for (ParamSlot p : s.params()) {
                System.arraycopy(mem, p.value(), p.param().value(), 0, p.param().size());
                System.arraycopy(mem, p.grad(), p.param().grad(), 0, p.param().size());
                if (p.m() >= 0) {
                    System.arraycopy(mem, p.m(), optimizer.state(p.param(), "m"), 0, p.param().size());
                }
                if (p.b() >= 0) {
                    System.arraycopy(mem, p.b(), optimizer.state(p.param(), "b"), 0, p.param().size());
                }
            }
        }
    }

    @Override
    public void loadBatch(ImageData data, int[] order, int from, int count) {
        hostFresh = false;
        batch = count;
        data.fillBytes(order, from, from + count, batchPixels, batchLabels);
        runner.batch(batchPixels, batchLabels, count, data.pixelsPerImage(), x);
    }

    private int inputOf(int layer) {
        return layer == 0 ? x : slots.get(layer - 1).y();
    }

    /** Offset of the gradient with respect to layer {@code layer}'s output. */
    private int outputGradOf(int layer) {
        if (layer == slots.size() - 1) {
            return dLogits;
        }
        LayerSlot next = slots.get(layer + 1);
        return next.dx() == -2 ? outputGradOf(layer + 1) : next.dx();
    }

    @Override
    public void forward(int layer) {
        hostFresh = false;
        LayerSlot s = slots.get(layer);
        int in = inputOf(layer);
        Layer l = s.layer();
        if (l instanceof Dense d) {
            int nIn = d.inputShape().size(), nOut = d.units();
            runner.matmul(in, s.params().get(0).value(), s.y(), batch, nIn, nOut, false, false, false);
            runner.biasActivation(s.y(), s.params().get(1).value(), batch, nOut, d.activation() == Activation.RELU);
        } else if (l instanceof Conv2D c) {
            Conv.Geometry g = c.geometry();
            geometry(g);
            runner.im2col(in, s.patches(), batch);
            int rows = batch * g.oh() * g.ow();
            runner.matmul(s.patches(), s.params().get(0).value(), s.y(), rows, g.patchSize(), g.out(), false, false, false);
            runner.biasActivation(s.y(), s.params().get(1).value(), rows, g.out(), c.activation() == Activation.RELU);
        } else if (l instanceof MaxPooling2D p) {
            var in3 = p.inputShape();
            runner.maxpoolForward(in, s.y(), s.argmax(), batch, in3.dim(0), in3.dim(1), in3.dim(2), p.poolSize());
        }
        // Flatten: nothing to do, its output is its input.
    }

    private void geometry(Conv.Geometry g) {
        runner.convGeometry(g.h(), g.w(), g.in(), g.k(), g.oh(), g.ow(), g.padTop(), g.padLeft());
    }

    @Override
    public SoftmaxCrossEntropy.Result loss(boolean gradient) {
        hostFresh = false;
        float[] r = runner.softmaxCrossEntropy(slots.get(slots.size() - 1).y(), probs, gradient ? dLogits : -1, batch,
                model.classes());
        return new SoftmaxCrossEntropy.Result(r[0], Math.round(r[1]));
    }

    @Override
    public void backward(int layer) {
        hostFresh = false;
        LayerSlot s = slots.get(layer);
        Layer l = s.layer();
        int dy = outputGradOf(layer);
        int in = inputOf(layer);
        if (l instanceof Dense d) {
            int nIn = d.inputShape().size(), nOut = d.units();
            int g = dy;
            if (s.dz() >= 0) {
                runner.reluBackward(s.y(), dy, s.dz(), batch * nOut);
                g = s.dz();
            }
            // dW = Xᵀ·dZ, db = Σ dZ, dX = dZ·Wᵀ
            runner.matmul(in, g, s.params().get(0).grad(), nIn, batch, nOut, true, false, false);
            runner.sumRows(g, s.params().get(1).grad(), batch, nOut);
            if (s.dx() >= 0) {
                runner.matmul(g, s.params().get(0).value(), s.dx(), batch, nOut, nIn, false, true, false);
            }
        } else if (l instanceof Conv2D c) {
            Conv.Geometry geo = c.geometry();
            int rows = batch * geo.oh() * geo.ow();
            int g = dy;
            if (s.dz() >= 0) {
                runner.reluBackward(s.y(), dy, s.dz(), rows * geo.out());
                g = s.dz();
            }
            // dW = Pᵀ·dZ, db = Σ dZ, dP = dZ·Wᵀ, dX = col2im(dP)
            runner.matmul(s.patches(), g, s.params().get(0).grad(), geo.patchSize(), rows, geo.out(), true, false, false);
            runner.sumRows(g, s.params().get(1).grad(), rows, geo.out());
            if (s.dx() >= 0) {
                runner.matmul(g, s.params().get(0).value(), s.dPatches(), rows, geo.out(), geo.patchSize(), false, true, false);
                geometry(geo);
                runner.col2im(s.dPatches(), s.dx(), batch);
            }
        } else if (l instanceof MaxPooling2D p) {
            if (s.dx() >= 0) {
                var in3 = p.inputShape();
                runner.maxpoolBackward(in, dy, s.argmax(), s.dx(), batch, in3.dim(0), in3.dim(1), in3.dim(2), p.poolSize());
            }
        }
        // Flatten: its input gradient is its output gradient (see outputGradOf).
    }

    @Override
    public void update(int layer) {
        hostFresh = false;
        if (optimizer == null) {
            throw new IllegalStateException("this backend was opened for evaluation only, without an optimizer");
        }
        for (ParamSlot p : slots.get(layer).params()) {
            int n = p.param().size();
            if (optimizer instanceof RmsProp r) {
                runner.rmspropUpdate(p.value(), p.grad(), p.m(), p.b(), n, (float) r.learningRate(), (float) r.rho(),
                        (float) r.momentum(), (float) r.epsilon());
            } else if (optimizer instanceof Sgd s) {
                runner.sgdUpdate(p.value(), p.grad(), p.b(), n, (float) s.learningRate(), (float) s.momentum());
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String device() {
        return name + " on " + runner.deviceName();
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
    public int batchSize() {
        return batch;
    }

    @Override
    public long bytesToDevice() {
        return runner.bytesToDevice();
    }

    @Override
    public long bytesFromDevice() {
        return runner.bytesFromDevice();
    }

    /** Whether the last kernel launch really ran as OpenCL (not Aparapi's Java fallback). */
    public boolean ranOnOpenCL() {
        return runner.ranOnOpenCL();
    }

    @Override
    public void close() {
        runner.close();
    }
}
