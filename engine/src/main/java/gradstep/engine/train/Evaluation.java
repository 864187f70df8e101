package gradstep.engine.train;

import gradstep.engine.backend.Backend;
import gradstep.engine.backend.JavaBackend;
import gradstep.engine.model.Model;
import gradstep.engine.ops.SoftmaxCrossEntropy;

/** Loss and accuracy of a model over a whole data set, forward passes only. */
public record Evaluation(double loss, int correct, int count) {
    public double accuracy() {
        return (double) correct / count;
    }

    /** The line that ends every run: {@code test: loss=0.0712 accuracy=0.9781}. */
    public String line(String label) {
        return String.format(java.util.Locale.ROOT, "%s: loss=%.4f accuracy=%.4f", label, loss, accuracy());
    }

    /** Evaluates {@code model} on all of {@code data} on the plain-Java backend, {@code batch} images at a time. */
    public static Evaluation of(Model model, ImageData data, int batch) {
        try (JavaBackend b = new JavaBackend(model, null, Math.min(batch, data.count()))) {
            return of(b, data);
        }
    }

    /** What {@link #forEachBatch} hands over for each batch: where it starts, its size and its loss. */
    @FunctionalInterface
    public interface BatchDone {
        void accept(int from, int count, SoftmaxCrossEntropy.Result result);
    }

    /**
     * Runs the forward passes and the loss over all of {@code data} in order, as many images at a time as
     * the backend has room for, and calls {@code done} after each batch (the backend then holds that
     * batch's probabilities). It overwrites the activations of the last training step.
     */
    public static void forEachBatch(Backend backend, ImageData data, BatchDone done) {
        int batch = Math.min(backend.maxBatch(), data.count());
        int[] order = new int[data.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int layers = backend.model().layers().size();
        for (int from = 0; from < data.count(); from += batch) {
            int n = Math.min(batch, data.count() - from);
            backend.loadBatch(data, order, from, n);
            for (int l = 0; l < layers; l++) {
                backend.forward(l);
            }
            done.accept(from, n, backend.loss(false));
        }
    }

    /** Evaluates the backend's model on all of {@code data}: forward passes only. */
    public static Evaluation of(Backend backend, ImageData data) {
        double[] lossSum = {0};
        int[] correct = {0};
        forEachBatch(backend, data, (from, n, r) -> {
            lossSum[0] += r.loss() * n;
            correct[0] += r.correct();
        });
        return new Evaluation(lossSum[0] / data.count(), correct[0], data.count());
    }
}
