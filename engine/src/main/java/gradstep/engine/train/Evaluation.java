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

    /**
     * Evaluates the backend's model on all of {@code data}, as many images at a time as the backend has
     * room for. Forward passes only; it overwrites the activations of the last training step.
     */
    public static Evaluation of(Backend backend, ImageData data) {
        int batch = Math.min(backend.maxBatch(), data.count());
        int[] order = new int[data.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int layers = backend.model().layers().size();
        double lossSum = 0;
        int correct = 0;
        for (int from = 0; from < data.count(); from += batch) {
            int n = Math.min(batch, data.count() - from);
            backend.loadBatch(data, order, from, n);
            for (int l = 0; l < layers; l++) {
                backend.forward(l);
            }
            SoftmaxCrossEntropy.Result r = backend.loss(false);
            lossSum += r.loss() * n;
            correct += r.correct();
        }
        return new Evaluation(lossSum / data.count(), correct, data.count());
    }
}
