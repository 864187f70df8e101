package gradstep.engine.train;

import gradstep.engine.GradstepException;
import gradstep.engine.layers.Layer;
import gradstep.engine.layers.Param;
import gradstep.engine.model.Model;
import gradstep.engine.ops.SoftmaxCrossEntropy;
import gradstep.engine.optim.Optimizer;
import gradstep.engine.util.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a model by executing {@link MicroStep}s one at a time: the single training loop that both the
 * command line (which calls {@link #step()} until done) and the debugger (which calls {@link #advance()}
 * and looks at the model in between) drive.
 *
 * <p>Batches come from a fresh seeded permutation of the data each epoch; the last batch of an epoch
 * holds whatever is left (Keras does the same). With the same seed, data and thread-independent ops,
 * two runs produce bit-identical weights.
 */
public final class Trainer {
    private final Model model;
    private final Optimizer optimizer;
    private final ImageData data;
    private final int batchSize;
    private final Rng shuffle;
    private final List<MicroStep> plan;
    private final float[] x;
    private final int[] labels;
    private final float[] probs;
    private final float[] dLogits;

    private int[] order;
    private int epoch = 1;
    private int stepInEpoch;
    private long globalStep;
    private int cursor;
    private int currentBatch;
    private float[] logits;
    private SoftmaxCrossEntropy.Result lossResult;

    public Trainer(Model model, Optimizer optimizer, ImageData data, int batchSize, long seed) {
        if (batchSize < 1) {
            throw new GradstepException("--batch-size must be at least 1, got " + batchSize);
        }
        if (data.pixelsPerImage() != model.inputShape().size()) {
            throw new GradstepException(data.name() + " has images of " + data.pixelsPerImage()
                    + " pixels, the model expects " + model.inputShape());
        }
        this.model = model;
        this.optimizer = optimizer;
        this.data = data;
        this.batchSize = Math.min(batchSize, data.count());
        this.shuffle = new Rng(seed ^ 0x6A09E667F3BCC909L);
        this.plan = plan(model);
        this.x = new float[this.batchSize * data.pixelsPerImage()];
        this.labels = new int[this.batchSize];
        this.probs = new float[this.batchSize * model.classes()];
        this.dLogits = new float[this.batchSize * model.classes()];
        this.order = shuffle.permutation(data.count());
    }

    /** The micro-steps of one training step, in order. */
    static List<MicroStep> plan(Model model) {
        int n = model.layers().size();
        List<MicroStep> p = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            p.add(new MicroStep.Forward(i));
        }
        p.add(new MicroStep.Loss());
        for (int i = n - 1; i >= 0; i--) {
            p.add(new MicroStep.Backward(i));
        }
        for (int i = 0; i < n; i++) {
            if (!model.layers().get(i).params().isEmpty()) {
                p.add(new MicroStep.Update(i));
            }
        }
        return List.copyOf(p);
    }

    /** The micro-step that {@link #advance()} will execute next. */
    public MicroStep next() {
        return plan.get(cursor);
    }

    /** Executes the next micro-step; returns the step's result when it completed a training step, else null. */
    public StepResult advance() {
        MicroStep s = plan.get(cursor);
        if (s instanceof MicroStep.Forward f) {
            forward(f.layer());
        } else if (s instanceof MicroStep.Loss) {
            lossResult = SoftmaxCrossEntropy.softmaxCrossEntropyForwardBackward(logits, labels, probs, dLogits,
                    currentBatch, model.classes());
        } else if (s instanceof MicroStep.Backward b) {
            backward(b.layer());
        } else if (s instanceof MicroStep.Update u) {
            for (Param p : model.layers().get(u.layer()).params()) {
                optimizer.update(p);
            }
        }
        cursor++;
        return cursor == plan.size() ? finishStep() : null;
    }

    /** Runs the rest of the current training step (all of it, when none is under way). */
    public StepResult step() {
        StepResult r;
        do {
            r = advance();
        } while (r == null);
        return r;
    }

    private float[] layerInput(int layer) {
        return layer == 0 ? x : model.layers().get(layer - 1).output();
    }

    private void forward(int layer) {
        if (layer == 0) {
            int from = stepInEpoch * batchSize;
            currentBatch = Math.min(batchSize, data.count() - from);
            data.fill(order, from, from + currentBatch, x, labels);
        }
        float[] out = model.layers().get(layer).forward(layerInput(layer), currentBatch);
        if (layer == model.layers().size() - 1) {
            logits = out;
        }
    }

    private void backward(int layer) {
        List<Layer> layers = model.layers();
        float[] dy = layer == layers.size() - 1 ? dLogits : layers.get(layer + 1).inputGradient();
        layers.get(layer).backward(dy, currentBatch);
    }

    private StepResult finishStep() {
        cursor = 0;
        stepInEpoch++;
        globalStep++;
        boolean epochEnd = stepInEpoch == stepsPerEpoch();
        StepResult r = new StepResult(epoch, stepInEpoch, globalStep, currentBatch, lossResult.loss(),
                lossResult.correct(), epochEnd);
        if (epochEnd) {
            epoch++;
            stepInEpoch = 0;
            order = shuffle.permutation(data.count());
        }
        return r;
    }

    public int stepsPerEpoch() {
        return (data.count() + batchSize - 1) / batchSize;
    }

    /** 1-based epoch that the next step belongs to. */
    public int epoch() {
        return epoch;
    }

    /** Steps completed in the current epoch. */
    public int stepInEpoch() {
        return stepInEpoch;
    }

    /** Steps completed since training began. */
    public long globalStep() {
        return globalStep;
    }

    /** Whether a training step is under way (some of its micro-steps done, not all). */
    public boolean midStep() {
        return cursor != 0;
    }

    public Model model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The softmax of the last loss micro-step, batch×classes. */
    public float[] probabilities() {
        return probs;
    }

    /** Labels of the current batch. */
    public int[] labels() {
        return labels;
    }

    public int currentBatchSize() {
        return currentBatch;
    }
}
