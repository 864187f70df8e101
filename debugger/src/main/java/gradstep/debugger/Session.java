package gradstep.debugger;

import gradstep.engine.backend.Backend;
import gradstep.engine.io.Npy;
import gradstep.engine.io.Npz;
import gradstep.engine.layers.Activation;
import gradstep.engine.layers.Layer;
import gradstep.engine.layers.Param;
import gradstep.engine.model.Model;
import gradstep.engine.ops.Stats;
import gradstep.engine.optim.Optimizer;
import gradstep.engine.train.Evaluation;
import gradstep.engine.train.ImageData;
import gradstep.engine.train.MicroStep;
import gradstep.engine.train.StepResult;
import gradstep.engine.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A debugging session: the one {@link Trainer} of the run, driven a micro-step at a time, with what a
 * teacher needs around it — snapshots of the last {@value #HISTORY} steps to step back to, breakpoints,
 * the loss and accuracy of every step, the test accuracy after each epoch, the selected layer and
 * element, and a copy of each layer's tensors just before its last update (for the RMSprop inspector).
 *
 * <p>The terminal UI and the scripted mode both call these methods; neither has a training loop of its
 * own. Methods are synchronized: the UI's redraw and a run on another thread take turns.
 */
public final class Session {
    public static final int HISTORY = 100;

    private final Trainer trainer;
    private final ImageData train;
    private final ImageData test;
    private final int epochs;
    private final Deque<Snapshot> snapshots = new ArrayDeque<>();
    private final List<StepResult> results = new ArrayList<>();
    private final Map<Integer, Double> testAccuracy = new TreeMap<>();
    private final List<Breakpoint> breakpoints = new ArrayList<>();
    private final Map<Integer, UpdateCapture> lastUpdates = new LinkedHashMap<>();
    private volatile boolean pauseRequested;
    private gradstep.engine.train.TrainingLog log;
    private String lastStop = "";
    private int selectedLayer;
    private int selectedParam;
    private int selectedElement = AUTO;

    /** The state before a step: enough to replay from there exactly. */
    private record Snapshot(Trainer.Position position, float[][] values, float[][][] states, int results) {
    }

    /**
     * Copies of a layer's parameters, gradients and optimizer state just before its update in step
     * {@code step}; with the values after it (the live arrays, until the next update), the inspector
     * shows both sides of the equations.
     */
    public record UpdateCapture(int layer, long step, float[][] theta, float[][] grad, float[][][] state) {
    }

    /** Why a run stopped. */
    public record Stop(String reason, boolean breakpoint) {
    }

    public Session(Trainer trainer, ImageData train, ImageData test, int epochs) {
        this.trainer = trainer;
        this.train = train;
        this.test = test;
        this.epochs = epochs;
        for (int i = 0; i < model().layers().size(); i++) {
            if (!model().layers().get(i).params().isEmpty()) {
                selectedLayer = i;
                break;
            }
        }
    }

    // ---- stepping ----

    /** Executes one micro-step; returns why it stopped (a breakpoint), or null. */
    public synchronized Stop micro() {
        if (trainer.cursor() == 0) {
            snapshot();
        }
        MicroStep next = trainer.next();
        if (next instanceof MicroStep.Update u) {
            captureBeforeUpdate(u.layer());
        }
        long stepNumber = trainer.globalStep() + 1;
        StepResult r = trainer.advance();
        if (trainer.cursor() == 0 && r == null) {
            // a kernel failed and the trainer restarted this step on another backend
            return new Stop("backend failed; now on " + backend().name(), true);
        }
        String hit = checkMicro(next, stepNumber);
        if (r != null) {
            results.add(r);
            if (log != null) {
                log.step(r, backend(), optimizer().learningRate());
            }
            String stepHit = checkStep(r);
            hit = hit != null ? hit : stepHit;
            if (r.epochEnd()) {
                Evaluation e = Evaluation.of(backend(), test);
                testAccuracy.put(r.epoch(), e.accuracy());
                if (log != null) {
                    log.epoch(r.epoch(), r.globalStep(), e);
                }
            }
        }
        if (hit != null) {
            lastStop = hit;
            return new Stop(hit, true);
        }
        return null;
    }

    /** Runs {@code n} micro-steps, stopping early at a breakpoint or a pause. */
    public Stop micro(int n) {
        return runWhile(() -> true, n);
    }

    /** Finishes the step under way, then runs {@code n - 1} more (n whole steps when none is under way). */
    public Stop steps(int n) {
        long target = trainer.globalStep() + n;
        return runWhile(() -> trainer.globalStep() < target, Long.MAX_VALUE);
    }

    /** Runs to the end of the current epoch. */
    public Stop toEpochEnd() {
        int epoch = trainer.epoch();
        return runWhile(() -> trainer.epoch() == epoch, Long.MAX_VALUE);
    }

    /** Runs until a breakpoint, a pause or the end of the last epoch. */
    public Stop run() {
        return runWhile(() -> trainer.epoch() <= epochs, Long.MAX_VALUE);
    }

    private Stop runWhile(java.util.function.BooleanSupplier more, long maxMicro) {
        pauseRequested = false;
        long done = 0;
        while (done < maxMicro && more.getAsBoolean()) {
            if (pauseRequested) {
                pauseRequested = false;
                lastStop = "paused";
                return new Stop("paused", false);
            }
            Stop s = micro();
            done++;
            if (s != null) {
                return s;
            }
        }
        if (trainer.epoch() > epochs) {
            lastStop = "training done: " + epochs + " epochs";
            return new Stop(lastStop, false);
        }
        lastStop = "";
        return null;
    }

    /** Asks a run on another thread to stop after its current micro-step. */
    public void requestPause() {
        pauseRequested = true;
    }

    /**
     * Returns to the start of the step {@code n} steps back (with a step under way, back 1 returns to the
     * start of that step): parameters and optimizer state restored bit for bit, and the same batches
     * replay. At most {@value #HISTORY} steps back; returns how many it went.
     */
    public synchronized int back(int n) {
        if (snapshots.isEmpty() || n < 1) {
            return 0;
        }
        int wanted = trainer.midStep() ? n - 1 : n;
        // the newest snapshot is the start of the current (or the just-finished) step
        Snapshot target = null;
        int went = 0;
        while (!snapshots.isEmpty()) {
            Snapshot s = snapshots.peekLast();
            long stepsBack = trainer.globalStep() - s.position().globalStep();
            if (stepsBack > wanted) {
                break;
            }
            target = snapshots.pollLast();
            went = (int) stepsBack + (trainer.midStep() ? 1 : 0);
            if (stepsBack == wanted) {
                break;
            }
        }
        if (target == null) {
            return 0;
        }
        restore(target);
        lastStop = "went back " + went + (went == 1 ? " step" : " steps") + " to the start of step " + (trainer.globalStep() + 1);
        return went;
    }

    private void snapshot() {
        Backend b = backend();
        b.syncToHost();
        List<Param> params = model().params();
        List<String> names = optimizer().stateNames();
        // the oldest snapshot's arrays are reused once the history is full: no garbage per step, so no
        // collector pauses in the middle of a class's stepping
        Snapshot recycled = snapshots.size() > HISTORY ? snapshots.pollFirst() : null;
        float[][] values = recycled != null ? recycled.values() : new float[params.size()][];
        float[][][] states = recycled != null ? recycled.states() : new float[params.size()][names.size()][];
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            values[i] = copyInto(values[i], p.value());
            for (int s = 0; s < names.size(); s++) {
                states[i][s] = copyInto(states[i][s], optimizer().state(p, names.get(s)));
            }
        }
        snapshots.addLast(new Snapshot(trainer.position(), values, states, results.size()));
    }

    /** {@code src} copied into {@code dst} when it has the size, else into a new array. */
    private static float[] copyInto(float[] dst, float[] src) {
        if (dst == null || dst.length != src.length) {
            return src.clone();
        }
        System.arraycopy(src, 0, dst, 0, src.length);
        return dst;
    }

    private void restore(Snapshot s) {
        List<Param> params = model().params();
        List<String> names = optimizer().stateNames();
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            System.arraycopy(s.values()[i], 0, p.value(), 0, p.size());
            for (int k = 0; k < names.size(); k++) {
                System.arraycopy(s.states()[i][k], 0, optimizer().state(p, names.get(k)), 0, p.size());
            }
        }
        backend().syncToDevice();
        trainer.restore(s.position());
        while (results.size() > s.results()) {
            results.remove(results.size() - 1);
        }
        testAccuracy.keySet().removeIf(e -> e >= trainer.epoch());
        lastUpdates.values().removeIf(u -> u.step() > trainer.globalStep());
    }

    private void captureBeforeUpdate(int layer) {
        backend().syncToHost();
        List<Param> ps = model().layers().get(layer).params();
        List<String> names = optimizer().stateNames();
        UpdateCapture old = lastUpdates.get(layer);
        float[][] theta = old != null ? old.theta() : new float[ps.size()][];
        float[][] grad = old != null ? old.grad() : new float[ps.size()][];
        float[][][] state = old != null ? old.state() : new float[ps.size()][names.size()][];
        for (int i = 0; i < ps.size(); i++) {
            theta[i] = copyInto(theta[i], ps.get(i).value());
            grad[i] = copyInto(grad[i], ps.get(i).grad());
            for (int s = 0; s < names.size(); s++) {
                state[i][s] = copyInto(state[i][s], optimizer().state(ps.get(i), names.get(s)));
            }
        }
        lastUpdates.put(layer, new UpdateCapture(layer, trainer.globalStep() + 1, theta, grad, state));
    }

    /**
     * Logs every step completed from now on, and every epoch's test result, as {@code train --log} does
     * (a step replayed after stepping back is logged again, as it ran again).
     */
    public synchronized void log(gradstep.engine.train.TrainingLog log) {
        this.log = log;
    }

    // ---- breakpoints ----

    public synchronized void addBreakpoint(Breakpoint b) {
        if (b instanceof Breakpoint.GradNorm g && g.layer() != null && layerIndex(g.layer()) < 0) {
            throw new gradstep.engine.GradstepException("breakpoint '" + b.describe() + "': no layer '" + g.layer()
                    + "' (layers: " + String.join(", ", model().layers().stream().map(Layer::name).toList()) + ")");
        }
        breakpoints.add(b);
    }

    public synchronized void clearBreakpoints() {
        breakpoints.clear();
    }

    public synchronized List<Breakpoint> breakpoints() {
        return List.copyOf(breakpoints);
    }

    private String checkMicro(MicroStep s, long step) {
        for (Breakpoint b : breakpoints) {
            if (b instanceof Breakpoint.NonFinite) {
                String where = nonFinite(s);
                if (where != null) {
                    return "NaN/Inf in " + where + " (step " + step + ", after " + s.describe(model()) + ")";
                }
            } else if (b instanceof Breakpoint.GradNorm g && s instanceof MicroStep.Backward bw) {
                Layer l = model().layers().get(bw.layer());
                if (l.params().isEmpty() || (g.layer() != null && !g.layer().equals(l.name()))) {
                    continue;
                }
                double norm = gradNorm(bw.layer());
                if (g.above() ? norm > g.threshold() : norm < g.threshold()) {
                    return String.format(java.util.Locale.ROOT, "gradient norm of %s is %.3g, %s %.3g (step %d)", l.name(), norm,
                            g.above() ? "above" : "below", g.threshold(), step);
                }
            }
        }
        return null;
    }

    private String checkStep(StepResult r) {
        double previous = results.size() >= 2 ? results.get(results.size() - 2).loss() : Double.NaN;
        for (Breakpoint b : breakpoints) {
            if (b instanceof Breakpoint.LossRise lr && previous > 0 && r.loss() > lr.factor() * previous) {
                return String.format(java.util.Locale.ROOT, "loss rose from %.4f to %.4f (more than %.3gx) at step %d",
                        previous, r.loss(), lr.factor(), r.globalStep());
            }
            if (b instanceof Breakpoint.AtStep at && r.globalStep() == at.step()) {
                return "reached step " + at.step();
            }
        }
        return null;
    }

    /** The first tensor the micro-step produced that holds a NaN or an Inf, named, or null. */
    private String nonFinite(MicroStep s) {
        if (s instanceof MicroStep.Forward f) {
            return firstNonFinite(backend().activation(f.layer())) >= 0
                    ? "activation of " + model().layers().get(f.layer()).name() : null;
        }
        if (s instanceof MicroStep.Loss) {
            double loss = trainer.lastLoss().loss();
            return Double.isFinite(loss) ? null : "loss";
        }
        if (s instanceof MicroStep.Backward b) {
            backend().syncToHost();
            for (Param p : model().layers().get(b.layer()).params()) {
                if (firstNonFinite(p.grad()) >= 0) {
                    return "gradient " + p.name();
                }
            }
            return null;
        }
        if (s instanceof MicroStep.Update u) {
            backend().syncToHost();
            for (Param p : model().layers().get(u.layer()).params()) {
                if (firstNonFinite(p.value()) >= 0) {
                    return "parameter " + p.name();
                }
            }
        }
        return null;
    }

    static int firstNonFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    // ---- what the views read ----

    /** One row of the layers table. {@code dead} is NaN for a layer without ReLU, ratios NaN without parameters. */
    public record LayerStats(int index, String name, String kind, String shape, int params, double actMean, double actStd,
                             double dead, double gradNorm, double updateNorm, double paramNorm) {
        /** log10(‖update‖ / ‖θ‖): around −3 is healthy (Karpathy; Deeplearning4j's training UI). */
        public double ratioLog10() {
            return params == 0 || paramNorm == 0 || updateNorm == 0 ? Double.NaN : Math.log10(updateNorm / paramNorm);
        }
    }

    public synchronized List<LayerStats> layerStats() {
        // no syncToHost: activations and norms are read where they live (see Backend.layerNorms)
        List<LayerStats> out = new ArrayList<>();
        List<Layer> layers = model().layers();
        boolean forwardRan = trainer.cursor() > 0 || trainer.globalStep() > 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            double mean = Double.NaN, std = Double.NaN, dead = Double.NaN;
            if (forwardRan) {
                float[] a = backend().activation(i);
                Stats.Summary s = Stats.summary(a, 0, a.length);
                mean = s.mean();
                std = Math.sqrt(Math.max(0, s.sumOfSquares() / Math.max(1, s.count()) - mean * mean));
                if (l.activation() == Activation.RELU) {
                    int zeros = 0;
                    for (float v : a) {
                        zeros += v == 0f ? 1 : 0;
                    }
                    dead = (double) zeros / Math.max(1, a.length);
                }
            }
            // computed where the tensors live (on the device for an OpenCL backend), as the training log does
            Backend.LayerNorms n = backend().layerNorms(i);
            out.add(new LayerStats(i, l.name(), l.kind(), l.outputShape().toString(), l.paramCount(), mean, std, dead,
                    n.gradient(), n.update(), n.parameter()));
        }
        return out;
    }

    private double gradNorm(int layer) {
        return backend().layerNorms(layer).gradient();
    }

    // ---- selection ----

    public synchronized void selectLayer(int index) {
        int n = model().layers().size();
        selectedLayer = Math.floorMod(index, n);
        selectedParam = 0;
        selectedElement = AUTO;
    }

    /** Element "not chosen yet": the inspector picks the one with the largest |g| in the layer's last update. */
    static final int AUTO = -1;

    /** Selects by name ({@code dense_1}, {@code dense_1/bias}) or by index; returns false if there is no such layer. */
    public synchronized boolean select(String layerOrParam, Integer element) {
        String name = layerOrParam;
        int param = 0;
        int slash = name.indexOf('/');
        if (slash > 0) {
            String p = name.substring(slash + 1);
            name = name.substring(0, slash);
            param = p.equals("bias") ? 1 : p.equals("kernel") ? 0 : -1;
            if (param < 0) {
                return false;
            }
        }
        int i = layerIndex(name);
        if (i < 0) {
            try {
                i = Integer.parseInt(name);
            } catch (NumberFormatException e) {
                return false;
            }
            if (i < 0 || i >= model().layers().size()) {
                return false;
            }
        }
        selectedLayer = i;
        List<Param> ps = model().layers().get(i).params();
        selectedParam = ps.isEmpty() ? 0 : Math.min(param, ps.size() - 1);
        selectedElement = AUTO;
        if (element != null) {
            selectedElement = 0;
            moveElement(element);
        }
        return true;
    }

    int layerIndex(String name) {
        List<Layer> layers = model().layers();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Moves the selected element by {@code delta}, wrapping around the tensor. */
    public synchronized void moveElement(int delta) {
        Param p = selectedParam();
        if (p != null) {
            selectedElement = Math.floorMod(selectedElement() + delta, p.size());
        }
    }

    /** Switches between the selected layer's kernel and bias. */
    public synchronized void nextParam() {
        int n = model().layers().get(selectedLayer).params().size();
        if (n > 0) {
            selectedParam = (selectedParam + 1) % n;
            selectedElement = AUTO;
        }
    }

    public synchronized Param selectedParam() {
        List<Param> ps = model().layers().get(selectedLayer).params();
        return ps.isEmpty() ? null : ps.get(selectedParam);
    }

    public int selectedLayer() {
        return selectedLayer;
    }

    public int selectedParamIndex() {
        return selectedParam;
    }

    /**
     * The selected element of the selected parameter. Until one is chosen, the one whose gradient was
     * largest in magnitude in the layer's last update (an element that moved), fixed from then on.
     */
    public synchronized int selectedElement() {
        if (selectedElement == AUTO) {
            UpdateCapture u = lastUpdates.get(selectedLayer);
            if (u == null || selectedParam() == null) {
                return 0;
            }
            float[] g = u.grad()[selectedParam];
            int best = 0;
            for (int i = 1; i < g.length; i++) {
                if (Math.abs(g[i]) > Math.abs(g[best])) {
                    best = i;
                }
            }
            selectedElement = best;
        }
        return selectedElement;
    }

    public synchronized UpdateCapture lastUpdate(int layer) {
        return lastUpdates.get(layer);
    }

    // ---- dump ----

    /**
     * Writes the current batch (images as the model sees them, labels), every parameter, its gradient
     * on that batch and its optimizer state as {@code .npz}: {@code dense_1/kernel},
     * {@code dense_1/kernel:grad}, {@code dense_1/kernel:rms} (m, RMSprop's mean square),
     * {@code dense_1/kernel:mom} (b, the step), and {@code batch/images}, {@code batch/labels}.
     */
    public synchronized void dump(Path file) {
        Backend b = backend();
        b.syncToHost();
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        int n = b.batchSize();
        int[] inShape = model().inputShape().dims();
        int[] imgShape = new int[inShape.length + 1];
        imgShape[0] = n;
        System.arraycopy(inShape, 0, imgShape, 1, inShape.length);
        arrays.put("batch/images", Npy.floats(imgShape, b.input()));
        arrays.put("batch/labels", Npy.ints(new int[]{n}, b.labels()));
        for (Param p : model().params()) {
            arrays.put(p.name(), Npy.floats(p.shape().dims(), p.value()));
            arrays.put(p.name() + ":grad", Npy.floats(p.shape().dims(), p.grad()));
            for (String s : optimizer().stateNames()) {
                arrays.put(p.name() + (s.equals("m") ? ":rms" : ":mom"), Npy.floats(p.shape().dims(), optimizer().state(p, s)));
            }
        }
        arrays.put("gradstep/spec", Npy.string(model().spec().text()));
        Npz.write(file, arrays);
    }

    // ---- accessors ----

    public Trainer trainer() {
        return trainer;
    }

    public Backend backend() {
        return trainer.backend();
    }

    public Model model() {
        return trainer.model();
    }

    public Optimizer optimizer() {
        return trainer.optimizer();
    }

    public ImageData trainData() {
        return train;
    }

    public int epochs() {
        return epochs;
    }

    public synchronized List<StepResult> results() {
        return List.copyOf(results);
    }

    public synchronized Map<Integer, Double> testAccuracy() {
        return Map.copyOf(testAccuracy);
    }

    public String lastStop() {
        return lastStop;
    }
}
