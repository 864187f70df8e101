package gradstep.kernels;

import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.JavaDevice;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.internal.kernel.KernelManager;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Host side of the OpenCL backend: owns one {@link TrainingKernel} on one device, moves memory in and
 * out explicitly (and counts every byte), and launches each op with the right range. Every method that
 * launches an op has the op's name and takes its arguments as offsets into the arena.
 *
 * <p>Aparapi, when a kernel fails on OpenCL, logs a warning and runs it in Java instead; a backend that
 * silently ran elsewhere would mislead a class, so after each launch this checks that the kernel really
 * ran on OpenCL and otherwise throws {@link KernelFailure} with the reason Aparapi logged.
 */
public final class DeviceRunner implements AutoCloseable {
    /** Work-group size of the element-wise ops. */
    static final int LOCAL = 64;

    /**
     * Faults injected on purpose (tests of the fallback): op name (or "download") to the number of
     * calls still allowed before every later one fails. Empty in normal use.
     */
    private static final java.util.Map<String, Integer> FAULTS = new java.util.concurrent.ConcurrentHashMap<>();

    private final TrainingKernel k = new TrainingKernel();
    private final Device device;
    private final boolean opencl;
    private final String deviceName;
    private long bytesToDevice;
    private long bytesFromDevice;

    /**
     * @param device an OpenCL device, or {@link JavaDevice#THREAD_POOL} for Aparapi's Java thread pool
     * @param floats size of the float arena, {@code ints} of the int arena, {@code maxBatchPixels} and
     *               {@code maxBatch} of the batch buffers
     */
    public DeviceRunner(Device device, int floats, int ints, int maxBatchPixels, int maxBatch) {
        AparapiLog.install();
        this.device = device;
        this.opencl = device instanceof OpenCLDevice;
        this.deviceName = Devices.describe(device);
        KernelManager.instance().setPreferredDevices(k, new LinkedHashSet<>(List.of(device)));
        k.setExplicit(true);
        k.mem = new float[Math.max(1, floats)];
        k.imem = new int[Math.max(1, ints)];
        k.pixels = new byte[Math.max(1, maxBatchPixels)];
        k.labels = new int[Math.max(1, maxBatch)];
        k.out = new float[8];
        k.hist = new int[TrainingKernel.GROUP * TrainingKernel.BINS];
    }

    /** Translates the kernel to OpenCL and builds it for the device now, not in the middle of the first step. */
    public void compile() {
        if (!opencl) {
            return;
        }
        try {
            k.compile(device);
        } catch (CompileFailedException e) {
            throw new KernelFailure("kernels failed to compile on " + deviceName + ": " + firstLine(e.getMessage()));
        }
    }

    public String deviceName() {
        return deviceName;
    }

    /** Whether the last launch ran as OpenCL (as opposed to Aparapi's Java fallback). */
    public boolean ranOnOpenCL() {
        return k.isRunningCL();
    }

    /** The host copy of the arena; what it holds is current only after {@link #download()}. */
    public float[] arena() {
        return k.mem;
    }

    /** Sends the whole arena to the device (once, after the host filled in the initial parameters). */
    public void upload() {
        k.put(k.mem);
        k.put(k.imem);
        k.put(k.pixels);
        k.put(k.labels);
        k.put(k.out);
        k.put(k.hist);
        bytesToDevice += 4L * k.mem.length + 4L * k.imem.length + k.pixels.length + 4L * k.labels.length
                + 4L * k.out.length + 4L * k.hist.length;
    }

    /** Brings the whole arena back to the host (to save weights, or for a view that shows everything). */
    public void download() {
        fault("download");
        k.get(k.mem);
        bytesFromDevice += 4L * k.mem.length;
    }

    public long bytesToDevice() {
        return bytesToDevice;
    }

    public long bytesFromDevice() {
        return bytesFromDevice;
    }

    /** Sends a batch as bytes and labels, and widens the pixels to floats at {@code dst} on the device. */
    public void batch(byte[] pixels, int[] labels, int images, int pixelsPerImage, int dst) {
        int count = images * pixelsPerImage;
        System.arraycopy(pixels, 0, k.pixels, 0, count);
        System.arraycopy(labels, 0, k.labels, 0, images);
        k.put(k.pixels);
        k.put(k.labels);
        // Aparapi sends whole arrays: count what really crosses the bus.
        bytesToDevice += k.pixels.length + 4L * k.labels.length;
        k.batchX = dst;
        launch1D(TrainingKernel.OP_BYTES_TO_FLOATS, count, "bytesToFloats");
    }

    public void matmul(int a, int b, int c, int m, int kk, int n, boolean transA, boolean transB, boolean accumulate) {
        k.gemmA = a;
        k.gemmB = b;
        k.gemmC = c;
        k.gemmM = m;
        k.gemmK = kk;
        k.gemmN = n;
        k.gemmTransA = transA ? 1 : 0;
        k.gemmTransB = transB ? 1 : 0;
        k.gemmAccumulate = accumulate ? 1 : 0;
        k.op = TrainingKernel.OP_MATMUL;
        int t = TrainingKernel.TILE;
        execute(Range.create2D(device, roundUp(n, t), roundUp(m, t), t, t), "matmul");
    }

    public void biasActivation(int y, int bias, int rows, int cols, boolean relu) {
        k.biasY = y;
        k.biasB = bias;
        k.biasCols = cols;
        k.biasRelu = relu ? 1 : 0;
        launch1D(TrainingKernel.OP_BIAS_ACTIVATION, rows * cols, "biasActivation");
    }

    public void reluBackward(int y, int dy, int dz, int count) {
        k.reluY = y;
        k.reluDy = dy;
        k.reluDz = dz;
        launch1D(TrainingKernel.OP_RELU_BACKWARD, count, "reluBackward");
    }

    public void sumRows(int dy, int db, int rows, int cols) {
        k.sumDy = dy;
        k.sumDb = db;
        k.sumRowCount = rows;
        k.sumCols = cols;
        launch1D(TrainingKernel.OP_SUM_ROWS, cols, "sumRows");
    }

    /** Sets the geometry used by {@link #im2col} and {@link #col2im}. */
    public void convGeometry(int h, int w, int c, int kernel, int oh, int ow, int padTop, int padLeft) {
        k.convH = h;
        k.convW = w;
        k.convC = c;
        k.convK = kernel;
        k.convOh = oh;
        k.convOw = ow;
        k.convPadTop = padTop;
        k.convPadLeft = padLeft;
    }

    public void im2col(int x, int patches, int batch) {
        k.convX = x;
        k.convPatches = patches;
        launch1D(TrainingKernel.OP_IM2COL, batch * k.convOh * k.convOw * k.convK * k.convK * k.convC, "im2col");
    }

    public void col2im(int dPatches, int dx, int batch) {
        k.convPatches = dPatches;
        k.convDx = dx;
        launch1D(TrainingKernel.OP_COL2IM, batch * k.convH * k.convW * k.convC, "col2im");
    }

    public void maxpoolForward(int x, int y, int argmax, int batch, int h, int w, int c, int p) {
        pool(x, y, argmax, h, w, c, p);
        launch1D(TrainingKernel.OP_MAXPOOL_FORWARD, batch * (h / p) * (w / p) * c, "maxpoolForward");
    }

    public void maxpoolBackward(int x, int dy, int argmax, int dx, int batch, int h, int w, int c, int p) {
        pool(x, 0, argmax, h, w, c, p);
        k.poolDy = dy;
        k.poolDx = dx;
        launch1D(TrainingKernel.OP_MAXPOOL_BACKWARD, batch * h * w * c, "maxpoolBackward");
    }

    private void pool(int x, int y, int argmax, int h, int w, int c, int p) {
        k.poolX = x;
        k.poolY = y;
        k.poolArgmax = argmax;
        k.poolH = h;
        k.poolW = w;
        k.poolC = c;
        k.poolP = p;
    }

    /**
     * Softmax-cross-entropy forward and backward ({@code dz < 0}: forward only); returns {mean loss,
     * correct}, the only numbers a training step reads back (8 bytes).
     */
    public float[] softmaxCrossEntropy(int z, int probs, int dz, int batch, int classes) {
        k.smZ = z;
        k.smProbs = probs;
        k.smDz = dz;
        k.smBatch = batch;
        k.smClasses = classes;
        k.op = TrainingKernel.OP_SOFTMAX_CROSS_ENTROPY;
        execute(Range.create(device, TrainingKernel.GROUP, TrainingKernel.GROUP), "softmaxCrossEntropy");
        k.get(k.out);
        bytesFromDevice += 4L * k.out.length;
        return new float[]{k.out[0], k.out[1]};
    }

    public void rmspropUpdate(int theta, int grad, int m, int b, int count, float lr, float rho, float momentum, float epsilon) {
        optimizer(theta, grad, m, b, lr, rho, momentum, epsilon);
        launch1D(TrainingKernel.OP_RMSPROP_UPDATE, count, "rmspropUpdate");
    }

    public void sgdUpdate(int theta, int grad, int b, int count, float lr, float momentum) {
        optimizer(theta, grad, 0, b, lr, 0, momentum, 0);
        launch1D(TrainingKernel.OP_SGD_UPDATE, count, "sgdUpdate");
    }

    private void optimizer(int theta, int grad, int m, int b, float lr, float rho, float momentum, float epsilon) {
        k.optTheta = theta;
        k.optGrad = grad;
        k.optM = m;
        k.optB = b;
        k.optLr = lr;
        k.optRho = rho;
        k.optMomentum = momentum;
        k.optEpsilon = epsilon;
    }

    /** {sum, sum of squares, min, max} of {@code count} floats at {@code offset}, computed on the device. */
    public float[] stats(int offset, int count) {
        k.statsOff = offset;
        k.statsCount = count;
        k.op = TrainingKernel.OP_STATS;
        execute(Range.create(device, TrainingKernel.GROUP, TrainingKernel.GROUP), "stats");
        k.get(k.out);
        bytesFromDevice += 4L * k.out.length;
        return new float[]{k.out[2], k.out[3], k.out[4], k.out[5]};
    }

    /** Counts of {@code count} floats at {@code offset} in {@link TrainingKernel#BINS} equal bins over [lo, hi]. */
    public int[] histogram(int offset, int count, float lo, float hi) {
        k.statsOff = offset;
        k.statsCount = count;
        k.histLo = lo;
        k.histHi = hi;
        launch1D(TrainingKernel.OP_HISTOGRAM_PARTIAL, TrainingKernel.GROUP, "histogramPartial");
        launch1D(TrainingKernel.OP_HISTOGRAM_REDUCE, TrainingKernel.BINS, "histogramReduce");
        k.get(k.hist);
        bytesFromDevice += 4L * k.hist.length;
        return java.util.Arrays.copyOf(k.hist, TrainingKernel.BINS);
    }

    private void launch1D(int op, int items, String name) {
        if (items <= 0) {
            return;
        }
        k.op = op;
        k.n = items;
        execute(Range.create(device, roundUp(items, LOCAL), LOCAL), name);
    }

    /**
     * Makes every later launch of {@code op} on an OpenCL device fail as a driver failure would (null
     * to stop): how the tests check that a failing kernel is reported and survived, never trusted.
     */
    public static void injectFault(String op) {
        FAULTS.clear();
        if (op != null) {
            FAULTS.put(op, 0);
        }
    }

    /** Lets {@code op} (an op name, or "download" for reading the arena back) succeed {@code after} more times, then fail. */
    public static void injectFault(String op, int after) {
        FAULTS.put(op, after);
    }

    private void fault(String name) {
        Integer left = FAULTS.get(name);
        if (opencl && left != null) {
            if (left <= 0) {
                throw new KernelFailure((name.equals("download") ? "reading back from " : "kernel " + name + " failed on ")
                        + deviceName + (name.equals("download") ? " failed" : "") + ": fault injected for a test");
            }
            FAULTS.put(name, left - 1);
        }
    }

    private void execute(Range range, String name) {
        fault(name);
        k.execute(range);
        if (opencl && !k.isRunningCL()) {
            String why = AparapiLog.takeLastWarning();
            throw new KernelFailure("kernel " + name + " failed on " + deviceName + ": "
                    + (why == null ? "Aparapi fell back to Java" : why));
        }
    }

    static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }

    @Override
    public void close() {
        k.dispose();
    }

    /** For Aparapi's Java thread pool (the {@code jtp} backend). */
    public static Device javaThreadPool() {
        return JavaDevice.THREAD_POOL;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
