package gradstep.engine.train;

/**
 * What one training step did.
 *
 * @param epoch      1-based epoch the step belongs to
 * @param step       1-based index of the step within its epoch
 * @param globalStep 1-based index of the step since training began
 * @param batchSize  images in the batch (the last batch of an epoch may be smaller)
 * @param loss       mean cross-entropy over the batch, before the update
 * @param correct    images in the batch whose largest logit was at the label
 * @param epochEnd   whether this was the last step of its epoch
 */
public record StepResult(int epoch, int step, long globalStep, int batchSize, double loss, int correct,
                         boolean epochEnd) {
    public double accuracy() {
        return (double) correct / batchSize;
    }
}
