package gradstep.engine.model;

import gradstep.engine.GradstepException;
import java.util.Locale;

/**
 * What a model needs in memory at a batch size, worked out from its spec before anything is allocated,
 * so a run that cannot fit is refused with figures instead of failing with an OutOfMemoryError half-way:
 * parameters with their gradients and optimizer state, and per batch every layer's output, its ReLU
 * gradient, its input gradient and, for a convolution, the patch matrix and its gradient.
 */
public record MemoryEstimate(long parameterBytes, long activationBytes) {
    public long totalBytes() {
        return parameterBytes + activationBytes;
    }

    /**
     * The estimate for {@code spec} on rows×cols×channels images; {@code stateTensors}: the optimizer's
     * per-parameter tensors (2 for RMSprop, 1 for SGD). Returns null for a spec whose shapes do not work
     * out (Model.build says why).
     */
    public static MemoryEstimate of(ModelSpec spec, int rows, int cols, int channels, int batch, int stateTensors) {
        boolean flat = spec.layers().get(0) instanceof ModelSpec.DenseSpec;
        long h = flat ? 1 : rows, w = flat ? 1 : cols, c = flat ? (long) rows * cols * channels : channels;
        double params = 0, perImage = h * w * c; // the input batch
        for (ModelSpec.LayerSpec l : spec.layers()) {
            long in = h * w * c;
            if (l instanceof ModelSpec.DenseSpec d) {
                params += (double) in * d.units() + d.units();
                h = 1;
                w = 1;
                c = d.units();
                perImage += 3.0 * c + in; // output, ReLU gradient, the next gradient; input gradient
            } else if (l instanceof ModelSpec.ConvSpec cv) {
                long oh = cv.same() ? h : h - cv.kernel() + 1, ow = cv.same() ? w : w - cv.kernel() + 1;
                if (oh < 1 || ow < 1) {
                    return null;
                }
                long patch = (long) cv.kernel() * cv.kernel() * c;
                params += (double) patch * cv.filters() + cv.filters();
                perImage += 2.0 * oh * ow * patch + 2.0 * oh * ow * cv.filters() + in;
                h = oh;
                w = ow;
                c = cv.filters();
            } else if (l instanceof ModelSpec.PoolSpec p) {
                if (h < p.size() || w < p.size()) {
                    return null;
                }
                h /= p.size();
                w /= p.size();
                perImage += 2.0 * h * w * c + in; // output and argmax, input gradient
            } else {
                h = 1;
                w = 1;
                c = in;
            }
        }
        double paramBytes = params * 4 * (2 + stateTensors);
        double actBytes = perImage * 4 * batch;
        return new MemoryEstimate((long) Math.min(Long.MAX_VALUE, paramBytes), (long) Math.min(Long.MAX_VALUE, actBytes));
    }

    /** Refuses the run when the estimate exceeds {@code available} bytes of {@code where}. */
    public void require(long available, String where, String what) {
        if (totalBytes() > available) {
            throw new GradstepException(String.format(Locale.ROOT,
                    "%s needs about %s (parameters, gradients and optimizer state %s, activations of the batch %s);"
                            + " %s has %s: use a smaller --batch-size or model", what, human(totalBytes()), human(parameterBytes),
                    human(activationBytes), where, human(available)));
        }
    }

    public static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
    }
}
