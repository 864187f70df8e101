package gradstep.engine.train;

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

    /** Evaluates {@code model} on all of {@code data}, {@code batch} images at a time. */
    public static Evaluation of(Model model, ImageData data, int batch) {
        int ppi = data.pixelsPerImage();
        int classes = model.classes();
        int[] order = new int[data.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        float[] x = new float[batch * ppi];
        int[] y = new int[batch];
        float[] probs = new float[batch * classes];
        double lossSum = 0;
        int correct = 0;
        for (int from = 0; from < data.count(); from += batch) {
            int n = Math.min(batch, data.count() - from);
            data.fill(order, from, from + n, x, y);
            float[] logits = model.forward(x, n);
            SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.softmaxCrossEntropyForwardBackward(logits, y, probs, null, n, classes);
            lossSum += r.loss() * n;
            correct += r.correct();
        }
        return new Evaluation(lossSum / data.count(), correct, data.count());
    }
}
