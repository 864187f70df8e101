package gradstep.engine.train;

import gradstep.engine.GradstepException;
import gradstep.engine.backend.Backend;
import gradstep.engine.backend.JavaBackend;
import gradstep.engine.model.Model;
import gradstep.kernels.KernelFailure;
import gradstep.engine.ops.SoftmaxCrossEntropy;
import gradstep.engine.optim.Optimizer;
import gradstep.engine.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

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
    private Backend backend;
    private Consumer<String> notes = System.err::println;
    private final Model model;
    private final ImageData data;
    private final int batchSize;
    private final Rng shuffle;
    private final List<MicroStep> plan;

    private int[] order;
    private NonFinite onNonFinite = NonFinite.IGNORE;

    /** What a NaN or Inf in the loss or a gradient does to a step. */
    public enum NonFinite {
        /** Nothing: the values go on (the debugger, whose breakpoints look for them). */
        IGNORE,
        /** The step stops with {@link NonFiniteException} before any update: parameters stay as they were. */
        STOP,
        /** The step's updates are skipped; training goes on with the next batch. */
        SKIP_BATCH
    }

    /**
     * A device that failed and could not even be read back: this trainer's state is lost; a run that
     * keeps checkpoints continues from the newest one.
     */
    public static final class DeviceLostException extends GradstepException {
        public DeviceLostException(String message) {
            super(message);
        }
    }

    /** A NaN or Inf in the loss or a gradient, named. */
    public static final class NonFiniteException extends GradstepException {
        public NonFiniteException(String message) {
            super(message);
        }
    }

    public void onNonFinite(NonFinite mode) {
        this.onNonFinite = mode;
    }
    private int epoch = 1;
    private int stepInEpoch;
    private long globalStep;
    private int cursor;
    private SoftmaxCrossEntropy.Result lossResult;
    private long skipped;

    /** Trains on the plain-Java backend. */
    public Trainer(Model model, Optimizer optimizer, ImageData data, int batchSize, long seed) {
        this(new JavaBackend(model, optimizer, checkBatch(batchSize, data)), data, batchSize, seed);
    }

    /** Trains on {@code backend}, whose room must hold {@code batchSize} images. */
    public Trainer(Backend backend, ImageData data, int batchSize, long seed) {
        checkBatch(batchSize, data);
        Model model = backend.model();
        if (data.pixelsPerImage() != model.inputShape().size()) {
            throw new GradstepException(data.name() + " has images of " + data.pixelsPerImage()
                    + " pixels, the model expects " + model.inputShape());
        }
        this.backend = backend;
        this.model = model;
        this.data = data;
        this.batchSize = Math.min(batchSize, data.count());
        if (this.batchSize > backend.maxBatch()) {
            throw new IllegalArgumentException("batch " + this.batchSize + " exceeds the backend's room for " + backend.maxBatch());
        }
        this.shuffle = new Rng(seed ^ 0x6A09E667F3BCC909L);
        this.plan = plan(model);
        this.order = shuffle.permutation(data.count());
    }

    /** The batch size a backend for this data needs room for. */
    public static int checkBatch(int batchSize, ImageData data) {
        if (batchSize < 1) {
            throw new GradstepException("--batch-size must be at least 1, got " + batchSize);
        }
        return Math.min(batchSize, data.count());
    }

    /**
     * Where training stands between two steps: enough, with the parameters and optimizer state, to
     * replay exactly the same batches from here.
     */
    public record Position(int epoch, int stepInEpoch, long globalStep, int[] order, long shuffleState) {
    }

    /** The position now; only between steps (a step half done has state no position describes). */
    public Position position() {
        if (cursor != 0) {
            throw new IllegalStateException("a training step is under way");
        }
        return new Position(epoch, stepInEpoch, globalStep, order.clone(), shuffle.state());
    }

    /** Returns to a position taken earlier, abandoning any step under way. */
    public void restore(Position p) {
        if (p.order().length != data.count()) {
            throw new IllegalArgumentException("position for " + p.order().length + " images, data has " + data.count());
        }
        boolean[] seen = new boolean[data.count()];
        for (int v : p.order()) {
            if (v < 0 || v >= seen.length || seen[v]) {
                throw new IllegalArgumentException("the batch order is not a permutation of the " + seen.length + " images");
            }
            seen[v] = true;
        }
        if (p.epoch() < 1 || p.stepInEpoch() < 0 || p.stepInEpoch() >= stepsPerEpoch() || p.globalStep() < 0) {
            throw new IllegalArgumentException("position epoch " + p.epoch() + " step " + p.stepInEpoch()
                    + " does not fit " + stepsPerEpoch() + " steps an epoch");
        }
        epoch = p.epoch();
        stepInEpoch = p.stepInEpoch();
        globalStep = p.globalStep();
        order = p.order().clone();
        shuffle.setState(p.shuffleState());
        cursor = 0;
        lossResult = null;
    }

    /** The loss of the current step's loss micro-step, or null before it ran. */
    public SoftmaxCrossEntropy.Result lastLoss() {
        return lossResult;
    }

    /** Index of the next micro-step within the step's plan. */
    public int cursor() {
        return cursor;
    }

    /** The micro-steps of one training step, in order. */
    public List<MicroStep> plan() {
        return plan;
    }

    /** Builds the plan: every forward, the loss, every backward in reverse, every update. */
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

    /** Where the line about a backend failure goes (standard error unless set). */
    public void onNote(Consumer<String> notes) {
        this.notes = notes;
    }

    /** Says a line where this trainer's notes go. */
    public void note(String line) {
        notes.accept(line);
    }

    /**
     * Executes the next micro-step; returns the step's result when it completed a training step, else
     * null. A kernel failure on a device backend is survived: see {@link #recover}.
     */
    public StepResult advance() {
        MicroStep s = plan.get(cursor);
        try {
            execute(s);
        } catch (KernelFailure e) {
            recover(e, s);
            return null;
        }
        cursor++;
        if (onNonFinite != NonFinite.IGNORE && cursor < plan.size() && plan.get(cursor) instanceof MicroStep.Update
                && !(s instanceof MicroStep.Update)) {
            // every backward is done and no update yet: the last moment a bad step can be refused whole
            String bad = !Double.isFinite(lossResult.loss()) ? "the loss (" + lossResult.loss() + ")" : backend.nonFiniteGradient();
            if (bad != null) {
                String what = "step " + (globalStep + 1) + " (epoch " + epoch + ", batch " + (stepInEpoch + 1) + "): NaN or Inf in " + bad;
                if (onNonFinite == NonFinite.STOP) {
                    cursor = 0;
                    throw new NonFiniteException(what);
                }
                notes.accept("gradstep: " + what + "; batch skipped, parameters unchanged");
                skipped++;
                cursor = plan.size();
            }
        }
        return cursor == plan.size() ? finishStep() : null;
    }

    /**
     * Moves training to the plain-Java backend after a kernel failed, losing nothing. The device state
     * is read back first. If the failure came before the step's first update, parameters and optimizer
     * state are still those of the last completed step, and the step is run again from its first
     * micro-step (same batch). If it came during the updates, the gradients of this step are on the host
     * too, and the step goes on from the update that failed. Only a device that cannot even be read
     * back stops training.
     */
    private void recover(KernelFailure failure, MicroStep failed) {
        Backend old = backend;
        try {
            old.syncToHost();
        } catch (RuntimeException e) {
            throw new DeviceLostException(failure.getMessage() + "; the device state could not be read back ("
                    + e.getMessage() + ")");
        } finally {
            old.close();
        }
        gradstep.engine.ops.Gemm.setVectorized(true); // the java backend's fast products, when there are
        backend = new JavaBackend(model, old.optimizer(), old.maxBatch());
        boolean updating = failed instanceof MicroStep.Update;
        if (!updating) {
            cursor = 0;
        }
        notes.accept("gradstep: " + failure.getMessage() + "; continuing on the java backend from "
                + (updating ? failed.describe(model) : "the start of step " + (globalStep + 1)));
    }

    private void execute(MicroStep s) {
        if (s instanceof MicroStep.Forward f) {
            if (f.layer() == 0) {
                int from = stepInEpoch * batchSize;
                backend.loadBatch(data, order, from, Math.min(batchSize, data.count() - from));
            }
            backend.forward(f.layer());
        } else if (s instanceof MicroStep.Loss) {
            lossResult = backend.loss(true);
        } else if (s instanceof MicroStep.Backward b) {
            backend.backward(b.layer());
        } else if (s instanceof MicroStep.Update u) {
            backend.update(u.layer());
        }
    }

    /** Runs the rest of the current training step (all of it, when none is under way). */
    public StepResult step() {
        StepResult r;
        do {
            r = advance();
        } while (r == null);
        return r;
    }

    private StepResult finishStep() {
        cursor = 0;
        stepInEpoch++;
        globalStep++;
        boolean epochEnd = stepInEpoch == stepsPerEpoch();
        StepResult r = new StepResult(epoch, stepInEpoch, globalStep, backend.batchSize(), lossResult.loss(),
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

    /** Steps whose updates were skipped for a NaN or Inf (with {@link NonFinite#SKIP_BATCH}). */
    public long skippedSteps() {
        return skipped;
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

    public Backend backend() {
        return backend;
    }

    public Optimizer optimizer() {
        return backend.optimizer();
    }

    public int batchSize() {
        return batchSize;
    }
}
