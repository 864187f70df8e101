package gradstep.engine.ops;

/**
 * Softmax followed by categorical cross-entropy, fused because together they are simple and stable:
 *
 * <pre>
 *   p_k  = exp(z_k − max z) / Σ_j exp(z_j − max z)          (subtracting max z avoids overflow)
 *   loss = (1/B) Σ_rows −log p_label = (1/B) Σ_rows (log Σ_j exp(z_j − max z) − (z_label − max z))
 *   dz_k = (p_k − [k = label]) / B                          (the mean over the batch, as Keras reports it)
 * </pre>
 * The log-sum-exp form never takes the log of a rounded-to-zero probability, so the loss stays finite.
 */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {
    }

    /** Loss and the number of rows whose largest logit is at the label. */
    public record Result(double loss, int correct) {
    }

    /**
     * Forward and backward in one pass. {@code probs} receives the softmax, {@code dz} (if not null) the
     * gradient of the mean loss with respect to the logits.
     */
    public static Result softmaxCrossEntropyForwardBackward(float[] z, int[] labels, float[] probs, float[] dz,
                                                            int batch, int classes) {
        double total = 0;
        int correct = 0;
        for (int r = 0; r < batch; r++) {
            int o = r * classes;
            float max = z[o];
            int arg = 0;
            for (int k = 1; k < classes; k++) {
                if (z[o + k] > max) {
                    max = z[o + k];
                    arg = k;
                }
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(z[o + k] - max);
            }
            double logSum = Math.log(sum);
            int label = labels[r];
            total += logSum - (z[o + label] - max);
            if (arg == label) {
                correct++;
            }
            for (int k = 0; k < classes; k++) {
                probs[o + k] = (float) Math.exp(z[o + k] - max - logSum);
            }
            if (dz != null) {
                for (int k = 0; k < classes; k++) {
                    dz[o + k] = (probs[o + k] - (k == label ? 1f : 0f)) / batch;
                }
            }
        }
        return new Result(total / batch, correct);
    }
}
